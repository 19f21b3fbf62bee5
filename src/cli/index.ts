#!/usr/bin/env node
/**
 * The `touchlog` executable (package `bin`), built by tsup into `dist/cli.js` (the line above
 * makes it executable as it is); from the repository: `node --import tsx src/cli/index.ts`.
 */
import { runCli } from './main.js';

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130); // a second Ctrl-C: stop now
  interrupted = true;
  process.stderr.write('\ntouchlog: stopping after the batch in progress (Ctrl-C again to stop now)\n');
  controller.abort();
});
// `touchlog export | head`: the reader went away; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }, { signal: controller.signal });
