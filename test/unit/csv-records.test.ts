// The CSV record splitter: chunk boundaries anywhere, quotes, line numbers, limits.
import { describe, expect, it } from 'vitest';
import { CsvRecordSplitter, type CsvRecord } from '../../shared/csv/records.ts';
import { splitFields } from '../../shared/csv/fields.ts';

function splitAll(input: Buffer, chunk: number, maxRecordBytes = 1 << 20): CsvRecord[] {
  const s = new CsvRecordSplitter({ maxRecordBytes, keepBytes: 16 });
  const out: CsvRecord[] = [];
  for (let i = 0; i < input.length; i += chunk) out.push(...s.push(input.subarray(i, i + chunk)));
  out.push(...s.end());
  return out;
}

describe('CSV record splitter', () => {
  const text = 'a,b,c\r\n1,"x,y",3\n\n4,"multi\nline ""q""",6\n€,é,ü\nlast,no,newline';

  it('gives the same records whatever the chunk size, down to one byte', () => {
    const whole = splitAll(Buffer.from(text), 1 << 20);
    for (const size of [1, 2, 3, 5, 7, 64]) expect(splitAll(Buffer.from(text), size)).toEqual(whole);
    expect(whole.map((r) => r.line)).toEqual([1, 2, 4, 6, 7]);
    expect(whole[1]!.fields).toEqual(['1', 'x,y', '3']);
    expect(whole[2]!.fields).toEqual(['4', 'multi\nline "q"', '6']);
    expect(whole[3]!.fields).toEqual(['€', 'é', 'ü']);
    expect(whole[4]!.fields).toEqual(['last', 'no', 'newline']);
  });

  it('counts blank lines apart from records', () => {
    const s = new CsvRecordSplitter();
    const recs = [...s.push(Buffer.from('a\n\n\nb\n')), ...s.end()];
    expect(recs.map((r) => r.raw)).toEqual(['a', 'b']);
    expect(s.blankLines).toBe(2);
  });

  it('cuts an oversized line into one error record and resumes on the next line number', () => {
    const input = Buffer.from(`ok\n${'z'.repeat(100)}\nnext\n`);
    const recs = splitAll(input, 8, 32);
    expect(recs.map((r) => [r.line, r.error ?? r.raw])).toEqual([
      [1, 'ok'],
      [2, 'line is 100 bytes, over the limit of 32'],
      [3, 'next'],
    ]);
    expect(recs[1]!.raw).toBe('z'.repeat(16));
  });

  it('rejects alone the line whose quoted field is left open at the end of the file, and reads the rest again', () => {
    const recs = splitAll(Buffer.from('a,"open\nmore'), 4);
    expect(recs).toHaveLength(2);
    expect(recs[0]!.error).toMatch(/still open at the end of the file/);
    expect(recs[0]!.line).toBe(1);
    expect(recs[0]!.raw).toBe('a,"open');
    expect(recs[1]).toMatchObject({ line: 2, raw: 'more' });
  });
});

describe('field splitting', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['"a","b",""', ['a', 'b', '']],
    [',,', ['', '', '']],
    ['"a""b",c', ['a"b', 'c']],
  ])('splits %s', (input, fields) => {
    expect(splitFields(input)).toEqual({ ok: true, fields });
  });

  it.each([
    ['a"b,c', 'stray quote inside unquoted field 1'],
    ['"a"b,c', 'text after the closing quote of field 1'],
    ['"abc', 'unterminated quoted field 1'],
  ])('rejects %s', (input, reason) => {
    expect(splitFields(input)).toEqual({ ok: false, reason });
  });
});
