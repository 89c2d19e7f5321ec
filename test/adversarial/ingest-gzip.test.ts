// Compressed uploads are verified whole before any row: truncated, corrupted or bombed .gz files produce nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest, type IngestSummary } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/index.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { silentLogger } from '../../shared/logger.ts';
import { TOPICS } from '../../shared/topics.ts';
import { ingestHarness } from '../helpers/ingest-harness.ts';
import { kaggleHeader, kaggleRow } from '../helpers/rows.ts';
import { tempDir } from '../helpers/tmp.ts';
import { cli } from '../helpers/cli.ts';

const ROWS = 3000;
const body = [kaggleHeader, ...Array.from({ length: ROWS }, (_, i) => kaggleRow(i + 1))].join('\n') + '\n';
const gz = gzipSync(body);
const dir = tempDir('fraudflow-gzip-');
afterAll(() => dir.cleanup());

async function refusedWhole(
  bytes: Buffer,
): Promise<{ error: FraudflowError | null; summary?: IngestSummary; ids: string[] }> {
  const h = await ingestHarness();
  try {
    let error: FraudflowError | null = null;
    let summary: IngestSummary | undefined;
    try {
      summary = await h.ingestBytes('upload.csv.gz', bytes);
    } catch (e) {
      error = e as FraudflowError;
    }
    const ids = (await h.readAll(TOPICS.transactions)).map((m) => (m.value as { id: string }).id);
    const dead = await h.deadLetters();
    if (error) {
      expect(error).toBeInstanceOf(FraudflowError);
      expect(ids).toEqual([]);
      expect(dead).toEqual([]);
      const partial = error.details.partial as IngestSummary;
      expect(partial.read).toBe(0);
      expect(partial.read).toBe(partial.accepted + partial.rejected + partial.duplicates);
    }
    // The good file after the bad one: exactly its rows, each id once, no phantom left behind.
    const good = await h.ingestBytes('upload.csv.gz', gz);
    expect(good.accepted).toBe(ROWS);
    const all = (await h.readAll(TOPICS.transactions)).map((m) => (m.value as { id: string }).id);
    expect(all.length).toBe(ROWS + ids.length);
    return { error, ...(summary ? { summary } : {}), ids };
  } finally {
    await h.close();
  }
}

describe('compressed uploads', () => {
  it('refuse a gzip truncated at any offset without producing a row, then the whole file lands once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: gz.length - 1 }), async (cut) => {
        const { error } = await refusedWhole(gz.subarray(0, cut));
        expect(error?.code).toBe('FILE_UNREADABLE');
        expect(error?.message).toMatch(/corrupt or truncated gzip stream.*nothing was produced/);
      }),
      { numRuns: 12 },
    );
  });

  it('refuse a gzip with a corrupted byte whole, or read it exactly when the byte is one gunzip ignores', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: gz.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, x) => {
        const bad = Buffer.from(gz);
        bad[at] = bad[at]! ^ x;
        const { error, summary } = await refusedWhole(bad);
        if (error) expect(['FILE_UNREADABLE', 'PAYLOAD_TOO_LARGE', 'FORMAT_UNKNOWN']).toContain(error.code);
        // A header byte (mtime, OS) changes nothing: then every row is read as it was.
        else expect(summary!.accepted).toBe(ROWS);
      }),
      { numRuns: 12 },
    );
  });

  it('reads every member of a concatenated gzip', async () => {
    const h = await ingestHarness();
    try {
      const second = gzipSync(Array.from({ length: 500 }, (_, i) => kaggleRow(ROWS + i + 1)).join('\n') + '\n');
      const s = await h.ingestBytes('two.csv.gz', Buffer.concat([gz, second]));
      expect([s.read, s.accepted, s.rejected]).toEqual([ROWS + 500, ROWS + 500, 0]);
    } finally {
      await h.close();
    }
  });

  it('caps the bytes a gzip of newlines inflates to, with a clear error and nothing produced', async () => {
    const h = await ingestHarness();
    try {
      const bomb = gzipSync(Buffer.concat([Buffer.from(kaggleHeader + '\n'), Buffer.alloc(64 << 20, 0x0a)]));
      const path = join(h.dir, 'bomb.csv.gz');
      writeFileSync(path, bomb);
      const started = performance.now();
      const e = await ingest(
        fileSource(path),
        { eventLog: h.log, logger: silentLogger },
        { topic: TOPICS.transactions, batchSize: 100, maxDecompressedBytes: 8 << 20 },
      ).catch((x: unknown) => x as FraudflowError);
      expect(e).toBeInstanceOf(FraudflowError);
      expect((e as FraudflowError).code).toBe('PAYLOAD_TOO_LARGE');
      expect((e as FraudflowError).message).toMatch(/inflates to more than 8388608 bytes/);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect((await h.readAll(TOPICS.transactions)).length).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('the CLI prints partial counts in --json for a bomb and a truncated gzip, and exits non-zero', async () => {
    const bomb = join(dir.path, 'bomb.csv.gz');
    writeFileSync(bomb, gzipSync(Buffer.concat([Buffer.from(kaggleHeader + '\n'), Buffer.alloc(16 << 20, 0x0a)])));
    const cut = join(dir.path, 'cut.csv.gz');
    writeFileSync(cut, gz.subarray(0, gz.length >> 1));
    const good = join(dir.path, 'good.csv');
    writeFileSync(good, body);
    const r = await cli(['ingest', good, bomb, cut, '--json'], {
      FRAUDFLOW_DATA_DIR: join(dir.path, 'data'),
      FRAUDFLOW_MAX_DECOMPRESSED_BYTES: String(4 << 20),
    });
    expect(r.code).not.toBe(0);
    const out = JSON.parse(r.stdout) as Array<IngestSummary & { status: string; error?: string }>;
    expect(out.map((o) => o.status)).toEqual(['ok', 'PAYLOAD_TOO_LARGE', 'FILE_UNREADABLE']);
    expect(out[0]!.accepted).toBe(ROWS);
    for (const o of out.slice(1)) {
      expect(o.read).toBe(0);
      expect(o.read).toBe(o.accepted + o.rejected + o.duplicates);
    }
    expect(r.stderr).toMatch(/PAYLOAD_TOO_LARGE/);
  });
});
