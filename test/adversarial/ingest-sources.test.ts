// Every source is closed on every path (open descriptors counted), and links never lead out of the uploads folder.
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/index.ts';
import { workerEncoder } from '../../functions/ingest/encoder-pool.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { silentLogger } from '../../shared/logger.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { TOPICS } from '../../shared/topics.ts';
import { ingestHarness } from '../helpers/ingest-harness.ts';
import { kaggleHeader, kaggleRow } from '../helpers/rows.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

const dir = tempDir('fraudflow-sources-');
afterAll(() => dir.cleanup());
const openFds = () => readdirSync('/proc/self/fd').length;

const REJECTED: Record<string, () => Buffer> = {
  'bad header': () => Buffer.from('hello,world\n1,2\n'),
  empty: () => Buffer.alloc(0),
  binary: () => randomBytes(4096),
  'gzip garbage': () => Buffer.concat([Buffer.from([0x1f, 0x8b]), randomBytes(2048)]),
  'truncated gzip': () => gzipSync(`${kaggleHeader}\n${kaggleRow(1)}\n`).subarray(0, 20),
};

describe('file descriptors', () => {
  it.each(['file source', 'object store source'])(
    '30 rejected uploads of each kind leave no descriptor open (%s)',
    async (via) => {
      const h = await ingestHarness();
      const store = new LocalObjectStore(h.dir);
      try {
        const run = (name: string) =>
          ingest(
            via === 'file source' ? fileSource(join(h.dir, name)) : { name, open: () => store.read(name) },
            { eventLog: h.log, logger: silentLogger },
            { topic: TOPICS.transactions, batchSize: 100 },
          );
        writeFileSync(join(h.dir, 'good.csv'), `${kaggleHeader}\n${kaggleRow(1)}\n`);
        await run('good.csv'); // the log's own files are open from here on
        const before = openFds();
        for (const [kind, make] of Object.entries(REJECTED)) {
          for (let i = 0; i < 30; i++) {
            const name = `${kind.replace(' ', '-')}-${i}.csv`;
            writeFileSync(join(h.dir, name), make());
            const e = await run(name).catch((x: unknown) => x);
            expect(e, kind).toBeInstanceOf(FraudflowError);
          }
          // A stream's close finishes a tick after it is destroyed: wait for the count, with a deadline.
          await waitFor(
            () => openFds() <= before,
            `descriptors back to ${before} after 30 "${kind}" uploads`,
            3000,
          ).catch(() => expect(openFds(), `after 30 "${kind}" uploads`).toBe(before));
        }
        await run('missing.csv').catch(() => undefined);
        expect(openFds()).toBe(before);
      } finally {
        await h.close();
      }
    },
  );
});

describe('symlinks in the uploads folder', () => {
  const root = join(dir.path, 'uploads');
  const outside = join(dir.path, 'outside');
  mkdirSync(join(root, 'inner'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  const secret = 'root:x:0:0:secret-first-line';
  writeFileSync(join(outside, 'passwd'), `${secret}\n`);
  writeFileSync(join(outside, 'day.csv'), `${kaggleHeader}\n${kaggleRow(1)}\n`);
  writeFileSync(join(root, 'inner', 'real.csv'), `${kaggleHeader}\n${kaggleRow(1)}\n`);
  symlinkSync(join(outside, 'passwd'), join(root, 'to-file.csv'));
  symlinkSync(outside, join(root, 'to-dir'));
  symlinkSync(join(root, 'to-file.csv'), join(root, 'chain.csv'));
  symlinkSync(join(root, 'chain.csv'), join(root, 'chain2.csv'));
  symlinkSync(join(root, 'inner', 'real.csv'), join(root, 'inside.csv'));
  symlinkSync('inner/real.csv', join(root, 'inside-relative.csv'));
  const store = new LocalObjectStore(root);

  it.each(['to-file.csv', 'to-dir/day.csv', 'to-dir/passwd', 'chain.csv', 'chain2.csv', '../outside/day.csv'])(
    'refuses %s, naming neither its content nor a server path',
    async (key) => {
      const e = (await store.read(key).catch((x: unknown) => x)) as FraudflowError;
      expect(e).toBeInstanceOf(FraudflowError);
      expect(e.code).toBe('INPUT_INVALID');
      expect(e.message).not.toContain(dir.path);
      expect(e.message).not.toContain(secret);
    },
  );

  it.each(['inside.csv', 'inside-relative.csv', 'inner/real.csv'])(
    'follows %s, a link to a file inside',
    async (key) => {
      const chunks: Buffer[] = [];
      for await (const c of await store.read(key)) chunks.push(c);
      expect(Buffer.concat(chunks).toString()).toContain(kaggleHeader);
    },
  );

  it('a missing object is NOT_FOUND without a server path', async () => {
    const e = (await store.read('nope.csv').catch((x: unknown) => x)) as FraudflowError;
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).not.toContain(dir.path);
  });
});

describe('the encoder pool', () => {
  it('replaces a killed worker, and the next file ingests', async () => {
    const workers: Array<{ terminate(): Promise<number> }> = [];
    const pool = workerEncoder(2, { onWorker: (w) => workers.push(w) });
    const h = await ingestHarness(pool);
    try {
      await workers[0]!.terminate();
      await waitFor(() => pool.restarts >= 1, 'the pool to replace its worker');
      const rows = Array.from({ length: 5000 }, (_, i) => kaggleRow(i + 1));
      const s = await h.ingestBytes('after-kill.csv', [kaggleHeader, ...rows].join('\n') + '\n');
      expect([s.read, s.accepted, s.rejected]).toEqual([5000, 5000, 0]);
      expect(workers.length).toBe(3);
    } finally {
      await h.close();
      await pool.close();
    }
  });

  it('hands the blocks of a worker killed mid-file to its replacement: nothing lost, nothing twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), async (kills) => {
        const workers: Array<{ terminate(): Promise<number> }> = [];
        const pool = workerEncoder(2, { onWorker: (w) => workers.push(w) });
        const h = await ingestHarness(pool);
        try {
          const rows = Array.from({ length: 30_000 }, (_, i) => kaggleRow(i + 1));
          const path = join(h.dir, 'mid.csv');
          writeFileSync(path, [kaggleHeader, ...rows].join('\n') + '\n');
          const running = h.ingestFile(path, 1000);
          // Kill the newest worker of a slot each time, while blocks are in flight.
          for (let k = 0; k < kills; k++) void workers[workers.length - 1 - (k % 2)]?.terminate();
          const s = await running;
          expect([s.read, s.accepted, s.rejected]).toEqual([30_000, 30_000, 0]);
          const ids = (await h.readAll(TOPICS.transactions)).map((m) => (m.value as { id: string }).id);
          expect(new Set(ids).size).toBe(30_000);
        } finally {
          await h.close();
          await pool.close();
        }
      }),
      { numRuns: 3 },
    );
  });
});
