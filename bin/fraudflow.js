#!/usr/bin/env node
// The fraudflow CLI: the compiled JavaScript in dist/ when it is fresh (see dist.js), else the TypeScript through tsx.
import { distIsFresh } from './dist.js';

// A closed pipe (`fraudflow ... | head`) ends the command quietly, as other Unix tools do.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
let entry = '../dist/cli/main.js';
if (!distIsFresh()) {
  // Edited sources (or no build yet): transpiled at run time, as in development.
  const { register } = await import('tsx/esm/api');
  register();
  entry = '../cli/main.ts';
}
const { main } = await import(entry);
process.exitCode = await main(process.argv);
