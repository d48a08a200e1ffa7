import { ACTIONS, type AgentOption, type OptionEntry } from './options.js';

/**
 * `action=metadata`: the XML fence-agents prints (lib/metadata.rng's shape),
 * which Pacemaker reads to learn the parameters, their types and the actions.
 * Legacy names appear twice, as fence-agents has them: once deprecated, once
 * as the new name that obsoletes it.
 */
const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const LONGDESC =
  'fence_fencekit fences through every fencekit driver: WTI power switches over telnet or a serial line, ' +
  'APC PDUs over telnet or SSH (menu or apc> command line) and SNMP v1, v2c or v3, HP iLO over RIBCL or SMASH CLP, ' +
  'and Redfish boards. Plugs may be given by number or by name; every power change is read back before success is reported.';

function getopt(o: AgentOption, name: string): string {
  const long = `--${name.replace(/_/g, '-')}`;
  const arg = o.kind === 'boolean' ? '' : `=[${o.kind === 'secret' ? 'password' : o.name}]`;
  return o.short ? `-${o.short}, ${long}${arg}` : `${long}${arg}`;
}

function content(o: AgentOption): string {
  const type = o.kind === 'secret' ? 'string' : o.kind;
  const def = o.default === undefined ? '' : ` default="${xml(o.default)}"`;
  if (o.kind !== 'select') return `\t\t<content type="${type}"${def}  />`;
  const options = (o.choices ?? []).map((c) => `\t\t\t<option value="${xml(c)}" />`).join('\n');
  return `\t\t<content type="select"${def}  >\n${options}\n\t\t</content>`;
}

function parameter(o: AgentOption, name: string, attrs: string, required: boolean): string {
  return [
    `\t<parameter name="${name}" unique="0" required="${required ? 1 : 0}"${attrs}>`,
    `\t\t<getopt mixed="${xml(getopt(o, name))}" />`,
    content(o),
    `\t\t<shortdesc lang="en">${xml(o.help)}</shortdesc>`,
    '\t</parameter>',
  ].join('\n');
}

export function metadataXml(table: readonly OptionEntry[]): string {
  const params: string[] = [];
  for (const { option: o } of table) {
    if (o.listed === false) continue;
    if (o.legacy && o.legacyInMetadata !== false) {
      params.push(parameter(o, o.legacy, ' deprecated="1"', false));
      params.push(parameter(o, o.name, ` obsoletes="${o.legacy}"`, o.required === true));
    } else {
      params.push(parameter(o, o.name, '', o.required === true));
    }
  }
  const actions = ACTIONS.map((a) => (a === 'on' ? '\t<action name="on" automatic="0"/>' : `\t<action name="${a}" />`));
  return [
    '<?xml version="1.0" ?>',
    '<resource-agent name="fence_fencekit" shortdesc="Fence agent for every fencekit driver (WTI, APC, HP iLO, Redfish)" >',
    `<longdesc>${xml(LONGDESC)}</longdesc>`,
    '<vendor-url>https://github.com/fencekit/fencekit</vendor-url>',
    '<parameters>',
    ...params,
    '</parameters>',
    '<actions>',
    ...actions,
    '</actions>',
    '</resource-agent>',
    '',
  ].join('\n');
}
