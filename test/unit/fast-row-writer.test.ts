// The byte writer of the fast path writes exactly the JSON the string fast path makes, declines exactly the same lines.
import { describe, expect, it } from 'vitest';
import { fastRowBound, fastRowOf, fastRowWriterOf } from '../../shared/csv/fast-row.ts';
import { detectFormat } from '../../shared/schema/formats.ts';
import { encodeRecords, valueAt } from '../../functions/ingest/encode.ts';
import { KAGGLE_HEADER } from '../../shared/synth/kaggle.ts';
import { Random } from '../../shared/synth/random.ts';

const detected = detectFormat(KAGGLE_HEADER, 'k.csv');
const nasty = ['', '1e3', '-0', 'NaN', '00.5', '1.', '9'.repeat(250), '0.' + '1'.repeat(250), '"1"', ' 1', 'é'];

function lines(seed: number, n: number): string[] {
  const rnd = new Random(seed);
  return Array.from({ length: n }, () =>
    KAGGLE_HEADER.map((_, i) =>
      rnd.next() < 0.02 ? rnd.pick(nasty) : i === 30 ? rnd.pick(['0', '1']) : (rnd.normal() * 3).toFixed(4),
    ).join(','),
  );
}

describe('the fast path written as bytes', () => {
  it('writes the same bytes as the string fast path, and declines the same lines', () => {
    const text = fastRowOf(detected)!;
    const bytes = fastRowWriterOf(detected)!;
    const out = Buffer.alloc(1 << 16);
    let accepted = 0;
    for (const line of lines(5, 3000)) {
      const end = bytes(line, out, 7);
      const json = text(line);
      expect(end === -1).toBe(json === null);
      if (json === null) continue;
      accepted++;
      expect(end - 7).toBeLessThanOrEqual(fastRowBound(detected, line.length));
      expect(out.toString('utf8', 7, end)).toBe(json);
    }
    expect(accepted).toBeGreaterThan(300);
  });

  it('makes envelopes that parse, one per valid line, fast and exact paths alike', () => {
    const input = lines(9, 500).map((raw, i) => ({ line: i + 2, raw, bytes: raw.length }));
    const block = encodeRecords(detected, input, 'dir/ü.csv', '2026-01-01T00:00:00.000Z', {
      maxRecordBytes: 1 << 20,
      keepBytes: 1000,
    });
    expect(block.read).toBe(500);
    expect(block.ids.length + block.dead.length).toBe(500);
    block.ids.forEach((id, i) => {
      const envelope = JSON.parse(Buffer.from(valueAt(block, i)).toString('utf8')) as Record<string, unknown>;
      expect(envelope.id).toBe(id);
      expect(envelope.source).toEqual({ file: 'dir/ü.csv', line: expect.any(Number) as number });
      expect(envelope.ingested_at).toBe('2026-01-01T00:00:00.000Z');
    });
  });
});
