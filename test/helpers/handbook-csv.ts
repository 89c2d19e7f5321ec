// Streams the Fraud Detection Handbook's simulated CSV (upper-case header, gzip or plain) into fraudflow's raw CSV.
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { join } from 'node:path';

/** Where the shared copy of the Handbook data lives (absent on machines without /work/shared). */
export const HANDBOOK_DIR = '/work/shared/data/fraud-handbook-sim';
export const HANDBOOK_FULL = join(HANDBOOK_DIR, 'raw_2018-04-01_to_2018-09-30.csv.gz');
export const handbookAvailable = (file = HANDBOOK_FULL) => existsSync(file);

const RAW_HEADER = 'transaction_id,tx_datetime,customer_id,terminal_id,amount,label';

/**
 * TRANSACTION_ID, TX_DATETIME 'YYYY-MM-DD HH:MM:SS', CUSTOMER_ID, TERMINAL_ID, TX_AMOUNT, ..., TX_FRAUD ->
 * transaction_id, tx_datetime (ISO, Z), customer_id, terminal_id, amount, label. `keep` drops rows (e.g. by day).
 */
export async function convertHandbookCsv(
  from: string,
  to: string,
  keep: (datetime: string) => boolean = () => true,
): Promise<{ rows: number; frauds: number }> {
  const input = createReadStream(from);
  const lines = createInterface({
    input: from.endsWith('.gz') ? input.pipe(createGunzip()) : input,
    crlfDelay: Infinity,
  });
  const out = createWriteStream(to);
  let col: Record<string, number> | null = null;
  let rows = 0;
  let frauds = 0;
  let buf: string[] = [RAW_HEADER];
  const flush = async () => {
    if (!out.write(buf.join('\n') + '\n')) await once(out, 'drain');
    buf = [];
  };
  for await (const line of lines) {
    if (line === '') continue;
    const f = line.split(',');
    if (!col) {
      col = Object.fromEntries(f.map((name, i) => [name, i]));
      for (const name of ['TRANSACTION_ID', 'TX_DATETIME', 'CUSTOMER_ID', 'TERMINAL_ID', 'TX_AMOUNT', 'TX_FRAUD'])
        if (!(name in col)) throw new Error(`${from}: no ${name} column in the header`);
      continue;
    }
    const dt = f[col.TX_DATETIME!]!;
    if (!keep(dt)) continue;
    const label = f[col.TX_FRAUD!]!;
    buf.push(
      `${f[col.TRANSACTION_ID!]},${dt.replace(' ', 'T')}Z,${f[col.CUSTOMER_ID!]},${f[col.TERMINAL_ID!]},${f[col.TX_AMOUNT!]},${label}`,
    );
    rows++;
    if (label === '1') frauds++;
    if (buf.length >= 10_000) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return { rows, frauds };
}
