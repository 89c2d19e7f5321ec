// On the Handbook's own simulated data: retrain's day-window split reproduces its baseline protocol's row and fraud counts.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { dayOfText, windowDays, windowSplit } from '../../functions/retrain/split.ts';
import { HANDBOOK_FULL, handbookAvailable } from '../helpers/handbook-csv.ts';

const available = handbookAvailable();
if (!available) console.warn(`skipped: the Handbook data ${HANDBOOK_FULL} is absent on this machine`);

/** Time (UTC seconds), label and customer of every row, in the file's (time) order. */
async function readColumns() {
  const lines = createInterface({ input: createReadStream(HANDBOOK_FULL).pipe(createGunzip()), crlfDelay: Infinity });
  const time: number[] = [];
  const labels: number[] = [];
  const cards: number[] = [];
  let col: Record<string, number> | null = null;
  for await (const line of lines) {
    const f = line.split(',');
    if (!col) {
      col = Object.fromEntries(f.map((name, i) => [name, i]));
      continue;
    }
    time.push(Date.parse(`${f[col.TX_DATETIME!]!.replace(' ', 'T')}Z`) / 1000);
    labels.push(Number(f[col.TX_FRAUD!]));
    cards.push(Number(f[col.CUSTOMER_ID!]));
  }
  return { time: Float64Array.from(time), labels: Uint8Array.from(labels), cards: Uint32Array.from(cards) };
}

describe.skipIf(!available)('the Handbook protocol on its data', () => {
  it('train 07-25..07-31 holds 67,240 rows / 598 frauds; test 08-08..08-14 58,264 / 385 after known-compromised cards', async () => {
    const h = await readColumns();
    expect(h.time.length).toBe(1_754_155);
    const s = windowSplit(h, windowDays({ trainDays: 7, delayDays: 7, testDays: 7 }, dayOfText('2018-08-14')));
    const frauds = (rows: Uint32Array) => rows.reduce((n, i) => n + h.labels[i]!, 0);
    expect([s.train.length, frauds(s.train)]).toEqual([67_240, 598]);
    expect([s.test.length, frauds(s.test)]).toEqual([58_264, 385]);
  }, 120_000);
});
