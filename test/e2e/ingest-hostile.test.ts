// Hostile uploads: each gives a precise error or dead letter, never a crash, and read = accepted + rejected + duplicates.
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inlineEncoder, workerEncoder, type Encoder } from '../../functions/ingest/encoder-pool.ts';
import { FraudflowError } from '../../shared/errors.ts';
import type { IngestSummary } from '../../functions/ingest/ingest.ts';
import { TOPICS } from '../../shared/topics.ts';
import { ingestHarness, type Harness } from '../helpers/ingest-harness.ts';
import { kaggleHeader, kaggleRow, rawHeader, rawRow } from '../helpers/rows.ts';

let h: Harness;
const pool = workerEncoder(2);
afterAll(() => pool.close());

function balanced(s: IngestSummary): void {
  expect(s.read).toBe(s.accepted + s.rejected + s.duplicates);
}

async function expectCounts(s: IngestSummary, accepted: number, rejected: number): Promise<void> {
  balanced(s);
  expect(s.accepted).toBe(accepted);
  expect(s.rejected).toBe(rejected);
  expect((await h.readAll(TOPICS.transactions)).length).toBe(accepted);
  expect((await h.deadLetters()).length).toBe(rejected);
}

// The same cases through both encoders: in this thread, and on a worker-thread pool.
describe.each([
  ['in-thread', inlineEncoder],
  ['worker pool', pool],
] as Array<[string, Encoder]>)('ingest of hostile input (%s encoder)', (_name, encoder) => {
  beforeEach(async () => {
    h = await ingestHarness(encoder);
  });
  afterEach(async () => {
    await h.close();
  });

  it('rejects an empty file with a clear error', async () => {
    const e = await h.ingestBytes('empty.csv', '').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FraudflowError);
    expect((e as FraudflowError).code).toBe('INPUT_INVALID');
    expect((e as Error).message).toMatch(/empty.*header/);
  });

  it('accepts a header-only file as zero rows', async () => {
    const s = await h.ingestBytes('header.csv', kaggleHeader + '\n');
    expect(s.format).toBe('kaggle');
    await expectCounts(s, 0, 0);
  });

  it('names the expected columns when the header is unknown', async () => {
    const e = await h.ingestBytes('unknown.csv', 'foo,bar,baz\n1,2,3\n').catch((x: unknown) => x);
    expect((e as FraudflowError).code).toBe('FORMAT_UNKNOWN');
    expect((e as Error).message).toContain('transaction_id,tx_datetime,customer_id,terminal_id,amount');
    expect((e as Error).message).toContain('Time,V1,V2');
  });

  it('names the missing column of an almost-right header', async () => {
    const e = await h.ingestBytes('missing.csv', kaggleHeader.replace(',V7', '') + '\n').catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/missing V7/);
  });

  it('dead-letters rows with missing or extra fields, with file, line and reason', async () => {
    const short = kaggleRow(1).split(',').slice(0, 20).join(',');
    const long = kaggleRow(2) + ',99';
    const s = await h.ingestBytes(
      'fields.csv',
      [kaggleHeader, kaggleRow(0), short, long, kaggleRow(3)].join('\n') + '\n',
    );
    await expectCounts(s, 2, 2);
    const dl = await h.deadLetters();
    expect(dl.map((d) => d.line).sort()).toEqual([3, 4]);
    expect(dl.find((d) => d.line === 3)!.reasons).toEqual(['expected 31 fields, got 20']);
    expect(dl.find((d) => d.line === 4)!.reasons).toEqual(['expected 31 fields, got 32']);
    expect(dl[0]!.file).toMatch(/fields\.csv$/);
    expect(dl.find((d) => d.line === 4)!.raw).toBe(long);
  });

  it('dead-letters non-numeric, NaN and Infinity values and negative amounts, listing every bad column', async () => {
    const rows = [
      kaggleRow(1, 'abc'),
      kaggleRow(2, 'NaN'),
      kaggleRow(3, '10', 0, 'Infinity'),
      kaggleRow(4, '-5.00'),
      kaggleRow(5, '10', 2),
      kaggleRow(6, '1e999'),
      kaggleRow(7, '0x1F'),
      kaggleRow(8, ' 5'),
      kaggleRow(9, '12.5'),
    ];
    const s = await h.ingestBytes('values.csv', [kaggleHeader, ...rows].join('\n'));
    await expectCounts(s, 1, 8);
    const byLine = new Map((await h.deadLetters()).map((d) => [d.line, d.reasons]));
    expect(byLine.get(2)).toEqual(['Amount: expected a number, got "abc"']);
    expect(byLine.get(3)).toEqual(['Amount: expected a number, got "NaN"']);
    expect(byLine.get(4)).toHaveLength(28);
    expect(byLine.get(4)![0]).toBe('V1: expected a number, got "Infinity"');
    expect(byLine.get(5)).toEqual(['Amount: Too small: expected number to be >=0']);
    expect(byLine.get(6)![0]).toMatch(/^Class: /);
    expect(byLine.get(7)).toEqual(['Amount: expected a number, got "1e999"']);
    expect(byLine.get(8)).toEqual(['Amount: expected a number, got "0x1F"']);
    expect(byLine.get(9)).toEqual(['Amount: expected a number, got " 5"']);
  });

  it('dead-letters bad dates and bad ids in the raw format', async () => {
    const rows = [
      rawRow('tx1'),
      rawRow('tx2', '2026-02-30T10:00:00Z'),
      rawRow('tx3', 'yesterday'),
      rawRow('tx4', '2026-04-01 25:00:00'),
      rawRow('tx 5'),
      rawRow('tx6', '2026-04-01 10:00:00', 'c1', 't1', '-1'),
    ];
    const s = await h.ingestBytes('raw.csv', [rawHeader, ...rows].join('\n') + '\n');
    await expectCounts(s, 1, 5);
    const byLine = new Map((await h.deadLetters()).map((d) => [d.line, d.reasons.join('; ')]));
    expect(byLine.get(3)).toMatch(/tx_datetime: not a real calendar date-time/);
    expect(byLine.get(4)).toMatch(/tx_datetime: expected an ISO 8601 date-time/);
    expect(byLine.get(5)).toMatch(/tx_datetime: not a real calendar date-time/);
    expect(byLine.get(6)).toMatch(/transaction_id: expected letters, digits/);
    expect(byLine.get(7)).toMatch(/amount: Too small/);
  });

  it('strips a UTF-8 BOM and reads CRLF line ends', async () => {
    const body = '\uFEFF' + [kaggleHeader, kaggleRow(1), kaggleRow(2)].join('\r\n') + '\r\n';
    const s = await h.ingestBytes('bom-crlf.csv', body);
    await expectCounts(s, 2, 0);
    const [m] = await h.readAll(TOPICS.transactions);
    expect((m!.value as { payload: { Class: number } }).payload.Class).toBe(0);
  });

  it('reads quoted fields holding commas, escaped quotes and line breaks, keeping the first line number', async () => {
    const body =
      [
        rawHeader,
        '"tx1","2026-04-01T10:00:00Z","c1","t1","12.50","0"',
        'tx2,2026-04-01T10:00:01Z,"c,2",t1,3,0',
        'tx3,2026-04-01T10:00:02Z,"c""3",t1,3,0',
        'tx4,2026-04-01T10:00:03Z,"c\n4",t1,3,0',
        'tx5,2026-04-01T10:00:04Z,c5,t1,3,0',
      ].join('\n') + '\n';
    const s = await h.ingestBytes('quoted.csv', body);
    // tx4's quoted line break makes an invalid record: its first line is rejected alone, the next read on its own.
    await expectCounts(s, 2, 4);
    const dl = await h.deadLetters();
    expect(dl.map((d) => d.line).sort()).toEqual([3, 4, 5, 6]);
    expect(dl.find((d) => d.line === 3)!.reasons.join()).toMatch(/customer_id: expected letters/);
    expect(dl.find((d) => d.line === 5)!.raw).toBe('tx4,2026-04-01T10:00:03Z,"c');
    expect(dl.find((d) => d.line === 5)!.reasons.join()).toMatch(/customer_id: expected letters/);
    expect(s.quote_recoveries).toBe(1);
    const ok = await h.readAll(TOPICS.transactions);
    const lines = ok.map((m) => (m.value as { source: { line: number } }).source.line).sort();
    expect(lines).toEqual([2, 7]);
  });

  it('rejects a 10 MB line whole without buffering it, and goes on with the next line', async () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const s = await h.ingestBytes('huge.csv', [kaggleHeader, kaggleRow(1), huge, kaggleRow(3)].join('\n') + '\n');
    await expectCounts(s, 2, 1);
    const [d] = await h.deadLetters();
    expect(d!.line).toBe(3);
    expect(d!.reasons[0]).toMatch(/line is 10485760 bytes, over the limit of 1048576/);
    expect(d!.raw.length).toBe(4096);
    expect(d!.raw_truncated).toBe(true);
    expect(d!.raw_bytes).toBe(10485760);
  });

  it('dead-letters a truncated last line that has no line break', async () => {
    const body = [kaggleHeader, kaggleRow(1), kaggleRow(2).slice(0, 40)].join('\n');
    const s = await h.ingestBytes('truncated.csv', body);
    await expectCounts(s, 1, 1);
    expect((await h.deadLetters())[0]!.line).toBe(3);
  });

  it('dead-letters a line with bytes that are not UTF-8 and keeps its neighbours', async () => {
    const bad = Buffer.concat([
      Buffer.from('tx2,2026-04-01T10:00:00Z,c'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(',t1,3,0'),
    ]);
    const body = Buffer.concat([
      Buffer.from(`${rawHeader}\n${rawRow('tx1')}\n`),
      bad,
      Buffer.from(`\n${rawRow('tx3')}\n`),
    ]);
    const s = await h.ingestBytes('latin.csv', body);
    await expectCounts(s, 2, 1);
    const [d] = await h.deadLetters();
    expect(d!.line).toBe(3);
    expect(d!.reasons[0]).toMatch(/invalid UTF-8 bytes at character 27/);
  });

  it('reads a gzip upload, and refuses a corrupt gzip whole, producing none of its rows', async () => {
    const body = [kaggleHeader, ...Array.from({ length: 2000 }, (_, i) => kaggleRow(i))].join('\n') + '\n';
    const gz = gzipSync(body);
    const ok = await h.ingestBytes('good.csv.gz', gz);
    expect(ok.accepted).toBe(2000);
    const corrupt = Buffer.from(gz);
    corrupt.fill(0x55, Math.floor(gz.length / 2), Math.floor(gz.length / 2) + 64);
    const e = await h.ingestBytes('bad.csv.gz', corrupt).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FraudflowError);
    expect((e as FraudflowError).code).toBe('FILE_UNREADABLE');
    expect((e as Error).message).toMatch(/bad\.csv\.gz: corrupt or truncated gzip stream .*nothing was produced/);
    const partial = (e as FraudflowError).details.partial as IngestSummary;
    balanced(partial);
    expect(partial.read).toBe(0);
    expect((await h.readAll(TOPICS.transactions)).length).toBe(2000);
  });

  it('produces the same ids when the same file is ingested twice', async () => {
    const body = [kaggleHeader, kaggleRow(1), kaggleRow(1), kaggleRow(2)].join('\n') + '\n';
    await h.ingestBytes('twice.csv', body);
    await h.ingestBytes('twice.csv', body);
    const ids = (await h.readAll(TOPICS.transactions)).map((m) => (m.value as { id: string }).id);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(3); // identical rows on different lines stay distinct transactions
  });

  it('counts a repeated transaction_id within a file as a duplicate and produces it once', async () => {
    const s = await h.ingestBytes(
      'dup.csv',
      [rawHeader, rawRow('tx1'), rawRow('tx2'), rawRow('tx1')].join('\n') + '\n',
    );
    expect(s.duplicates).toBe(1);
    await expectCounts(s, 2, 0);
  });

  it('skips blank lines without counting them as rows', async () => {
    const s = await h.ingestBytes(
      'blank.csv',
      [kaggleHeader, '', kaggleRow(1), '', '', kaggleRow(2)].join('\n') + '\n',
    );
    expect(s.blank_lines).toBe(3);
    await expectCounts(s, 2, 0);
  });
});
