#!/usr/bin/env node
// Runs a TypeScript entry file (bench, scripts) through tsx's loader: node bin/run-ts.js <file.ts> [args...]
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

register();
const [file] = process.argv.splice(2, 1);
if (!file) {
  process.stderr.write('usage: node bin/run-ts.js <file.ts> [args...]\n');
  process.exit(2);
}
await import(pathToFileURL(resolve(file)).href);
