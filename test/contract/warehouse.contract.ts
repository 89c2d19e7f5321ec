// The warehouse contract, run against every adapter: tables exist, appends are idempotent by id and atomic, queries stream back, the sink lands each id once.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAll, type Row, type Warehouse } from '../../shared/warehouse/port.ts';
import { TABLES } from '../../shared/warehouse/tables.ts';
import { flatten } from '../../shared/warehouse/flatten.ts';
import type { AnyEnvelope } from '../../shared/schema/registry.ts';
import { silentLogger } from '../../shared/logger.ts';
import { TOPICS } from '../../shared/topics.ts';
import { writeKaggleCsv } from '../../shared/synth/kaggle.ts';
import { sink, type SinkOptions } from '../../functions/sink/sink.ts';
import { ingestHarness, type Harness } from '../helpers/ingest-harness.ts';

const AT = '2026-11-25T10:00:00.000Z';
const hex = (i: number, prefix = 0) => (prefix * 1e9 + i).toString(16).padStart(32, '0');

export const txRow = (i: number): Row => ({
  id: hex(i),
  schema_name: 'kaggle',
  schema_version: 1,
  source_file: 'f.csv',
  source_line: i + 2,
  ingested_at: AT,
  Time: i,
  V1: -1.5,
  Amount: 12.5,
  Class: i % 2,
});

function envelope(i: number, schema: string, payload: Record<string, unknown>): AnyEnvelope {
  return {
    id: hex(i, 7),
    schema: { name: schema, version: 1 },
    source: { file: 'x.csv', line: i + 2 },
    ingested_at: AT,
    payload,
  };
}

const num = (v: unknown): number => Number(v);

