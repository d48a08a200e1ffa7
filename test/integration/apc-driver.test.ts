import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApcSnmpSwitch, createApcSwitch } from '../../drivers/apc/index.js';
import { AuthError, BusyError, TimeoutError, UnknownPlugError } from '../../src/errors.js';
import type { PowerSwitch } from '../../src/power-switch.js';
import { connectSsh } from '../../src/transport/ssh.js';
import { type RunningApc, startApc as startUnit } from '../helpers/units.js';
import { untilEvent } from '../helpers/wait.js';

/**
 * The APC driver against every emulated personality and transport: the v2.7
 * menu and the v6.4 CLI over telnet and SSH, and SNMP. 127.0.0.140–159.
 */
const PLUGS = [
  { number: 1, name: 'node1' },
  { number: 2, name: 'EMC (UPS)' },
  { number: 3, name: 'twin' },
  { number: 4, name: 'twin' },
];

function startApc(firmware: '2.7' | '6.4', n: number) {
  return startUnit(`127.0.0.${n}`, {
    firmware,
    telnet: 0,
    ssh: 0,
    snmp: 0,
    role: 'outlet',
    plugs: PLUGS,
    bootDelay: 0.2,
  });
}

/** Every test starts from a card with no fault and every outlet on, so it passes alone or after any other. */
function reset(apc: RunningApc): void {
  const d = apc.emulator.device;
  d.faults.clear();
  d.cancelLater(d.bank.all().map((o) => o.number));
  for (const o of d.bank.all()) d.bank.force(o.number, 'ON', 'test');
}

for (const [firmware, n] of [
  ['2.7', 140],
  ['6.4', 141],
] as const) {
  describe(`APC driver, AOS v${firmware}`, () => {
    let apc: Awaited<ReturnType<typeof startApc>>;
    beforeAll(async () => {
      apc = await startApc(firmware, n);
    });
    afterAll(() => apc.emulator.stop());
    beforeEach(() => reset(apc));
    const state = (plug: number) => apc.emulator.device.bank.get(plug)?.state;
    const host = `127.0.0.${n}`;

    const transports: Record<string, () => PowerSwitch> = {
      telnet: () =>
        createApcSwitch({ host, port: apc.emulator.telnet?.address.port, username: 'apc', password: 'apc' }),
      ssh: () =>
        createApcSwitch({
          preAuthenticated: true,
          connect: (deadline) =>
            connectSsh({
              host,
              port: apc.emulator.ssh?.address.port ?? 0,
              username: 'apc',
              password: 'apc',
              timeoutMs: deadline.phase('connect', 5000),
              hostKey: 'insecure',
            }),
        }),
      snmp: () => createApcSnmpSwitch({ host, port: apc.emulator.snmp?.address.port, community: 'private' }),
    };

    for (const [name, make] of Object.entries(transports)) {
      it(`${name}: status, off, on, reboot and list agree with the card`, async () => {
        const sw = make();
        expect(await sw.status('node1')).toMatchObject([{ plug: 1, state: 'on' }]);
        expect(await sw.off(1)).toMatchObject([{ plug: 1, state: 'off', changed: true }]);
        expect(state(1)).toBe('OFF');
        expect(await sw.status(1)).toMatchObject([{ plug: 1, state: 'off' }]);
        expect(await sw.on('node1')).toMatchObject([{ plug: 1, state: 'on', changed: true }]);
        expect(state(1)).toBe('ON');
        const from = apc.events.length;
        expect(await sw.reboot(1)).toMatchObject([{ plug: 1, state: 'on', action: 'reboot' }]);
        const changes = apc.events.slice(from).flatMap((e) => (e.type === 'plug' && e.plug === 1 ? [e.state] : []));
        expect(changes).toEqual(['OFF', 'ON']);
        const list = await sw.list();
        expect(list).toHaveLength(24);
        expect(list[1]).toEqual({ plug: 2, name: 'EMC (UPS)', state: 'on' });
      });

      it(`${name}: a name held by two outlets switches both; an unknown outlet switches nothing`, async () => {
        const sw = make();
        expect((await sw.off('twin')).map((r) => r.plug)).toEqual([3, 4]);
        expect([state(3), state(4)]).toEqual(['OFF', 'OFF']);
        await sw.on('twin');
        await expect(sw.off('nosuch')).rejects.toBeInstanceOf(UnknownPlugError);
        await expect(sw.off(99)).rejects.toBeInstanceOf(UnknownPlugError);
      });
    }

    it('telnet: a wrong password is an AuthError', async () => {
      const sw = createApcSwitch({ host, port: apc.emulator.telnet?.address.port, username: 'apc', password: 'nope' });
      await expect(sw.status(1)).rejects.toBeInstanceOf(AuthError);
    });

    it('telnet: a card whose only session is held answers BusyError', async () => {
      const holder = createApcSwitch({
        host,
        port: apc.emulator.telnet?.address.port,
        username: 'apc',
        password: 'apc',
      });
      apc.emulator.device.faults.add('stall-mid-screen');
      const from = apc.events.length;
      const held = holder.status(1, { timeoutMs: 3000 }).catch((e) => e);
      // The holder has the card's only session once it is logged in; the stall keeps it there.
      await untilEvent(apc, (e) => e.type === 'login', { since: from, what: "the holder's login" });
      const sw = createApcSwitch({
        host,
        port: apc.emulator.telnet?.address.port,
        username: 'apc',
        password: 'apc',
        busyRetry: { initialMs: 50, maxMs: 200 },
      });
      const err = await sw.status(1, { timeoutMs: 1000 }).catch((e) => e);
      apc.emulator.device.faults.clear();
      expect(err).toBeInstanceOf(BusyError);
      expect(await held).toBeInstanceOf(TimeoutError);
    });

    it('telnet: a card that stops answering mid-screen is a TimeoutError', async () => {
      apc.emulator.device.faults.add('stall-mid-screen');
      try {
        const sw = createApcSwitch({
          host,
          port: apc.emulator.telnet?.address.port,
          username: 'apc',
          password: 'apc',
          promptTimeoutMs: 800,
        });
        const err = await sw.status(1, { timeoutMs: 4000 }).catch((e) => e);
        expect(err).toBeInstanceOf(TimeoutError);
      } finally {
        apc.emulator.device.faults.clear();
      }
    });

    it('snmp: a relay that never moves is never reported off', async () => {
      apc.emulator.device.faults.add('stuck-relay');
      try {
        const sw = createApcSnmpSwitch({ host, port: apc.emulator.snmp?.address.port, community: 'private' });
        const err = await sw.off(1, { timeoutMs: 2000 }).catch((e) => e);
        expect(err).toBeInstanceOf(TimeoutError);
        expect(err.phase).toBe('confirm');
        expect(state(1)).toBe('ON');
      } finally {
        apc.emulator.device.faults.clear();
      }
    });
  });
}

