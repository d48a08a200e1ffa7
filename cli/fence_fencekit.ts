#!/usr/bin/env node
import { runAgent } from './fence-agent/run.js';

/**
 * `fence_fencekit`: a fence agent for Pacemaker (docs/fence-agent.md). It
 * starts fast: only the option table and the driver registry load up front;
 * a driver's own modules load when it is used.
 */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

runAgent(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin,
  env: process.env,
}).then(
  // Exit at once: a driver's library may keep a timer or socket alive past its close().
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`fence_fencekit: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
