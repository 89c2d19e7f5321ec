// Stray quotes (line start, mid-field, end of file, several per file): each bad line is rejected alone, good rows all land.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { inlineEncoder, workerEncoder, type Encoder } from '../../functions/ingest/encoder-pool.ts';
import { TOPICS } from '../../shared/topics.ts';
import { ingestHarness } from '../helpers/ingest-harness.ts';
import { kaggleHeader, kaggleRow } from '../helpers/rows.ts';

const pool = workerEncoder(2);
afterAll(() => pool.close());

type Kind = 'start' | 'mid' | 'end';

function strayQuote(line: string, kind: Kind, at: number): string {
  if (kind === 'start') return `"${line}`;
  if (kind === 'end') return `${line}"`;
  const i = 1 + (at % (line.length - 1));
  return line.slice(0, i) + '"' + line.slice(i);
}

const file = fc
  .record({
    rows: fc.integer({ min: 5, max: 400 }),
    bad: fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom<Kind>('start', 'mid', 'end') }), {
      minLength: 1,
      maxLength: 6,
    }),
    lastLineBad: fc.boolean(),
  })
  .map(({ rows, bad, lastLineBad }) => {
    const lines = Array.from({ length: rows }, (_, i) => kaggleRow(i + 1));
    const hit = new Set<number>();
    for (const b of bad) {
      const i = b.at % rows;
      if (hit.has(i)) continue;
      hit.add(i);
      lines[i] = strayQuote(lines[i]!, b.kind, b.at);
    }
    if (lastLineBad && !hit.has(rows - 1)) {
      hit.add(rows - 1);
      lines[rows - 1] = strayQuote(lines[rows - 1]!, 'mid', rows);
    }
    // File lines: the header is line 1, so data row i is on line i + 2.
    return {
      text: [kaggleHeader, ...lines].join('\n') + '\n',
      rows,
      badLines: [...hit].map((i) => i + 2).sort((a, b) => a - b),
    };
  });

describe.each([
  ['in-thread', inlineEncoder],
  ['worker pool', pool],
] as Array<[string, Encoder]>)('stray quotes (%s encoder)', (_name, encoder) => {
  it('reject each line with a stray quote alone and keep every good row, counts adding up', async () => {
    await fc.assert(
      fc.asyncProperty(file, async ({ text, rows, badLines }) => {
        const h = await ingestHarness(encoder);
        try {
          const s = await h.ingestBytes('quotes.csv', text);
          expect(s.read).toBe(s.accepted + s.rejected + s.duplicates);
          expect(s.read).toBe(rows);
          expect(s.accepted).toBe(rows - badLines.length);
          expect(s.rejected).toBe(badLines.length);
          const dead = await h.deadLetters();
          expect(dead.map((d) => d.line).sort((a, b) => a - b)).toEqual(badLines);
          // Each dead letter holds its one line, nothing swallowed.
          for (const d of dead) expect(d.raw.includes('\n')).toBe(false);
          expect((await h.readAll(TOPICS.transactions)).length).toBe(rows - badLines.length);
        } finally {
          await h.close();
        }
      }),
      { numRuns: 15 },
    );
  });

  it('keep the 3,961 rows after a quote at the start of a line, rejecting only that line', async () => {
    const h = await ingestHarness(encoder);
    try {
      const lines = Array.from({ length: 4000 }, (_, i) => kaggleRow(i + 1));
      lines[10] = `"${lines[10]!}`;
      const s = await h.ingestBytes('one-quote.csv', [kaggleHeader, ...lines].join('\n') + '\n');
      expect([s.accepted, s.rejected]).toEqual([3999, 1]);
      expect(s.quote_recoveries).toBe(1);
      expect(s.reread_lines).toBeGreaterThan(0);
      const [d] = await h.deadLetters();
      expect(d!.line).toBe(12);
      expect(d!.reasons[0]).toMatch(/stray quote/);
    } finally {
      await h.close();
    }
  });
});
