// Preloaded with `node --import`: at exit, writes to stderr how many modules the process loaded (ES modules through the
// loader, CommonJS through require), and with MODULE_LIST=1 each one's URL or path.
import { createRequire, register } from 'node:module';
import { writeSync } from 'node:fs';

const counter = new Int32Array(new SharedArrayBuffer(4));
const list = process.env.MODULE_LIST === '1';
const hooks = `
let counter, list, seen = new Set();
export function initialize(data) { counter = data.counter; list = data.list; }
export async function load(url, context, next) {
  const result = await next(url, context);
  // CommonJS files are counted from require's cache, which holds those imported from ES modules too.
  if (result.format !== 'builtin' && result.format !== 'commonjs' && !seen.has(url)) {
    seen.add(url);
    Atomics.add(counter, 0, 1);
    if (list) process.stderr.write('MODULE ' + url + '\\n');
  }
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { counter, list } });
const require = createRequire(import.meta.url);

process.on('exit', () => {
  // CommonJS files required from CommonJS (not through the ES loader) are in require's cache only.
  const cjs = Object.keys(require.cache);
  if (list) for (const file of cjs) writeSync(2, `MODULE ${file}\n`);
  writeSync(2, `\nMODULES ${Atomics.load(counter, 0) + cjs.length}\n`);
});
