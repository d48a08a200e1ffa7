import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The environment for a test that runs `npx fencekit` as a user does.
 *
 * In a clone, `npx fencekit` installs the project into npm's cache
 * (`~/.npm/_npx/<hash of the clone's path>`) and links its bins there once.
 * npm never relinks them: a cache made by an earlier build of the same path
 * keeps pointing at the bins where that build had them. A CI machine that
 * reuses one path for every run would test that leftover, not this build.
 * So each test file gets a cache of its own, made here and removed by
 * `done()`. Its install skips `prepare` because vitest's global setup has
 * built dist already, and a second build would rewrite the bins while other
 * tests run them.
 */
export function npxSandbox(): { env: NodeJS.ProcessEnv; done(): void } {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-npx-cache-'));
  return {
    env: {
      ...process.env,
      npm_config_cache: cache,
      npm_config_ignore_scripts: 'true',
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    },
    done: () => fs.rmSync(cache, { recursive: true, force: true }),
  };
}
