// The sink's fast path: an envelope the matcher accepts is one zod accepts, and the warehouse stores it the same either way.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envelopeMatcher } from '../../shared/schema/fast-envelope.ts';
import { checkEnvelope } from '../../shared/schema/registry.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { flatten } from '../../shared/warehouse/flatten.ts';
import { queryAll } from '../../shared/warehouse/port.ts';
import { Random } from '../../shared/synth/random.ts';
import { PCA_COLUMNS } from '../../shared/schema/kaggle.ts';
import { tempDir } from '../helpers/tmp.ts';

const rnd = new Random(5);
function envelope(i: number, mutate: boolean): string {
  const payload: Record<string, unknown> = {
    Time: i,
    ...Object.fromEntries(PCA_COLUMNS.map((c) => [c, Number((rnd.normal() * 2).toFixed(6))])),
    Amount: Number((rnd.next() * 100).toFixed(2)),
    Class: i % 2,
  };
  let text = JSON.stringify({
    id: i.toString(16).padStart(32, '0'),
    schema: { name: 'kaggle', version: 1 },
    source: { file: `dir/é-${i}.csv`, line: i + 2 },
    ingested_at: '2026-11-25T10:00:00.123Z',
    payload,
  });
  if (mutate) {
    const cuts = [
      '"Amount":-1',
      '"Class":2',
      '"Time":"3"',
      '"version":2',
      '"ingested_at":"2026-13-01T00:00:00Z"',
      '"line":0',
      '"V7":1e999',
      ',"extra":1',
    ];
    const m = rnd.pick(cuts);
    if (m.startsWith(',')) text = text.replace('}}', `${m}}}`);
    else {
      const key = m.split(':')[0]!;
      text = text.replace(new RegExp(`${key}:("[^"]*"|[^,}]*)`), m);
    }
  }
  return text;
}

describe('fast envelope matcher', () => {
  it('accepts only envelopes zod accepts, and most canonical ones', () => {
    const match = envelopeMatcher('kaggle')!;
    let fastHits = 0;
    for (let i = 0; i < 2000; i++) {
      const text = envelope(i, i % 3 === 0);
      const slow = checkEnvelope(Buffer.from(text));
      if (match(text)) {
        fastHits++;
        expect(slow.ok).toBe(true);
      }
      if (i % 3 !== 0) expect(slow.ok).toBe(true);
    }
    expect(fastHits).toBeGreaterThan(1200);
  });

  it('stores the same row through the bulk JSON path as through parsed rows', async () => {
    const dir = tempDir('fraudflow-fast-');
    const a = await DuckDbWarehouse.open(join(dir.path, 'a.duckdb'));
    const b = await DuckDbWarehouse.open(join(dir.path, 'b.duckdb'));
    try {
      await a.ensureTables();
      await b.ensureTables();
      const texts = Array.from({ length: 300 }, (_, i) => envelope(i, false));
      await a.appendEnvelopes(
        'transactions',
        'kaggle',
        texts.map((t) => Buffer.from(t)),
      );
      await b.append(
        'transactions',
        texts.map((t) => {
          const c = checkEnvelope(Buffer.from(t));
          if (!c.ok) throw new Error('invalid');
          return flatten('transactions', c.envelope);
        }),
      );
      const sql = 'select * from transactions order by id';
      expect(await queryAll(a, sql)).toEqual(await queryAll(b, sql));
      expect(
        (
          await a.appendEnvelopes(
            'transactions',
            'kaggle',
            texts.map((t) => Buffer.from(t)),
          )
        ).inserted,
      ).toBe(0);
    } finally {
      await a.close();
      await b.close();
      dir.cleanup();
    }
  });
});
