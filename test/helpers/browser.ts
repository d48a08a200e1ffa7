import fs from 'node:fs';
import type { Browser } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core, for the live page's tests.
 * Like peer(): outside CI a missing browser skips loudly, in CI it fails.
 */
export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPeer(): { available: boolean } {
  const available = fs.existsSync(CHROMIUM);
  if (available) return { available };
  const reason = `${CHROMIUM} is not installed: apt-get install -y chromium`;
  if (process.env.CI === 'true') throw new Error(`CI: required peer missing: ${reason}`);
  process.stderr.write(`\n*** SKIPPING browser tests: ${reason} ***\n\n`);
  return { available };
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
