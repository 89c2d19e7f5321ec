// A CSV whose columns go by other names ingests with a column map: in-thread and on worker threads, from the CLI too.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { silentLogger } from '../../shared/logger.ts';
import { topicSpecs, TOPICS } from '../../shared/topics.ts';
import { ingest } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/index.ts';
import { inlineEncoder, workerEncoder } from '../../functions/ingest/encoder-pool.ts';
import { parseColumnMap } from '../../shared/schema/header.ts';
import { tempDir } from '../helpers/tmp.ts';
import { cli } from '../helpers/cli.ts';

const dir = tempDir('fraudflow-map-');
afterAll(() => dir.cleanup());

const csv = join(dir.path, 'bank-export.csv');
writeFileSync(
  csv,
  [
    'REF,WHEN,CARD_NO,POS,AMT,FRAUD_FLAG,BRANCH',
    'r-1,2026-04-01 10:00:00,card-1,pos-9,12.50,0,north',
    'r-2,2026-04-01 11:00:00,card-2,pos-9,980.00,1,south',
    'r-3,2026-04-01 12:00:00,card-1,pos-3,-5,0,north', // a negative amount: dead-lettered, counted
  ].join('\n') + '\n',
);
const MAP = 'transaction_id=REF,tx_datetime=WHEN,customer_id=CARD_NO,terminal_id=POS,amount=AMT,label=FRAUD_FLAG';

describe('column map', () => {
  it.each([
    ['in this thread', () => inlineEncoder],
    ['on worker threads', () => workerEncoder(2)],
  ])('maps the named headers to the raw format %s, the extra column ignored', async (_how, make) => {
    const log = new EmbeddedEventLog({ path: join(dir.path, `log-${Math.random()}.sqlite`) });
    for (const spec of topicSpecs(1)) await log.ensureTopic(spec);
    const encoder = make();
    try {
      const s = await ingest(
        fileSource(csv),
        { eventLog: log, logger: silentLogger, encoder },
        { topic: TOPICS.transactions, batchSize: 100, columnMap: parseColumnMap(MAP) },
      );
      expect(s).toMatchObject({ format: 'raw', read: 3, accepted: 2, rejected: 1, duplicates: 0 });
      const c = await log.consumer('read', TOPICS.transactions);
      const rows = (await c.poll({ maxRecords: 10, maxWaitMs: 100 })).map(
        (r) => JSON.parse(r.value.toString('utf8')).payload,
      );
      await c.close();
      expect(rows).toEqual([
        {
          transaction_id: 'r-1',
          tx_datetime: '2026-04-01 10:00:00',
          customer_id: 'card-1',
          terminal_id: 'pos-9',
          amount: 12.5,
          label: 0,
        },
        {
          transaction_id: 'r-2',
          tx_datetime: '2026-04-01 11:00:00',
          customer_id: 'card-2',
          terminal_id: 'pos-9',
          amount: 980,
          label: 1,
        },
      ]);
    } finally {
      await encoder.close();
      await log.close();
    }
  });

  it('takes --map on the CLI, and refuses a malformed one as a usage error', async () => {
    const env = { FRAUDFLOW_DATA_DIR: join(dir.path, 'data') };
    const ok = await cli(['ingest', csv, '--map', MAP, '--json'], env);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)[0]).toMatchObject({ format: 'raw', accepted: 2, rejected: 1 });
    const without = await cli(['ingest', csv, '--json'], env);
    expect(without.code).toBe(3);
    expect(JSON.parse(without.stderr).error.code).toBe('FORMAT_UNKNOWN');
    const bad = await cli(['ingest', csv, '--map', 'amount', '--json'], env);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr).error.message).toMatch(/column=HEADER/);
  });
});
