import { describe, expect, it } from 'vitest';
import * as fencekit from '../../drivers/index.js';
import * as emulator from '../../emulator/index.js';

/** The public surface is deliberate: adding or removing a name must be a visible change here. */
describe('public exports', () => {
  it('the library exports exactly these values', () => {
    expect(Object.keys(fencekit).sort()).toEqual([
      'AbortedError',
      'AuthError',
      'BusyError',
      'ConnectionError',
      'Deadline',
      'Dialog',
      'FencekitError',
      'Fencer',
      'ProtocolError',
      'TimeoutError',
      'UnknownPlugError',
      'UsageError',
      'connectSsh',
      'connectTelnet',
      'createApcSnmpSwitch',
      'createApcSwitch',
      'createIloSshSwitch',
      'createIloSwitch',
      'createRedfishSwitch',
      'createWtiSwitch',
      'cutReply',
      'memoryPair',
      'openSerial',
      'parseSerialSpec',
      'resolveTarget',
      'sshFingerprint',
      'transcriptTo',
    ]);
  });

  it('the emulator exports exactly these values', () => {
    expect(Object.keys(emulator).sort()).toEqual([
      'APC_FAULTS',
      'ApcDevice',
      'ApcEmulator',
      'EventBus',
      'ILO_FAULTS',
      'IloDevice',
      'IloEmulator',
      'WTI_FAULTS',
      'WtiDevice',
      'WtiEmulator',
      'describeEvent',
      'isWtiFault',
      'personalities',
    ]);
  });

  it('every error carries its stable code', () => {
    expect(new fencekit.AuthError().code).toBe('EAUTH');
    expect(new fencekit.BusyError().code).toBe('EBUSY');
    expect(new fencekit.TimeoutError('login').code).toBe('ETIMEOUT');
    expect(new fencekit.UnknownPlugError('x').code).toBe('EUNKNOWNPLUG');
    expect(new fencekit.ProtocolError('x').code).toBe('EPROTOCOL');
    expect(new fencekit.ConnectionError('x').code).toBe('ECONNECTION');
    expect(new fencekit.AbortedError().code).toBe('EABORTED');
    expect(new fencekit.UsageError('x').code).toBe('EUSAGE');
    expect(new fencekit.AuthError()).toBeInstanceOf(fencekit.FencekitError);
  });

  it('errors carry the plugs and the device reply, the reply cut to a readable length', () => {
    const err = new fencekit.ProtocolError('refused', {
      plugs: [3],
      reply: `Invalid Plug${' '.repeat(1000)}!`,
      deviceStatus: 'E102',
    });
    expect(err.plugs).toEqual([3]);
    expect(err.deviceStatus).toBe('E102');
    expect(err.reply?.startsWith('Invalid Plug')).toBe(true);
    expect(err.reply?.length).toBeLessThan(200);
    expect(fencekit.cutReply('a\rb')).toBe('a\\x0db');
  });
});
