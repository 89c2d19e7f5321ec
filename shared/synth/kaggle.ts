// Synthetic rows in the Kaggle/ULB card format: same columns, class balance and rough shape, for tests, bench and demo.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { PCA_COLUMNS, type KaggleTransaction } from '../schema/kaggle.ts';
import { KAGGLE_FEATURES, kaggleFeatures } from '../features/kaggle.ts';
import { Random } from './random.ts';

export const KAGGLE_HEADER = ['Time', ...PCA_COLUMNS, 'Amount', 'Class'];
export { KAGGLE_ROWS } from './kaggle-size.ts';
export const KAGGLE_FRAUD_RATE = 492 / 284_807;

/** Per-component shift of fraud rows: a handful of components separate the classes, as in the real set. */
const FRAUD_SHIFT = PCA_COLUMNS.map((_, i) => ([2, 3, 9, 10, 11, 13, 15, 16].includes(i) ? (i % 2 ? 2.5 : -3) : 0));

export function* kaggleRows(rows: number, seed = 42): Generator<string> {
  const rnd = new Random(seed);
  const span = 172_792; // seconds in the real set
  for (let i = 0; i < rows; i++) {
    const time = Math.floor((i / rows) * span);
    const fraud = rnd.next() < KAGGLE_FRAUD_RATE;
    const v = FRAUD_SHIFT.map((shift) => rnd.normal(fraud ? shift : 0, fraud ? 2 : 1).toFixed(6));
    const amount = Math.max(0, Math.exp(rnd.normal(fraud ? 3.5 : 3, 1.2)) - 1).toFixed(2);
    yield `${time},${v.join(',')},${amount},${fraud ? 1 : 0}`;
  }
}

export type KaggleRecord = KaggleTransaction & { Class: 0 | 1 };

/** The same rows as objects by column name, with the values a parsed line holds. */
export function* kaggleRecords(rows: number, seed = 42): Generator<KaggleRecord> {
  for (const line of kaggleRows(rows, seed)) {
    const v = line.split(',');
    const record: Record<string, number> = {};
    for (let j = 0; j < KAGGLE_HEADER.length; j++) record[KAGGLE_HEADER[j]!] = Number(v[j]);
    yield record as KaggleRecord;
  }
}

/** The same rows as a training matrix in time order: features (the feature module's), labels and times. */
export function kaggleMatrix(
  rows: number,
  seed = 42,
): { features: Float32Array; labels: Uint8Array; time: Float64Array; width: number } {
  const width = KAGGLE_FEATURES.names.length;
  const features = new Float32Array(rows * width);
  const labels = new Uint8Array(rows);
  const time = new Float64Array(rows);
  let i = 0;
  for (const row of kaggleRecords(rows, seed)) {
    kaggleFeatures(row, features, i * width);
    labels[i] = row.Class;
    time[i] = row.Time;
    i++;
  }
  return { features, labels, time, width };
}

/** Writes a Kaggle-format CSV (header quoted as in the original file) without holding it in memory. */
export async function writeKaggleCsv(
  path: string,
  rows: number,
  seed = 42,
  slice: { from: number; to: number } = { from: 0, to: rows },
): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  out.write(KAGGLE_HEADER.map((c) => `"${c}"`).join(',') + '\n');
  let buf: string[] = [];
  let i = 0;
  for (const line of kaggleRows(rows, seed)) {
    if (i++ < slice.from) continue;
    if (i > slice.to) break;
    buf.push(line);
    if (buf.length === 2000) {
      if (!out.write(buf.join('\n') + '\n')) await once(out, 'drain');
      buf = [];
    }
  }
  if (buf.length) out.write(buf.join('\n') + '\n');
  out.end();
  await once(out, 'finish');
}
