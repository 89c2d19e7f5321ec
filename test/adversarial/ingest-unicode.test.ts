// Lone UTF-16 surrogates (object names, CSV fields, label files, envelopes on a topic) never reach the warehouse as text it refuses.
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest } from '../../functions/ingest/ingest.ts';
import { sink } from '../../functions/sink/sink.ts';
import { writeIsolating } from '../../functions/sink/isolate.ts';
import { SINK_GROUP, SINK_ROUTES } from '../../functions/sink/routes.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { silentLogger } from '../../shared/logger.ts';
import { isWellFormed } from '../../shared/schema/envelope.ts';
import { envelopeMatcher } from '../../shared/schema/fast-envelope.ts';
import { topicSpecs, TOPICS } from '../../shared/topics.ts';
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { queryAll } from '../../shared/warehouse/port.ts';
import { ingestHarness } from '../helpers/ingest-harness.ts';
import { kaggleHeader, kaggleRow } from '../helpers/rows.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fraudflow-unicode-');
afterAll(() => dir.cleanup());

const high = fc.integer({ min: 0xd800, max: 0xdbff }).map((c) => String.fromCharCode(c));
const low = fc.integer({ min: 0xdc00, max: 0xdfff }).map((c) => String.fromCharCode(c));
/** A string holding at least one lone surrogate, high or low, anywhere. */
const illFormed = fc
  .tuple(fc.string({ maxLength: 8 }), fc.oneof(high, low), fc.string({ maxLength: 8 }))
  .map(([a, s, b]) => `${a}${s}${b}`)
  .filter((s) => !isWellFormed(s));
/** The CESU-8 bytes of a surrogate code point: what a lone surrogate looks like in a file (not valid UTF-8). */
const cesu = fc
  .integer({ min: 0xd800, max: 0xdfff })
  .map((c) => Buffer.from([0xed, 0xa0 | ((c >> 6) & 0x1f), 0x80 | (c & 0x3f)]));

