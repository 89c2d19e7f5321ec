// `fraudflow demo`: the whole pipeline on the embedded default: history in, sink, retrain, then live transactions scored.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { queryAll } from '../../shared/warehouse/port.ts';
import { TOPICS } from '../../shared/topics.ts';
import type { Runtime } from '../../shared/runtime.ts';
import type { RuntimeFactory } from '../main.ts';
import { table } from '../output.ts';
import { writeFile } from 'node:fs/promises';
import { lastRunFile } from '../report/data.ts';
import { confusionColumns, LABELS_JOIN, truthOf, VERDICT_TRANSACTIONS } from '../report/verdict-sql.ts';
import { writeReport } from './report.ts';

const SCORE_GROUP = 'fraudflow-score-stream';

/** Moves the score-stream group past everything already on the topic: only what arrives later is "live". */
async function skipHistory(rt: Runtime): Promise<void> {
  const log = await rt.eventLog();
  const consumer = await log.consumer(SCORE_GROUP, TOPICS.transactions);
  await consumer.poll({ maxRecords: 1, maxWaitMs: 500 });
  const info = await log.describeTopic(TOPICS.transactions);
  await consumer.commit(info.partitions.map((p) => ({ partition: p.partition, offset: p.highWatermark })));
  await consumer.close();
}

async function ingestWithBar(rt: Runtime, file: string, label: string) {
  const [{ fileSource, ingestWith }, { progressBar }] = await Promise.all([
    import('../../functions/ingest/index.ts'),
    import('../progress.ts'),
  ]);
  const bar = progressBar(label, statSync(file).size, 'bytes');
  try {
    return await ingestWith(rt, fileSource(file), { onProgress: (p) => bar.update(p.bytes) });
  } finally {
    bar.stop();
  }
}

