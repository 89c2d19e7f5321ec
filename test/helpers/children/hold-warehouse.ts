// Child process for the lock test: opens a DuckDB warehouse file for writing, says so, and holds it until killed.
import { DuckDbWarehouse } from '../../../shared/warehouse/duckdb/duckdb.ts';

const w = await DuckDbWarehouse.open(process.argv[2]!);
await w.ensureTables();
process.stdout.write('OPEN\n');
setInterval(() => undefined, 1 << 30);
