import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminLab } from '../../emulator/lab/admin/admin-lab.js';
import { type AdminServer, startAdminServer } from '../../emulator/lab/admin/server.js';
import type { Lab } from '../../emulator/lab/lab.js';
import { chromiumPeer, launchChromium } from '../helpers/browser.js';
import { peer, run } from '../helpers/run.js';
import { startWtiLab, type WtiLab } from '../helpers/wti-lab.js';

/**
 * The live page in a real headless Chromium, against a real Lab: a WTI unit
 * whose plug 5 powers a process, fenced by the real fence_wti. The page must
 * show what happened, live, without a reload. Addresses 127.0.8.20–21.
 */
const FENCE_WTI = '/usr/sbin/fence_wti';
const wti = peer(FENCE_WTI);
const browserPeer = chromiumPeer();

// Class Lab is what the admin server is written against (checked at compile time).
const _labIsAnAdminLab = (lab: Lab): AdminLab => lab;

const TOKEN = 'lab-page-token';
const PASSWORD = 'secret';

describe.skipIf(!wti.available || !browserPeer.available)('the live page, in Chromium, against a real lab', () => {
  let wtiLab: WtiLab;
  let lab: Lab;
  let admin: AdminServer;
  let browser: Browser;
  let page: Page;
  let port = 0;

  const fence = (...args: string[]) =>
    run(FENCE_WTI, ['-a', '127.0.8.20', '-u', String(port), '-p', PASSWORD, '-n', '5', ...args], { timeoutMs: 60_000 });
  const plugRow = (state: string, load: string) =>
    page.locator(`section[data-unit="wti-a"] tr[data-plug="5"][data-state="${state}"][data-load="${load}"]`);
  const pid = () => lab.unit('wti-a').plugs.find((p) => p.plug === 5)?.load?.pid;
  const lastEventId = () => lab.events.since(0).at(-1)?.id ?? 0;
  /** The page has shown every event the lab has emitted so far. */
  const pageCaughtUp = (id: number) => page.locator(`#events li[data-event-id="${id}"]`).waitFor();

  beforeAll(async () => {
    wtiLab = await startWtiLab({ host: '127.0.8.20', password: PASSWORD, label: 'lab-page' });
    ({ lab, port } = wtiLab);
    admin = await startAdminServer(lab, { listen: '127.0.8.21:0', token: TOKEN, tokenName: 'ci' });
    browser = await launchChromium();
    page = await browser.newPage();
    // Every wait below ends as soon as the page shows the change; this only bounds a page that never does.
    page.setDefaultTimeout(20_000);
  });
  afterAll(async () => {
    await browser?.close();
    await admin?.close();
    await wtiLab?.stop();
  });

  it('asks for the token once, then shows the unit with its plug on and its load alive', async () => {
    await page.goto(admin.url);
    const form = page.locator('#token-form');
    await form.waitFor({ state: 'visible' });
    await form.locator('input').fill(TOKEN);
    await form.locator('button[type=submit]').click();
    await plugRow('ON', 'alive').waitFor();
    await page.locator('#connection[data-state="live"]').waitFor();
    expect(await page.evaluate("sessionStorage.getItem('fencekit-lab-token')")).toBe(TOKEN);
    // A reload takes the token from the tab's storage: no second question.
    await page.reload();
    await page.locator('#connection[data-state="live"]').waitFor();
    expect(await form.isVisible()).toBe(false);
  });

  it('fence_wti -o off: the plug turns OFF and its load is marked dead, live', async () => {
    const victim = pid();
    expect(victim).toBeGreaterThan(0);
    const r = await fence('-o', 'off');
    expect(r.stdout).toBe('Success: Powered OFF\n');
    expect(r.code).toBe(0);
    await plugRow('OFF', 'dead').waitFor();
    expect(() => process.kill(victim as number, 0)).toThrow();
    const actor = await plugRow('OFF', 'dead').locator('[data-role=last-actor]').textContent();
    expect(actor).toMatch(/^telnet 127\.0\.0\.1:\d+/);
    await page.locator('#events li[data-event-type="plug"]', { hasText: 'ON → OFF by telnet' }).first().waitFor();
  });

  it('a stuck relay injected from the page makes fence_wti fail, and the load stays alive', async () => {
    await plugRow('OFF', 'dead').locator('button[data-action="on"]').click();
    await plugRow('ON', 'alive').waitFor();
    const survivor = pid();

    const unit = page.locator('section[data-unit="wti-a"]');
    await unit.locator('select[data-role=fault-picker]').selectOption('stuck-relay');
    await unit.locator('button[data-action="inject-fault"]').click();
    await page.locator('section[data-unit="wti-a"][data-faults~="stuck-relay"]').waitFor();
    expect(lab.unit('wti-a').faults).toEqual(['stuck-relay']);
    await page.locator('#events li[data-event-type="fault"]', { hasText: 'stuck-relay injected by api' }).waitFor();

    const r = await fence('-o', 'off', '--power-timeout', '3');
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/Failed/);
    await pageCaughtUp(lastEventId());
    expect(await plugRow('ON', 'alive').count()).toBe(1);
    expect(() => process.kill(survivor as number, 0)).not.toThrow();

    await unit.locator('button[data-action="clear-fault"]').click();
    await page.locator('section[data-unit="wti-a"][data-faults=""]').waitFor();
  });

  it('freezes and thaws the load from the page; a frozen load dies when fenced', async () => {
    const row = page.locator('section[data-unit="wti-a"] tr[data-plug="5"]');
    await plugRow('ON', 'alive').waitFor();
    const frozen = pid() as number;
    await row.locator('button[data-action="freeze"]').click();
    await plugRow('ON', 'frozen').waitFor();
    expect(processState(frozen)).toBe('T');
    await row.locator('button[data-action="thaw"]').click();
    await plugRow('ON', 'alive').waitFor();
    expect(processState(frozen)).toBe('S');

    await row.locator('button[data-action="freeze"]').click();
    await plugRow('ON', 'frozen').waitFor();
    const r = await fence('-o', 'off');
    expect(r.stdout).toBe('Success: Powered OFF\n');
    await plugRow('OFF', 'dead').waitFor();
    expect(() => process.kill(frozen, 0)).toThrow();
  });
});

/** The state letter of /proc/PID/stat: S sleeping, T stopped. */
function processState(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}
