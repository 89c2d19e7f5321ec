// Bench baseline: a bare node process that imports only DuckDB and loads the CSV with read_csv into a table of a new file.
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [file, dir] = process.argv.slice(2);
const started = performance.now();
const instance = await DuckDBInstance.create(join(dir, 'baseline.duckdb'));
const db = await instance.connect();
await db.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}', header = true)`);
const rows = Number((await db.runAndReadAll('select count(*) from t')).getRows()[0][0]);
db.closeSync();
instance.closeSync(); // includes the checkpoint into the file
process.stdout.write(JSON.stringify({ rows, seconds: (performance.now() - started) / 1000 }) + '\n');
