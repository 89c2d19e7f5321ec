// Bench child: DuckDB's own scan of the raw history retrain reads (the same columns, in time order) into memory, as a baseline.
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';

const warehouse = await DuckDbWarehouse.open(process.argv[2]!);
const d = warehouse.dialect;
let rows = 0;
const kept: unknown[][] = [];
for await (const page of warehouse.query(`SELECT t.transaction_id, ${d.epochSeconds('t.tx_datetime')} AS t,
    t.customer_id, t.terminal_id, t.${d.ident('Amount')} AS amount, t.label FROM transactions t
    WHERE t.schema_name = 'raw' ORDER BY t.tx_datetime, t.source_line, t.id`)) {
  kept.push(page);
  rows += page.length;
}
await warehouse.close();
process.stdout.write(JSON.stringify({ rows }) + '\n');
