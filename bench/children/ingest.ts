// Bench child: one ingest (or one baseline read) of a file in a fresh process, printing its figures and peak RSS as JSON.
import { createReadStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { silentLogger } from '../../shared/logger.ts';
import { topicSpecs, TOPICS } from '../../shared/topics.ts';
import { ingest } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/index.ts';
import { inlineEncoder, workerEncoder } from '../../functions/ingest/encoder-pool.ts';
import { CsvRecordSplitter, readCsvRecords } from '../../shared/csv/records.ts';

const [mode, file, dir, workersArg] = process.argv.slice(2);
const started = performance.now();
let rows = 0;
if (mode === 'baseline') {
  // Read the file and split lines: no field splitting, no validation, no output.
  let carry = '';
  for await (const chunk of createReadStream(file!, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (carry + chunk).split('\n');
    carry = lines.pop()!;
    rows += lines.length;
  }
  rows -= 1; // header
} else if (mode === 'splitter') {
  for await (const records of readCsvRecords(
    createReadStream(file!, { highWaterMark: 1 << 20 }),
    new CsvRecordSplitter(),
  ))
    rows += records.length;
  rows -= 1;
} else if (mode === 'papaparse') {
  const Papa = (await import('papaparse')).default;
  await new Promise<void>((resolve, reject) => {
    Papa.parse(
      createReadStream(file!, { encoding: 'utf8', highWaterMark: 1 << 20 }) as unknown as File,
      {
        chunk: (r: { data: unknown[] }) => void (rows += r.data.length),
        complete: () => resolve(),
        error: reject,
      } as never,
    );
  });
  rows -= 1;
} else if (mode === 'csv-parse') {
  const { parse } = await import('csv-parse');
  for await (const _ of createReadStream(file!, { highWaterMark: 1 << 20 }).pipe(parse({ relax_column_count: true })))
    rows++;
  rows -= 1;
} else {
  const path = join(dir!, 'log.sqlite');
  rmSync(`${path}`, { force: true });
  rmSync(`${path}.segments`, { recursive: true, force: true });
  const log = new EmbeddedEventLog({ path });
  for (const spec of topicSpecs(4)) await log.ensureTopic(spec);
  const workers = Number(workersArg ?? 0);
  const encoder = workers > 0 ? workerEncoder(workers) : inlineEncoder;
  const s = await ingest(
    fileSource(file!),
    { eventLog: log, logger: silentLogger, encoder },
    { topic: TOPICS.transactions, batchSize: 5000 },
  );
  if (s.read !== s.accepted + s.rejected + s.duplicates) throw new Error('ingest counts do not balance');
  rows = s.accepted;
  await encoder.close();
  await log.close();
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  JSON.stringify({ rows, seconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n',
);
