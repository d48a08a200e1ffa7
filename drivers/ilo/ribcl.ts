import { XMLParser } from 'fast-xml-parser';
import { AuthError, ProtocolError } from '../../src/errors.js';
import type { PowerState } from '../../src/power-switch.js';
import { cutReply } from '../../src/progress.js';

/**
 * RIBCL, the iLO's XML scripting language, as the driver writes and reads it
 * (docs/reference/ilo.md §1–§4). A reply is several XML documents one
 * after another; each carries a RESPONSE whose STATUS is hex, 0 for success.
 */
export type RibclCommand =
  | { kind: 'status' }
  | { kind: 'set-power'; state: PowerState }
  | { kind: 'hold-button'; toggle: boolean }
  | { kind: 'press-button' }
  | { kind: 'cold-boot' };

/** XML attribute value quoting, as the device expects (double quotes, entities). */
function attr(value: string): string {
  return `"${value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}"`;
}

function commandXml(c: RibclCommand): { mode: 'read' | 'write'; xml: string } {
  switch (c.kind) {
    case 'status':
      return { mode: 'read', xml: '<GET_HOST_POWER_STATUS/>' };
    case 'set-power':
      return { mode: 'write', xml: `<SET_HOST_POWER HOST_POWER="${c.state === 'on' ? 'Yes' : 'No'}"/>` };
    case 'hold-button':
      return { mode: 'write', xml: c.toggle ? '<HOLD_PWR_BTN TOGGLE="Yes"/>' : '<HOLD_PWR_BTN/>' };
    case 'press-button':
      return { mode: 'write', xml: '<PRESS_PWR_BTN/>' };
    case 'cold-boot':
      return { mode: 'write', xml: '<COLD_BOOT_SERVER/>' };
  }
}

/** One complete request: declaration, RIBCL, LOGIN, SERVER_INFO, the command, all closed. */
export function ribclRequest(user: string, password: string, command: RibclCommand): string {
  const { mode, xml } = commandXml(command);
  return [
    '<?xml version="1.0"?>',
    '<RIBCL VERSION="2.0">',
    `<LOGIN USER_LOGIN=${attr(user)} PASSWORD=${attr(password)}>`,
    `<SERVER_INFO MODE="${mode}">`,
    xml,
    '</SERVER_INFO>',
    '</LOGIN>',
    '</RIBCL>',
    '',
  ].join('\r\n');
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false });

export interface RibclReply {
  /** The host power, when the reply carries GET_HOST_POWER. */
  power?: PowerState;
}

/**
 * Read a whole reply: every document's RESPONSE must be STATUS 0 (0x005F is a
 * failed login). Documents are split at each XML declaration or after each
 * closing </RIBCL>, whichever the device uses.
 */
export function parseRibclReply(text: string): RibclReply {
  const docs = text
    .split(/(?=<\?xml)|(?<=<\/RIBCL>)/)
    .map((d) => d.replace(/<\?xml[^>]*\?>/, '').trim())
    .filter((d) => d.startsWith('<'));
  if (docs.length === 0) throw new ProtocolError('the iLO sent no RIBCL document', { reply: text });
  const reply: RibclReply = {};
  for (const doc of docs) {
    let parsed: Record<string, unknown>;
    try {
      parsed = parser.parse(doc) as Record<string, unknown>;
    } catch (err) {
      throw new ProtocolError(`the iLO sent XML that does not parse: ${cutReply((err as Error).message)}`, {
        cause: err,
      });
    }
    const ribcl = parsed.RIBCL as Record<string, unknown> | undefined;
    if (!ribcl || typeof ribcl !== 'object') continue;
    const responses = ([] as unknown[]).concat(ribcl.RESPONSE ?? []) as Record<string, string>[];
    for (const r of responses) {
      const status = Number.parseInt(String(r.STATUS ?? '0'), 16);
      if (status === 0) continue;
      const message = r.MESSAGE ?? r.MSG ?? 'no message';
      // The status as the board wrote it ("0x005F") and its message: callers report them, as riloe does.
      const fields = { reply: message, deviceStatus: String(r.STATUS) };
      if (status === 0x5f) throw new AuthError(`the iLO refused the login: ${cutReply(message)}`, fields);
      throw new ProtocolError(
        `the iLO answered STATUS=0x${status.toString(16).padStart(4, '0').toUpperCase()}: ${cutReply(message)}`,
        fields,
      );
    }
    const power = ribcl.GET_HOST_POWER as Record<string, string> | undefined;
    if (power?.HOST_POWER) reply.power = power.HOST_POWER.toUpperCase() === 'ON' ? 'on' : 'off';
  }
  return reply;
}