async function one(w: Warehouse, sql: string): Promise<Row> {
  const rows = await queryAll(w, sql);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** `open` gives a fresh, empty warehouse; `close` releases it. */
export function warehouseContract(
  name: string,
  open: () => Promise<Warehouse>,
  close: (w: Warehouse) => Promise<void> = (w) => w.close(),
): void {
  describe(`warehouse contract: ${name}`, () => {
    let w: Warehouse;
    let harness: Harness;
    beforeAll(async () => {
      w = await open();
      await w.ensureTables();
      harness = await ingestHarness();
    });
    afterAll(async () => {
      await harness?.close();
      if (w) await close(w);
    });

    it('creates every table, and creating them again changes nothing', async () => {
      await w.ensureTables();
      for (const t of Object.keys(TABLES)) expect(num((await one(w, `select count(*) as n from ${t}`)).n)).toBe(0);
    });

    it('appends rows once: the same ids appended again, or twice in one batch, change nothing', async () => {
      // More rows than one page of results in either adapter, for the streaming test below.
      const rows = Array.from({ length: 12_000 }, (_, i) => txRow(i));
      expect(await w.append('transactions', rows)).toEqual({
        table: 'transactions',
        received: 12_000,
        inserted: 12_000,
        duplicates: 0,
      });
      expect(await w.append('transactions', [...rows.slice(0, 10), txRow(12_000), txRow(12_000)])).toEqual({
        table: 'transactions',
        received: 12,
        inserted: 1,
        duplicates: 11,
      });
      const r = await one(w, 'select count(*) as n, count(distinct id) as ids, sum(Class) as frauds from transactions');
      expect([num(r.n), num(r.ids), num(r.frauds)]).toEqual([12_001, 12_001, 6000]);
    });

    it('rolls back a failed append whole: no row of the batch lands, and the error says the data was refused', async () => {
      const bad = [txRow(20_000), { ...txRow(20_001), schema_name: undefined }];
      // Refused (not failed): the sink splits such a batch to isolate the row instead of retrying it forever.
      await expect(w.append('transactions', bad)).rejects.toMatchObject({ code: 'WAREHOUSE_REJECTED' });
      expect(num((await one(w, `select count(*) as n from transactions where source_line >= 20002`)).n)).toBe(0);
    });

    it('stores envelopes given as JSON text as it stores the same envelopes flattened', async () => {
      const payload = {
        Time: 5,
        ...Object.fromEntries(Array.from({ length: 28 }, (_, k) => [`V${k + 1}`, k / 10])),
        Amount: 1.25,
        Class: 1,
      };
      const text = [
        envelope(1, 'kaggle', payload),
        envelope(1, 'kaggle', payload),
        envelope(2, 'kaggle', { ...payload, Amount: 3 }),
      ];
      const r = await w.appendEnvelopes(
        'transactions',
        'kaggle',
        text.map((e) => Buffer.from(JSON.stringify(e))),
      );
      expect(r).toMatchObject({ received: 3, inserted: 2, duplicates: 1 });
      expect(
        await w.append(
          'transactions',
          text.map((e) => flatten('transactions', e)),
        ),
      ).toMatchObject({ inserted: 0, duplicates: 3 });
      const row = await one(
        w,
        `select source_file, source_line, V28, Amount, Class, ingested_at from transactions where id = '${hex(1, 7)}'`,
      );
      expect({ ...row, Class: num(row.Class), source_line: num(row.source_line) }).toEqual({
        source_file: 'x.csv',
        source_line: 3,
        V28: 2.7,
        Amount: 1.25,
        Class: 1,
        ingested_at: new Date(AT),
      });
    });

    it('keeps verdicts, labels and dead letters: JSON columns as JSON text, timestamps as instants', async () => {
      const reasons = [
        { feature: 'V14', contribution: 0.4 },
        { feature: 'Amount', contribution: -0.1 },
      ];
      const verdict = {
        transaction_id: 't1',
        probability: 0.9,
        verdict: 'fraud',
        threshold: 0.5,
        model_version: 'm1',
        reasons,
        scored_at: AT,
      };
      await w.append('verdicts', [flatten('verdicts', envelope(10, 'verdict', verdict))]);
      await w.append('labels', [
        flatten(
          'labels',
          envelope(11, 'label', { transaction_id: 't1', label: 1, source: 'chargeback', labelled_at: AT }),
        ),
      ]);
      await w.append('dead_letters', [
        {
          id: hex(12),
          topic: 't.dlq',
          file: 'f',
          line: 3,
          raw: 'x',
          raw_truncated: false,
          raw_bytes: 1,
          reasons: ['bad', 'worse'],
          schema: null,
          rejected_at: AT,
        },
      ]);
      const v = await one(
        w,
        'select transaction_id, verdict, probability, reasons, scored_at, customer_id from verdicts',
      );
      expect({ ...v, reasons: JSON.parse(String(v.reasons)) }).toEqual({
        transaction_id: 't1',
        verdict: 'fraud',
        probability: 0.9,
        reasons,
        scored_at: new Date(AT),
        customer_id: null,
      });
      const l = await one(w, 'select transaction_id, label, source, labelled_at from labels');
      expect({ ...l, label: num(l.label) }).toEqual({
        transaction_id: 't1',
        label: 1,
        source: 'chargeback',
        labelled_at: new Date(AT),
      });
      const d = await one(w, 'select topic, line, reasons, rejected_at, schema from dead_letters');
      expect({ ...d, line: num(d.line), reasons: JSON.parse(String(d.reasons)) }).toEqual({
        topic: 't.dlq',
        line: 3,
        reasons: ['bad', 'worse'],
        rejected_at: new Date(AT),
        schema: null,
      });
    });

    it('streams a large result back in pages, every row once and in order', async () => {
      const pages: number[] = [];
      let last = '';
      let ordered = true;
      for await (const page of w.query('select id from transactions order by id')) {
        pages.push(page.length);
        for (const r of page) {
          ordered &&= String(r.id) > last;
          last = String(r.id);
        }
      }
      expect(pages.length).toBeGreaterThan(1);
      expect(pages.reduce((a, b) => a + b, 0)).toBe(12_003);
      expect(ordered).toBe(true);
    });

    it('reports an invalid query as a typed input error', async () => {
      await expect(queryAll(w, 'select nope from nowhere')).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    });

    it('takes the sink: each produced id lands once, through a re-run and a crash between the write and the commit', async () => {
      const file = join(harness.dir, 'k.csv');
      await writeKaggleCsv(file, 1200, 5);
      expect((await harness.ingestFile(file, 500)).accepted).toBe(1200);
      const options: SinkOptions = {
        routes: [{ topic: TOPICS.transactions, table: 'transactions', kind: 'envelope' }],
        group: 'contract',
        maxRows: 1e6,
        maxSeconds: 60,
        batchSize: 500,
      };
      const crash = new Error('crashed after the write');
      const fault = async (point: string) => {
        if (point === 'after-write') throw crash;
      };
      await expect(sink({ eventLog: harness.log, warehouse: w, logger: silentLogger, fault }, options)).rejects.toBe(
        crash,
      );
      const [again] = await sink({ eventLog: harness.log, warehouse: w, logger: silentLogger }, options);
      expect(again).toMatchObject({ rows: 1200, inserted: 700, duplicates: 500, lag_left: 0 });
      const [rerun] = await sink({ eventLog: harness.log, warehouse: w, logger: silentLogger }, options);
      expect(rerun).toMatchObject({ rows: 0, lag_left: 0 });
      const produced = (await harness.readAll(TOPICS.transactions)).map((m) => (m.value as { id: string }).id).sort();
      const landed = (
        await queryAll(w, `select id from transactions where source_file = '${file.replaceAll("'", "''")}' order by id`)
      ).map((r) => String(r.id));
      expect(landed).toEqual(produced);
    });

    it('takes poison messages from the sink into dead_letters with where they were and why, and lands the rest', async () => {
      const label = envelope(40, 'label', { transaction_id: 't9', label: 0, source: 'confirmed', labelled_at: AT });
      await harness.log.produce(TOPICS.labels, [
        { key: 'a', value: JSON.stringify(label) },
        { key: 'a', value: 'not json' },
        { key: 'a', value: JSON.stringify({ ...label, id: hex(41, 7), payload: { ...label.payload, label: 2 } }) },
      ]);
      const [s] = await sink(
        { eventLog: harness.log, warehouse: w, logger: silentLogger },
        {
          routes: [{ topic: TOPICS.labels, table: 'labels', kind: 'envelope' }],
          group: 'contract',
          maxRows: 1e6,
          maxSeconds: 60,
          batchSize: 100,
        },
      );
      expect(s).toMatchObject({ rows: 3, inserted: 1, poison: 2, lag_left: 0 });
      expect(num((await one(w, `select count(*) as n from labels where transaction_id = 't9'`)).n)).toBe(1);
      const dead = await queryAll(
        w,
        `select file, line, reasons from dead_letters where topic = 'labels' order by line`,
      );
      expect(
        dead.map((d) => ({ file: d.file, line: num(d.line), reasons: JSON.parse(String(d.reasons)) as string[] })),
      ).toEqual([
        { file: expect.stringMatching(/^labels\[\d+\]$/), line: 2, reasons: [expect.stringMatching(/^not JSON/)] },
        {
          file: expect.stringMatching(/^labels\[\d+\]$/),
          line: 3,
          reasons: [expect.stringMatching(/^payload\.label: /)],
        },
      ]);
    });
  });
}
