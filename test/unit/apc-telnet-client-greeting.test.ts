import { describe, expect, it } from 'vitest';
import { ApcDevice, type ApcModel } from '../../emulator/apc/apc-device.js';
import { createApcSession, TelnetClientGreetingError } from '../../emulator/apc/sessions.js';
import { ApcEmulator } from '../../emulator/apc-emulator.js';
import { ConfigError, validateConfig } from '../../emulator/config.js';
import type { ByteSession, Terminal } from '../../emulator/session.js';
import { ManualScheduler } from './support.js';

/**
 * `telnetClientGreeting`: the opt-in line a telnet client would print in
 * front of an AP9211's output, for cluster-glue's apcmaster. The card itself
 * never prints it, and no other model takes the setting.
 */
class Screen implements Terminal {
  readonly origin = 'test';
  text = '';
  write(text: string): void {
    this.text += text;
  }
  setSecret(): void {}
  close(): void {}
}

function session(model: ApcModel, telnetClientGreeting: boolean) {
  const device = new ApcDevice({ model, firmware: '2.7', emit: () => {}, scheduler: new ManualScheduler() });
  device.users = [{ name: 'apc', password: 'apc', role: 'admin' }];
  const screen = new Screen();
  const s = createApcSession(device, screen, () => {}, { login: true, telnetClientGreeting }) as ByteSession;
  s.start();
  return { screen, s };
}

describe('telnetClientGreeting', () => {
  it('off (the card as it is): the AP9211 starts with its own User Name prompt', () => {
    expect(session('apc-masterswitch', false).screen.text).toBe('\r\nUser Name : ');
  });

  it("on: the telnet client's line comes first, then the card's bytes unchanged, and the session works", () => {
    const { screen, s } = session('apc-masterswitch', true);
    expect(screen.text).toBe("Escape character is '^]'.\r\n\r\nUser Name : ");
    expect(s.kind).toBe('bytes');
    s.input(Buffer.from('apc\rapc\r'));
    expect(screen.text).toContain('American Power Conversion');
  });

  it('is refused for a Rack PDU, by the session, the emulator and the config file', async () => {
    expect(() => session('apc-rackpdu', true)).toThrow(TelnetClientGreetingError);
    await expect(
      ApcEmulator.start({ config: { model: 'apc-rackpdu', listen: null, telnetClientGreeting: true } }),
    ).rejects.toThrow(ConfigError);
    expect(() => validateConfig({ model: 'apc-rackpdu', telnetClientGreeting: true }, 'test.json')).toThrow(
      /telnetClientGreeting/,
    );
    expect(validateConfig({ model: 'apc-masterswitch', telnetClientGreeting: true }, 'test.json')).toEqual({
      model: 'apc-masterswitch',
      telnetClientGreeting: true,
    });
  });
});
