import { type ApcConfig, ConfigError, type PlugConfig, parseHostPort } from '../config.js';
import { SessionLimit } from '../frontends/session-limit.js';
import type { SshFrontend } from '../frontends/ssh.js';
import { TelnetFrontend } from '../frontends/telnet.js';
import { switchOutlet } from '../model/out-of-band.js';
import { APC_KIND } from '../models.js';
import { hostKeyFileFor } from '../persistence.js';
import type { UnitKind } from '../unit-kind.js';
import { ApcDevice, type ApcSnapshot } from './apc-device.js';
import type { CardClock } from './clock.js';
import { apcHints } from './hints.js';
import { createApcSession } from './sessions.js';
import type { ApcSnmpAgent } from './snmp-agent.js';
import { checkSnmpUsers, deviceSnmpUsers, mergeSnmpUsers } from './snmp-users.js';

/** An APC card's front-ends, all on one device, telnet and SSH sharing one session limit. */
export interface ApcFrontEnds {
  limit: SessionLimit;
  telnet: TelnetFrontend | null;
  ssh: SshFrontend | null;
  snmp: ApcSnmpAgent | null;
}

/**
 * An APC card: the PDU's outlets served at once over telnet, SSH and SNMP,
 * its SSH host key beside the state file. ssh2 and net-snmp are loaded only
 * when their front-end is asked for.
 */
export const apcUnit: UnitKind<ApcConfig, ApcDevice, ApcSnapshot, ApcFrontEnds> = {
  info: APC_KIND,
  createDevice: (config, env) =>
    new ApcDevice({ model: config.model, firmware: config.firmware ?? '2.7', outlets: config.outlets, ...env }),
  apply: applySettings,
  // Delayed commands too: nothing may fire after shutdown.
  halt: (device) => device.stop(),
  title: (device) => `APC ${device.model} (AOS v${device.firmware})`,
  table: (device) => device.bank,
  describe: apcHints,
  switchPlug: async (device, plug, action, by) => switchOutlet(device.bank, plug, action, by),

  async open({ config, device, emit, idleTimeoutSeconds, track }) {
    // apcmaster opens a second session for on/off while its first is still open.
    const limit = new SessionLimit(config.maxSessions ?? (config.model === 'apc-masterswitch' ? 2 : 1));
    const frontEnds: ApcFrontEnds = { limit, telnet: null, ssh: null, snmp: null };
    // The banner's Up Time counts from this card's start.
    const clock: CardClock = { now: () => new Date(), startedAt: new Date() };
    const telnetClientGreeting = config.telnetClientGreeting ?? false;
    if (telnetClientGreeting && config.model !== 'apc-masterswitch') {
      throw new ConfigError(`telnetClientGreeting is for the AP9211 (apc-masterswitch) only, not ${config.model}`);
    }
    if (config.listen) {
      const { host, port } = parseHostPort(config.listen, 'listen');
      frontEnds.telnet = track(
        new TelnetFrontend({
          host,
          port,
          emit,
          idleTimeoutSeconds,
          limit,
          makeSession: (terminal) =>
            createApcSession(device, terminal, emit, { login: true, clock, telnetClientGreeting }),
        }),
      );
      await frontEnds.telnet.listen();
    }
    if (config.ssh) {
      const { host, port } = parseHostPort(config.ssh, 'ssh');
      const { SshFrontend } = await import('../frontends/ssh.js');
      frontEnds.ssh = track(
        new SshFrontend({
          host,
          port,
          hostKeyFile: hostKeyFileFor(config.state),
          authenticate: (user, password) => device.authenticate(user, password) !== null,
          makeSession: (user) => (terminal) => createApcSession(device, terminal, emit, { login: false, user, clock }),
          emit,
          idleTimeoutSeconds,
          limit,
        }),
      );
      await frontEnds.ssh.listen();
    }
    if (config.snmp) {
      const { host, port } = parseHostPort(config.snmp, 'snmp');
      const { ApcSnmpAgent } = await import('./snmp-agent.js');
      // The agent binds as it is made: tracked at once.
      frontEnds.snmp = track(await ApcSnmpAgent.start({ host, port, device, emit }));
    }
    return frontEnds;
  },
};

/** The user, community, SNMPv3 users, identity and outlets a config or the flags give. */
function applySettings(d: ApcDevice, c: Partial<ApcConfig>): void {
  if (c.username !== undefined || c.password !== undefined || c.role !== undefined) {
    const current = d.users[0] ?? { name: 'apc', password: 'apc', role: 'admin' as const };
    d.users = [
      {
        name: c.username ?? current.name,
        password: c.password ?? current.password,
        role: c.role ?? current.role,
      },
    ];
  }
  if (c.community !== undefined) d.communities = { ...d.communities, write: c.community };
  // Checked again for a library caller, who may hand the host settings no file or flag went through.
  if (c.snmpUsers !== undefined) {
    d.snmpUsers = mergeSnmpUsers(d.snmpUsers, deviceSnmpUsers(checkSnmpUsers(c.snmpUsers, "setting 'snmpUsers'")));
  }
  if (c.siteId !== undefined && c.siteId !== null) d.identity = { ...d.identity, name: c.siteId };
  const plugs = new Map<number, PlugConfig>();
  if (c.bootDelay !== undefined) {
    for (let n = 1; n <= d.bank.count; n++) plugs.set(n, { number: n, bootDelay: c.bootDelay });
  }
  for (const p of c.plugs ?? []) {
    if (p.number > d.bank.count) {
      throw new ConfigError(`outlet ${p.number} does not exist: the unit has ${d.bank.count}`);
    }
    plugs.set(p.number, { ...plugs.get(p.number), ...p });
  }
  d.load({
    plugs: [...plugs.values()].map((p) => ({
      number: p.number,
      name: p.name,
      rebootDuration: p.bootDelay,
      state: p.default,
    })),
  });
}