export function registerDemo(program: Command, runtime: RuntimeFactory): void {
  program
    .command('demo')
    .description(
      'the pipeline end to end on the embedded default: ingest history, sink, retrain, then score live transactions',
    )
    .argument('[csv]', 'a Kaggle-format CSV to use instead of generated data (e.g. creditcard.csv); scored in-sample')
    .option('--rows <n>', 'rows of generated Kaggle-format data (default: 284807, as the Kaggle file)')
    .option('--json', 'print the summary as JSON')
    .action(async (csv: string | undefined, opts: { rows?: string; json?: boolean }) => {
      // The functions (tf.js, the functions framework) load when the demo runs, not for `fraudflow --help`.
      const [{ sinkWith }, { retrainWith }, { scoreStreamWith }, { writeKaggleCsv, KAGGLE_ROWS }] = await Promise.all([
        import('../../functions/sink/index.ts'),
        import('../../functions/retrain/index.ts'),
        import('../../functions/score-stream/index.ts'),
        import('../../shared/synth/kaggle.ts'),
      ]);
      const rt = runtime();
      const started = performance.now();
      const say = (line: string) => void (opts.json || process.stdout.write(line + '\n'));
      const rows = Number(opts.rows ?? KAGGLE_ROWS);
      let history = csv;
      let live: string | undefined;
      if (!history) {
        await mkdir(rt.config.uploadsDir, { recursive: true });
        history = join(rt.config.uploadsDir, 'history.csv');
        live = join(rt.config.uploadsDir, 'live.csv');
        // The last fifth of the period arrives after the model is trained: it is scored out of sample.
        const cut = Math.floor(rows * 0.8);
        await writeKaggleCsv(history, rows, 42, { from: 0, to: cut });
        await writeKaggleCsv(live, rows, 42, { from: cut, to: rows });
      }
      say(`[1/6] ingest the history: ${history}`);
      const ingest = await ingestWithBar(rt, history, 'ingest history');
      say(
        `      ${ingest.read} rows read, ${ingest.accepted} accepted, ${ingest.rejected} rejected, ${ingest.rows_per_s} rows/s`,
      );
      say('[2/6] sink the topics into the warehouse');
      const sink = (await sinkWith(rt)).find((t) => t.topic === TOPICS.transactions)!;
      say(
        `      ${sink.inserted} rows inserted (${sink.duplicates} already there), ${Math.round(sink.rows / Math.max(sink.elapsed_ms / 1000, 1e-3))} rows/s`,
      );
      say('[3/6] retrain on the labelled history (time-ordered split)');
      const model = await retrainWith(rt);
      const m = model.manifest.metrics;
      say(
        `      ${model.version} (${model.manifest.model}): validation AUPRC ${m.auprc?.toFixed(4)}, ROC AUC ${m.roc_auc?.toFixed(4)}, ` +
          `precision ${m.precision.toFixed(3)} recall ${m.recall.toFixed(3)} at threshold ${model.manifest.threshold.toFixed(4)}; ${model.promoted ? 'champion' : 'challenger'}`,
      );
      if (live) {
        await skipHistory(rt);
        say(`[4/6] live transactions arrive: ${live}`);
        const li = await ingestWithBar(rt, live, 'ingest live');
        say(`      ${li.accepted} accepted`);
      } else say('[4/6] no live file: the history itself is scored (in-sample)');
      say('[5/6] score the stream and publish verdicts');
      const scored = await scoreStreamWith(rt);
      say(
        `      ${scored.scored} scored: ${scored.fraud} fraud, ${scored.review} review, ${scored.legit} legit; ${Math.round(scored.scored / Math.max(scored.elapsed_ms / 1000, 1e-3))} rows/s`,
      );
      say('[6/6] sink the verdicts and compare them with the labels');
      await sinkWith(rt);
      const w = await rt.warehouse();
      const d = w.dialect;
      const version = model.promoted ? model.version : (await rt.models().champion())!.version;
      const quality = await queryAll(
        w,
        `SELECT ${confusionColumns(truthOf(d))} ${VERDICT_TRANSACTIONS} ${LABELS_JOIN(d)}
        WHERE v.model_version = '${version}'`,
      );
      const q = quality[0] as { verdicts: number; tp: number; fp: number; fn: number; reviews: number };
      const summary = {
        ingest,
        sink,
        model: { version: model.version, promoted: model.promoted, metrics: m, threshold: model.manifest.threshold },
        scored,
        verdicts: { ...q, precision: q.tp / Math.max(1, q.tp + q.fp), recall: q.tp / Math.max(1, q.tp + q.fn) },
        elapsed_s: Math.round((performance.now() - started) / 100) / 10,
      };
      const perS = (rows: number, ms: number) => Math.round(rows / Math.max(ms / 1000, 1e-3));
      await writeFile(
        lastRunFile(rt),
        JSON.stringify(
          {
            at: new Date().toISOString(),
            stages: [
              { stage: 'ingest', rows: ingest.accepted, rows_per_s: ingest.rows_per_s },
              { stage: 'sink', rows: sink.rows, rows_per_s: perS(sink.rows, sink.elapsed_ms) },
              {
                stage: 'retrain (rows trained)',
                rows: model.manifest.data.train_rows,
                rows_per_s: perS(model.manifest.data.train_rows, model.elapsed_ms),
              },
              { stage: 'score-stream', rows: scored.scored, rows_per_s: perS(scored.scored, scored.elapsed_ms) },
            ],
          },
          null,
          2,
        ),
      );
      const report = await writeReport(rt, join(rt.config.dataDir, 'report.html'));
      if (opts.json) return void process.stdout.write(JSON.stringify({ ...summary, report }, null, 2) + '\n');
      process.stdout.write('\nverdicts against labels' + (live ? ' (live, out of sample)' : ' (in-sample)') + '\n');
      process.stdout.write(
        table([
          {
            verdicts: q.verdicts,
            fraud_tp: q.tp,
            fraud_fp: q.fp,
            missed: q.fn,
            review: q.reviews,
            precision: summary.verdicts.precision,
            recall: summary.verdicts.recall,
          },
        ]) + '\n',
      );
      process.stdout.write(
        `\nreport: ${report}\ndone in ${summary.elapsed_s} s; query it: fraudflow sql "select verdict, count(*) from verdicts group by 1"\n`,
      );
    });
}