describe('lone surrogates', () => {
  it('in an object name: the file is refused before anything is read or produced', async () => {
    const h = await ingestHarness();
    try {
      await fc.assert(
        fc.asyncProperty(illFormed, async (name) => {
          let opened = false;
          const e = await ingest(
            {
              name: `gs://uploads/${name}.csv`,
              open: async () => {
                opened = true;
                return (async function* () {
                  yield Buffer.from(`${kaggleHeader}\n${kaggleRow(1)}\n`);
                })();
              },
            },
            { eventLog: h.log, logger: silentLogger },
            { topic: TOPICS.transactions, batchSize: 10 },
          ).catch((x: unknown) => x as FraudflowError);
          expect((e as FraudflowError).code).toBe('INPUT_INVALID');
          expect(isWellFormed((e as FraudflowError).message)).toBe(true);
          expect(opened).toBe(false);
        }),
        { numRuns: 30 },
      );
      expect((await h.readAll(TOPICS.transactions)).length).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('in CSV fields of kaggle and label files: each such row is dead-lettered alone, with well-formed text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('kaggle', 'label'),
        fc.array(fc.tuple(fc.nat(), cesu), { minLength: 1, maxLength: 4 }),
        async (kind, hits) => {
          const rows = 40;
          const header = kind === 'kaggle' ? kaggleHeader : 'transaction_id,label,source,labelled_at';
          const row = (i: number) =>
            kind === 'kaggle' ? kaggleRow(i + 1) : `tx${i},${i % 2},chargeback,2026-04-0${1 + (i % 9)}T10:00:00Z`;
          const lines: Buffer[] = Array.from({ length: rows }, (_, i) => Buffer.from(row(i)));
          const bad = new Set<number>();
          for (const [at, bytes] of hits) {
            const i = at % rows;
            if (bad.has(i)) continue;
            bad.add(i);
            const text = lines[i]!.toString();
            // In the label's source or an id, or a number of a kaggle row: the bytes are never valid UTF-8.
            const cutAt = text.indexOf(',') + 1 + (at % 3);
            lines[i] = Buffer.concat([Buffer.from(text.slice(0, cutAt)), bytes, Buffer.from(text.slice(cutAt))]);
          }
          const h = await ingestHarness();
          try {
            const file = Buffer.concat([Buffer.from(header + '\n'), ...lines.flatMap((l) => [l, Buffer.from('\n')])]);
            const s = await h.ingestBytes(`${kind}.csv`, file);
            expect(s.read).toBe(s.accepted + s.rejected + s.duplicates);
            expect(s.rejected).toBe(bad.size);
            expect(s.accepted).toBe(rows - bad.size);
            const dead = await h.deadLetters();
            expect(dead.map((d) => d.line).sort((a, b) => a - b)).toEqual(
              [...bad].map((i) => i + 2).sort((a, b) => a - b),
            );
            for (const d of dead) {
              expect(isWellFormed(d.raw)).toBe(true);
              expect(d.reasons[0]).toMatch(/invalid UTF-8/);
            }
          } finally {
            await h.close();
          }
        },
      ),
      { numRuns: 10 },
    );
  });

  it('a dead letter cut at its size limit never ends on half of a surrogate pair', async () => {
    const h = await ingestHarness();
    try {
      // 4,095 ASCII characters then emoji: the 4,096-unit cut falls between the halves of a pair.
      const line = `${'x'.repeat(4095)}${'😀'.repeat(10)}`;
      const s = await h.ingestBytes('long.csv', `${kaggleHeader}\n${line}\n${kaggleRow(1)}\n`);
      expect([s.accepted, s.rejected]).toEqual([1, 1]);
      const [d] = await h.deadLetters();
      expect(d!.raw_truncated).toBe(true);
      expect(isWellFormed(d!.raw)).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('the sink fast path refuses lone surrogate escapes and accepts pairs', () => {
    const matches = envelopeMatcher('kaggle')!;
    const payload = `{${['Time', ...Array.from({ length: 28 }, (_, i) => `V${i + 1}`), 'Amount']
      .map((c) => `"${c}":1`)
      .join(',')}}`;
    const envelope = (file: string) =>
      `{"id":"${'a'.repeat(32)}","schema":{"name":"kaggle","version":1},"source":{"file":${file},"line":2},"ingested_at":"2026-04-01T10:00:00.000Z","payload":${payload}}`;
    expect(matches(envelope('"a.csv"'))).toBe(true);
    expect(matches(envelope('"\\ud83d\\ude00.csv"'))).toBe(true);
    fc.assert(
      fc.property(fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 4 }), (c, rest) => {
        const esc = `\\u${c.toString(16)}`;
        expect(matches(envelope(JSON.stringify(`a${rest.replace(/["\\]/g, '')}`).replace(/"$/, `${esc}"`)))).toBe(
          false,
        );
      }),
    );
  });
});

describe('messages the warehouse refuses', () => {
  it('a batch with messages DuckDB refuses lands all but those, which go to the refused list (real DuckDB)', async () => {
    const wh = await DuckDbWarehouse.open(join(dir.path, `iso-${randomUUID()}.duckdb`));
    try {
      await wh.ensureTables();
      const good = (i: number) =>
        Buffer.from(
          `{"id":"${i.toString(16).padStart(32, '0')}","schema":{"name":"kaggle","version":1},"source":{"file":"f.csv","line":${i + 1}},"ingested_at":"2026-04-01T10:00:00.000Z","payload":{"Time":${i},"Amount":1,"Class":0}}`,
        );
      const refusedByDuck = (i: number) =>
        Buffer.from(
          `{"id":"${i.toString(16).padStart(32, 'f')}","schema":{"name":"kaggle","version":1},"source":{"file":"f\\ud800.csv","line":${i + 1}},"ingested_at":"2026-04-01T10:00:00.000Z","payload":{"Time":${i},"Amount":1,"Class":0}}`,
        );
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 300 }),
          fc.uniqueArray(fc.nat(), { minLength: 1, maxLength: 3 }),
          async (n, at) => {
            const items = Array.from({ length: n }, (_, i) => ({ i, value: good(i + 1_000_000 * Math.random()) }));
            const badAt = new Set(at.map((a) => a % n));
            for (const b of badAt) items[b] = { i: -1 - b, value: refusedByDuck(b) };
            const refused: number[] = [];
            const written = await writeIsolating(
              items,
              (part) =>
                wh.appendEnvelopes(
                  'transactions',
                  'kaggle',
                  part.map((p) => p.value),
                ),
              (p, reason) => {
                refused.push(p.i);
                expect(reason).toMatch(/surrogate/);
              },
            );
            expect(refused.sort()).toEqual([...badAt].map((b) => -1 - b).sort());
            expect(written.inserted + written.duplicates).toBe(n - badAt.size);
          },
        ),
        { numRuns: 8 },
      );
    } finally {
      await wh.close();
    }
  });

  it('an outage is not dead-lettered: any other error is thrown as it is', async () => {
    const refused: unknown[] = [];
    const e = await writeIsolating(
      [1, 2, 3],
      async () => {
        throw new FraudflowError('WAREHOUSE_FAILED', 'disk gone');
      },
      (x) => refused.push(x),
    ).catch((x: unknown) => x as FraudflowError);
    expect((e as FraudflowError).code).toBe('WAREHOUSE_FAILED');
    expect(refused).toEqual([]);
  });

  it('the sink dead-letters ill-formed envelopes among good ones, lands the rest and keeps draining', async () => {
    const log = new EmbeddedEventLog({ path: join(dir.path, `log-${randomUUID()}.sqlite`) });
    const wh = await DuckDbWarehouse.open(join(dir.path, `wh-${randomUUID()}.duckdb`));
    try {
      for (const spec of topicSpecs(2)) await log.ensureTopic(spec);
      await wh.ensureTables();
      const csv = join(dir.path, `good-${randomUUID()}.csv`);
      const { writeFileSync } = await import('node:fs');
      writeFileSync(csv, [kaggleHeader, ...Array.from({ length: 500 }, (_, i) => kaggleRow(i + 1))].join('\n') + '\n');
      const { fileSource } = await import('../../functions/ingest/index.ts');
      await ingest(
        fileSource(csv),
        { eventLog: log, logger: silentLogger },
        { topic: TOPICS.transactions, batchSize: 100 },
      );
      const [sample] = await (async () => {
        const c = await log.consumer(`peek-${randomUUID()}`, TOPICS.transactions);
        const r = await c.poll({ maxRecords: 1, maxWaitMs: 100 });
        await c.close();
        return r;
      })();
      const text = sample!.value.toString('utf8');
      const withId = (t: string, n: number) =>
        t.replace(/"id":"[0-9a-f]{32}"/, `"id":"${n.toString(16).padStart(32, 'e')}"`);
      const at = Buffer.from(text).indexOf('"file":"') + 8;
      const bad = [
        // Canonical text with a lone high / low surrogate escape in the file name.
        withId(text.replace(/"file":"/, '"file":"\\ud800'), 1),
        withId(text.replace(/"file":"/, '"file":"\\udc00'), 2),
        // Bytes that are not UTF-8 inside a string.
        Buffer.concat([
          Buffer.from(withId(text, 3)).subarray(0, at),
          Buffer.from([0xff]),
          Buffer.from(withId(text, 3)).subarray(at),
        ]),
        // Not canonical (keys reordered), so the slow path: a lone surrogate after JSON.parse.
        JSON.stringify({ ...JSON.parse(withId(text, 4)), source: { line: 9, file: 'x\ud800' } }),
      ];
      await log.produce(
        TOPICS.transactions,
        bad.map((b) => ({ key: 'bad', value: Buffer.isBuffer(b) ? b : Buffer.from(b) })),
      );
      const route = SINK_ROUTES.find((r) => r.topic === TOPICS.transactions)!;
      const ports = { eventLog: log, warehouse: wh, logger: silentLogger };
      const [s] = await sink(ports, {
        routes: [route],
        group: SINK_GROUP,
        batchSize: 10_000,
        maxRows: 1e6,
        maxSeconds: 60,
      });
      expect(s!.lag_left).toBe(0);
      expect(s!.poison).toBe(4);
      const n = await queryAll(wh, 'SELECT count(*) AS n, count(DISTINCT id) AS d FROM transactions');
      expect(n[0]).toEqual({ n: 500n, d: 500n });
      const dl = await queryAll(wh, `SELECT raw, reasons FROM dead_letters WHERE topic = '${TOPICS.transactions}'`);
      expect(dl.length).toBe(4);
      for (const r of dl) expect(isWellFormed(String(r.raw))).toBe(true);
      // A second run finds nothing left: the topic is not stuck behind the bad messages.
      const [again] = await sink(ports, {
        routes: [route],
        group: SINK_GROUP,
        batchSize: 10_000,
        maxRows: 1e6,
        maxSeconds: 60,
      });
      expect(again!.rows).toBe(0);
    } finally {
      await wh.close();
      await log.close();
    }
  });
});
