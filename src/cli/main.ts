#!/usr/bin/env node
import { removeTempFilesSync } from '../node/atomic.js';
import { runCli } from './program.js';

// A closed pipe (`hrc-budget fit ... | head -1`) must not kill the run: output files are written all the same.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
});
// An interrupted run removes its temporary output files.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    removeTempFilesSync();
    process.exit(code);
  });
}

process.exitCode = await runCli(process.argv);
