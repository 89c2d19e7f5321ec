// The Kaggle-format demo (`demo --format kaggle`): PCA-style rows, history in, retrain, the last fifth scored live.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sinkWith } from '../../functions/sink/index.ts';
import { retrainWith } from '../../functions/retrain/index.ts';
import type { ModelKind } from '../../functions/retrain/train.ts';
import { scoreStreamWith } from '../../functions/score-stream/index.ts';
import { writeKaggleCsv } from '../../shared/synth/kaggle.ts';
import { queryAll } from '../../shared/warehouse/port.ts';
import { TOPICS } from '../../shared/topics.ts';
import type { Runtime } from '../../shared/runtime.ts';
import { table } from '../output.ts';
import { confusionColumns, LABELS_JOIN, truthOf, VERDICT_TRANSACTIONS } from '../../shared/warehouse/verdict-sql.ts';
import { ingestWithBar, perS, skipHistory, writeLastRun } from './pipeline.ts';
import type { Steps } from './steps.ts';

export const KAGGLE_STAGES = 6;

export interface KaggleDemoOptions {
  readonly rows: number;
  readonly csv?: string;
  readonly models?: ModelKind[];
}

/** The generated history and live files; a given CSV is the history itself (then scored in-sample). */
async function kaggleFiles(rt: Runtime, o: KaggleDemoOptions): Promise<{ history: string; live?: string }> {
  if (o.csv) return { history: o.csv };
  await mkdir(rt.config.uploadsDir, { recursive: true });
  const history = join(rt.config.uploadsDir, 'history.csv');
  const live = join(rt.config.uploadsDir, 'live.csv');
  // The last fifth of the period arrives after the model is trained: it is scored out of sample.
  const cut = Math.floor(o.rows * 0.8);
  await writeKaggleCsv(history, o.rows, 42, { from: 0, to: cut });
  await writeKaggleCsv(live, o.rows, 42, { from: cut, to: o.rows });
  return { history, live };
}

async function trainStages(rt: Runtime, history: string, o: KaggleDemoOptions, s: Steps) {
  s.stage(`ingest the history: ${history}`);
  const ingest = await ingestWithBar(rt, history, 'ingest history');
  s.detail(
    `${ingest.read} rows read, ${ingest.accepted} accepted, ${ingest.rejected} rejected, ${ingest.rows_per_s} rows/s`,
  );
  s.stage('sink the topics into the warehouse');
  const sink = (await sinkWith(rt)).find((t) => t.topic === TOPICS.transactions)!;
  s.detail(
    `${sink.inserted} rows inserted (${sink.duplicates} already there), ${perS(sink.rows, sink.elapsed_ms)} rows/s`,
  );
  s.stage('retrain on the labelled history (time-ordered split)');
  const model = await retrainWith(rt, { format: 'kaggle', ...(o.models ? { models: o.models } : {}) });
  const m = model.manifest.metrics;
  s.detail(
    `${model.version} (${model.manifest.model}): validation AUPRC ${m.auprc?.toFixed(4)}, ROC AUC ${m.roc_auc?.toFixed(4)}, ` +
      `precision ${m.precision.toFixed(3)} recall ${m.recall.toFixed(3)} at threshold ${model.manifest.threshold.toFixed(4)}; ${model.promoted ? 'champion' : 'challenger'}`,
  );
  return { ingest, sink, model };
}

async function liveStages(rt: Runtime, live: string | undefined, s: Steps) {
  if (live) {
    await skipHistory(rt);
    s.stage(`live transactions arrive: ${live}`);
    s.detail(`${(await ingestWithBar(rt, live, 'ingest live')).accepted} accepted`);
  } else s.stage('no live file: the history itself is scored (in-sample)');
  s.stage('score the stream and publish verdicts');
  const scored = await scoreStreamWith(rt);
  s.detail(
    `${scored.scored} scored: ${scored.fraud} fraud, ${scored.review} review, ${scored.legit} legit; ${perS(scored.scored, scored.elapsed_ms)} rows/s`,
  );
  s.stage('sink the verdicts and compare them with the labels');
  await sinkWith(rt);
  return scored;
}

async function verdictQuality(rt: Runtime, version: string) {
  const w = await rt.warehouse();
  const d = w.dialect;
  const quality = await queryAll(
    w,
    `SELECT ${confusionColumns(truthOf(d))} ${VERDICT_TRANSACTIONS} ${LABELS_JOIN(d)}
    WHERE v.model_version = '${version.replace(/'/g, "''")}'`,
  );
  const q = quality[0] as { verdicts: number; tp: number; fp: number; fn: number; reviews: number };
  return { ...q, precision: q.tp / Math.max(1, q.tp + q.fp), recall: q.tp / Math.max(1, q.tp + q.fn) };
}

export async function runKaggleDemo(rt: Runtime, o: KaggleDemoOptions, s: Steps) {
  const files = await kaggleFiles(rt, o);
  const { ingest, sink, model } = await trainStages(rt, files.history, o, s);
  const scored = await liveStages(rt, files.live, s);
  const version = model.promoted ? model.version : (await rt.models().champion())!.version;
  const verdicts = await verdictQuality(rt, version);
  await writeLastRun(rt, [
    { stage: 'ingest', rows: ingest.accepted, rows_per_s: ingest.rows_per_s },
    { stage: 'sink', rows: sink.rows, rows_per_s: perS(sink.rows, sink.elapsed_ms) },
    {
      stage: 'retrain (rows trained)',
      rows: model.manifest.data.train_rows,
      rows_per_s: perS(model.manifest.data.train_rows, model.elapsed_ms),
    },
    { stage: 'score-stream', rows: scored.scored, rows_per_s: perS(scored.scored, scored.elapsed_ms) },
  ]);
  const m = model.manifest.metrics;
  return {
    format: 'kaggle' as const,
    live: files.live !== undefined,
    ingest,
    sink,
    model: { version: model.version, promoted: model.promoted, metrics: m, threshold: model.manifest.threshold },
    scored,
    verdicts,
  };
}

export function printKaggleSummary(s: Awaited<ReturnType<typeof runKaggleDemo>>, report: string, elapsedS: number) {
  const q = s.verdicts;
  process.stdout.write('\nverdicts against labels' + (s.live ? ' (live, out of sample)' : ' (in-sample)') + '\n');
  process.stdout.write(
    table([
      {
        verdicts: q.verdicts,
        fraud_tp: q.tp,
        fraud_fp: q.fp,
        missed: q.fn,
        review: q.reviews,
        precision: q.precision,
        recall: q.recall,
      },
    ]) + '\n',
  );
  process.stdout.write(
    `\nreport: ${report}\ndone in ${elapsedS} s; query it: fraudflow sql "select verdict, count(*) from verdicts group by 1"\n`,
  );
}
