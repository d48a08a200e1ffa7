import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Conformance tests bind fixed ports (23 on 127.0.0.N) and drive real clients
    // that take seconds each; files run in parallel, tests within a file in order.
    // Most of the time goes to waiting on real clients and devices' delays, not to
    // CPU: run three files at once even on a two-core machine (vitest's default
    // there is one). Each file owns its addresses (test/helpers/ADDRESSES.md).
    maxWorkers: Number(process.env.FENCEKIT_TEST_WORKERS ?? 3),
    testTimeout: 60_000,
    hookTimeout: 30_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-result.json' },
  },
});
