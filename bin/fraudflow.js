#!/usr/bin/env node
// The fraudflow CLI: help and usage errors from the build's help snapshot (nothing else loaded); otherwise the
// compiled JavaScript in dist/ when it is fresh (see dist.js), else the TypeScript through tsx.
import { readFileSync } from 'node:fs';
import { distIsFresh, freshFor, HELP_SNAPSHOT } from './dist.js';

// A closed pipe (`fraudflow ... | head`) ends the command quietly, as other Unix tools do.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

/** The answer to a help request or an unknown command, when the snapshot is there and as fresh as its sources. */
async function fromSnapshot() {
  let answer, inputs;
  try {
    const snapshot = JSON.parse(readFileSync(HELP_SNAPSHOT, 'utf8'));
    inputs = snapshot.inputs;
    const { quickAnswer } = await import('../dist/cli/help/fast.js');
    const width = (s) => (s.isTTY ? s.columns : undefined);
    answer = quickAnswer(
      snapshot.root,
      process.argv,
      { out: width(process.stdout), err: width(process.stderr) },
      process.env.FRAUDFLOW_LOG_LEVEL,
    );
  } catch {
    // No snapshot (no build yet, or one from before it existed): the program answers.
    return undefined;
  }
  return answer && freshFor(inputs) ? answer : undefined;
}

const quick = await fromSnapshot();
if (quick) {
  (quick.stream === 'out' ? process.stdout : process.stderr).write(quick.text);
  process.exitCode = quick.code;
} else {
  let entry = '../dist/cli/main.js';
  if (!distIsFresh()) {
    // Edited sources (or no build yet): transpiled at run time, as in development.
    const { register } = await import('tsx/esm/api');
    register();
    entry = '../cli/main.ts';
  }
  const { main } = await import(entry);
  process.exitCode = await main(process.argv);
}
