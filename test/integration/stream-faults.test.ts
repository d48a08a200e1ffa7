import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/raw-client.js';
import { type RunningApc, resetApc, startApc } from '../helpers/units.js';
import { untilEvent } from '../helpers/wait.js';

/**
 * What the byte-stream faults put on the wire of a running APC card, telnet
 * and SSH side by side, each fault switched while the card runs: the hung
 * unit's silence (no telnet offers, no SSH version line) and the busy answer.
 * Address 127.0.9.30, ports 0.
 */
describe('byte-stream faults on the wire', () => {
  let apc: RunningApc;
  const clients: RawClient[] = [];
  const connect = async (port: number | undefined) => {
    const c = await RawClient.connect(apc.host, port ?? 0);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    apc = await startApc('127.0.9.30', { telnet: 0, ssh: 0, maxSessions: 4 });
  });
  afterAll(() => apc.stop());
  beforeEach(() => {
    for (const c of clients.splice(0)) c.close();
    resetApc(apc);
  });

  it('hang: telnet sends not even its offers, SSH not even its version line; the next connections after clearing get both', async () => {
    apc.emulator.device.faults.add('hang');
    const hungTelnet = await connect(apc.ports.telnet);
    const hungSsh = await connect(apc.ports.ssh);
    hungTelnet.send('apc\r\n');
    hungSsh.send('SSH-2.0-OpenSSH_9.2\r\n');
    apc.emulator.device.faults.delete('hang');

    const telnet = await connect(apc.ports.telnet);
    await telnet.expect('User Name : ');
    const ssh = await connect(apc.ports.ssh);
    await ssh.expect(/^SSH-2\.0-/);
    // Both hung connections were accepted first and are still open, with nothing said.
    expect(hungTelnet.bytes.length).toBe(0);
    expect(hungSsh.bytes.length).toBe(0);
    expect(hungTelnet.closed || hungSsh.closed).toBe(false);
    expect(apc.emulator.limit.inUse).toBe(1);
  });

  it('busy: telnet is accepted and closed without a byte, with a refused event; cleared, the next one gets its prompt', async () => {
    apc.emulator.device.faults.add('busy');
    const from = apc.events.length;
    const refused = await connect(apc.ports.telnet);
    await refused.expectClose();
    expect(refused.bytes.length).toBe(0);
    await untilEvent(apc, (e) => e.type === 'refused' && e.reason === 'fault: busy', {
      since: from,
      what: 'the busy refusal',
    });
    apc.emulator.device.faults.delete('busy');
    const next = await connect(apc.ports.telnet);
    await next.expect('User Name : ');
  });

  it('garbled: the telnet negotiation is intact, the text is noise; slow: the prompt still comes, whole', async () => {
    apc.emulator.device.faults.add('garbled');
    const noisy = await connect(apc.ports.telnet);
    await noisy.expect(/\r\n\S+ \S+ \S /);
    expect(noisy.bytes[0]).toBe(255); // IAC: the offers are telnet, not noise
    expect(noisy.plain).not.toMatch(/[A-Za-z:]/);
    apc.emulator.device.faults.delete('garbled');

    apc.emulator.device.faults.add('slow');
    const slow = await connect(apc.ports.telnet);
    await slow.expect('User Name : ', 10_000);
  });
});
