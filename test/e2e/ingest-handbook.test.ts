// The Fraud Detection Handbook's own CSV, plain and gzipped, ingests as it is: upper-case header, derived columns ignored.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RawTransaction } from '../../shared/schema/raw.ts';
import { ingestHarness, type Harness } from '../helpers/ingest-harness.ts';
import { referenceFile } from '../helpers/reference-data.ts';

const week = referenceFile('fraud-handbook-sim/raw_2018-04-01_to_2018-04-07.csv');

describe.skipIf(!week)("the Handbook's raw CSV", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await ingestHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('ingests the first week unchanged: every row accepted, with its label and scenario', async () => {
    const s = await h.ingestFile(week!, 5000);
    expect(s).toMatchObject({ format: 'raw', read: 66_976, accepted: 66_976, rejected: 0, duplicates: 0 });
    const rows = (await h.readAll('transactions')).map((m) => (m.value as { payload: RawTransaction }).payload);
    expect(rows).toHaveLength(66_976);
    expect(rows.filter((r) => r.label === 1)).toHaveLength(137); // SOURCE.md: 137 frauds in the first 7 days
    expect(rows.find((r) => r.transaction_id === '0')).toMatchObject({
      tx_datetime: '2018-04-01 00:00:31',
      customer_id: '596',
      terminal_id: '3156',
      amount: 57.16,
      label: 0,
      fraud_scenario: 0,
    });
  });

  it('ingests its gzipped form the same way', async () => {
    const lines = readFileSync(week!, 'utf8').split('\n').slice(0, 5001).join('\n') + '\n';
    const s = await h.ingestBytes('handbook.csv.gz', gzipSync(lines), 1000);
    expect(s).toMatchObject({ format: 'raw', read: 5000, accepted: 5000, rejected: 0 });
  });
});