describe('APC driver, SNMP versions and communities', () => {
  let apc: Awaited<ReturnType<typeof startApc>>;
  beforeAll(async () => {
    apc = await startApc('2.7', 142);
  });
  afterAll(() => apc.emulator.stop());
  beforeEach(() => reset(apc));
  const port = () => apc.emulator.snmp?.address.port;

  it('reads and switches over SNMPv2c, reporting the Rack PDU tables', async () => {
    const sw = createApcSnmpSwitch({ host: '127.0.0.142', port: port(), version: '2c', community: 'private' });
    expect(await sw.off(2)).toMatchObject([{ plug: 2, name: 'EMC (UPS)', state: 'off' }]);
    expect(sw.tables).toBe('Rack PDU');
    await sw.on(2);
  });

  it('reads and switches over SNMPv3 (authPriv), and refuses a wrong key', async () => {
    apc.emulator.device.snmpUsers = [
      { name: 'fence', authProtocol: 'sha', authKey: 'auth-secret', privProtocol: 'aes', privKey: 'priv-secret' },
    ];
    const user = {
      name: 'fence',
      authProtocol: 'sha' as const,
      authKey: 'auth-secret',
      privProtocol: 'aes' as const,
      privKey: 'priv-secret',
    };
    const sw = createApcSnmpSwitch({ host: '127.0.0.142', port: port(), version: '3', user });
    expect(await sw.off(3)).toMatchObject([{ plug: 3, state: 'off' }]);
    expect(apc.emulator.device.bank.get(3)?.state).toBe('OFF');
    await sw.on(3);
    const wrong = createApcSnmpSwitch({
      host: '127.0.0.142',
      port: port(),
      version: '3',
      user: { ...user, authKey: 'not-the-key' },
      requestTimeoutMs: 300,
    });
    await expect(wrong.off(3, { timeoutMs: 2000 })).rejects.toBeInstanceOf(Error);
    expect(apc.emulator.device.bank.get(3)?.state).toBe('ON');
  });

  it('a wrong community gets no answer: TimeoutError, nothing switched', async () => {
    const sw = createApcSnmpSwitch({ host: '127.0.0.142', port: port(), community: 'wrong', requestTimeoutMs: 300 });
    await expect(sw.off(1, { timeoutMs: 2000 })).rejects.toBeInstanceOf(TimeoutError);
    expect(apc.emulator.device.bank.get(1)?.state).toBe('ON');
  });
});
