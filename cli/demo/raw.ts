// The raw-transaction demo: Handbook simulation, delay-aware retrain, live stream scored unlabelled, late labels, a second retrain.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { retrainWith } from '../../functions/retrain/index.ts';
import type { RetrainResult } from '../../functions/retrain/retrain.ts';
import type { ModelKind } from '../../functions/retrain/train.ts';
import { scoreStreamWith } from '../../functions/score-stream/index.ts';
import type { ScoreStreamSummary } from '../../functions/score-stream/score-stream.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { FEATURE_HISTORY_DAYS } from '../../functions/retrain/protocol.ts';
import type { Runtime } from '../../shared/runtime.ts';
import { TOPICS } from '../../shared/topics.ts';
import { backfillState, type Backfill } from './backfill.ts';
import { flaggedIds, writeLateLabels, type LateLabels } from './late-labels.ts';
import { liveFigures, type LiveFigures } from './live-metrics.ts';
import { ingestWithBar, perS, sinkDrained, skipHistory, writeLastRun } from './pipeline.ts';
import { simulateDemo, type DemoSimulation } from './simulate.ts';
import type { Steps } from './steps.ts';
import { describeRetrain, type RetrainFigures } from './retrain-figures.ts';
import { RAW_DEMO } from './defaults.ts';

export { RAW_DEMO };
export const RAW_STAGES = 9;

export interface RawDemoOptions {
  readonly rows: number;
  readonly models?: ModelKind[];
}

export interface RawDemoSummary {
  readonly format: 'raw';
  readonly simulation: Omit<DemoSimulation, 'truth'>;
  readonly history: { accepted: number; rejected: number; inserted: number };
  readonly first: RetrainFigures;
  readonly backfill: Backfill;
  readonly live: { accepted: number; scored: ScoreStreamSummary; verdicts_sunk: number };
  readonly labels: LateLabels & { accepted: number; inserted: number; applied_online: number };
  readonly second: RetrainFigures;
  readonly live_figures: LiveFigures;
}

/** The demo tells a story from an empty pipeline: a used data directory would mix earlier runs into every figure. */
async function requireFresh(rt: Runtime): Promise<void> {
  const info = await (await rt.eventLog()).describeTopic(TOPICS.transactions).catch(() => null);
  const held = info?.partitions.reduce((n, p) => n + Number(p.highWatermark), 0) ?? 0;
  if (held > 0)
    throw new FraudflowError(
      'CONFIG_INVALID',
      `demo: the data directory ${rt.config.dataDir} already holds ${held} transactions (an earlier run?): ` +
        'remove it or set FRAUDFLOW_DATA_DIR to an empty directory, so the figures are this run only',
      { data_dir: rt.config.dataDir, transactions: held },
    );
}

const dayBefore = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

async function simulateStage(rt: Runtime, o: RawDemoOptions, s: Steps): Promise<DemoSimulation> {
  await mkdir(rt.config.uploadsDir, { recursive: true });
  const { historyDays, liveDays, seed, startDate } = RAW_DEMO;
  s.stage(`simulate ${historyDays + liveDays} days of card transactions (Fraud Detection Handbook method)`);
  const sim = await simulateDemo(
    { rows: o.rows, historyDays, liveDays, seed, startDate },
    join(rt.config.uploadsDir, 'history.csv'),
    join(rt.config.uploadsDir, 'live.csv'),
  );
  const rate = (p: { rows: number; frauds: number }) => ((100 * p.frauds) / Math.max(1, p.rows)).toFixed(2);
  s.detail(`${sim.customers} customers, ${sim.terminals} terminals, seed ${seed}`);
  s.detail(`history ${sim.history.from}..${sim.history.to}: ${sim.history.rows} rows, ${rate(sim.history)}% fraud`);
  s.detail(
    `live    ${sim.live.from}..${sim.live.to}: ${sim.live.rows} rows, labels held back (${rate(sim.live)}% fraud)`,
  );
  return sim;
}

async function historyStage(rt: Runtime, sim: DemoSimulation, s: Steps) {
  s.stage(`ingest the labelled history: ${sim.history.file}`);
  const ingest = await ingestWithBar(rt, sim.history.file, 'ingest history');
  s.detail(`${ingest.accepted} accepted, ${ingest.rejected} rejected, ${ingest.rows_per_s} rows/s`);
  s.stage('sink the topics into the warehouse');
  const sink = await sinkDrained(rt, TOPICS.transactions);
  s.detail(`${sink.inserted} rows inserted, ${perS(sink.rows, sink.elapsed_ms)} rows/s`);
  return { ingest, sink };
}

async function retrainStage(rt: Runtime, end: string, o: RawDemoOptions, s: Steps, title: string) {
  s.stage(title);
  const r = await retrainWith(rt, {
    format: 'raw',
    windows: { ...RAW_DEMO.windows, end },
    prequentialFolds: RAW_DEMO.prequentialFolds,
    ...(o.models ? { models: o.models } : {}),
  });
  const figures = describeRetrain(r);
  for (const line of figures.lines) s.detail(line);
  return { r, figures };
}

async function liveStage(rt: Runtime, sim: DemoSimulation, s: Steps) {
  s.stage(`online feature state: the history's last ${FEATURE_HISTORY_DAYS} days recorded from the warehouse`);
  const backfill = await backfillState(
    await rt.warehouse(),
    rt.featureState(),
    dayBefore(sim.live.from, FEATURE_HISTORY_DAYS),
  );
  s.detail(`${backfill.recorded} transactions since ${backfill.from} in ${backfill.elapsed_ms} ms`);
  await skipHistory(rt);
  s.stage(`live days arrive without labels: ${sim.live.file}; score-stream scores them`);
  const ingest = await ingestWithBar(rt, sim.live.file, 'ingest live');
  // One run for the whole live backlog: no per-run time limit cuts it short on a busy machine.
  const scored = await scoreStreamWith(rt, { maxSeconds: 3600 });
  const sunk = await sinkDrained(rt, TOPICS.verdicts);
  s.detail(
    `${ingest.accepted} accepted; ${scored.scored} scored (${scored.fraud} fraud, ${scored.review} review, ${scored.legit} legit), ` +
      `${perS(scored.scored, scored.elapsed_ms)} rows/s; ${sunk.inserted} verdicts sunk`,
  );
  return { backfill, ingest, scored, sunk };
}

async function labelsStage(rt: Runtime, sim: DemoSimulation, liveVersion: string, s: Steps) {
  s.stage('labels arrive late: analysts review the flagged transactions, chargebacks follow');
  const flagged = await flaggedIds(await rt.warehouse(), liveVersion);
  const late = await writeLateLabels(join(rt.config.uploadsDir, 'labels.csv'), sim.truth, flagged);
  const ingest = await ingestWithBar(rt, late.file, 'ingest labels');
  const sunk = await sinkDrained(rt, TOPICS.labels);
  // A score-stream run with no new transactions still applies what arrived on `labels` to the online state.
  const applied = (await scoreStreamWith(rt)).labels_applied;
  s.detail(
    `${late.review} reviewed (+1 day), ${late.chargeback} chargebacks and ${late.confirmed} confirmed genuine (+7 days); ` +
      `${ingest.accepted} on the labels topic, ${sunk.inserted} in the warehouse, ${applied} applied to the online state`,
  );
  return { ...late, accepted: ingest.accepted, inserted: sunk.inserted, applied_online: applied };
}

export async function runRawDemo(rt: Runtime, o: RawDemoOptions, s: Steps): Promise<RawDemoSummary> {
  await requireFresh(rt);
  const sim = await simulateStage(rt, o, s);
  const history = await historyStage(rt, sim, s);
  const first = await retrainStage(rt, sim.history.to, o, s, 'retrain on the history (Handbook windows, delay-aware)');
  const liveVersion = (await rt.models().champion())?.version ?? first.r.version;
  const live = await liveStage(rt, sim, s);
  const labels = await labelsStage(rt, sim, liveVersion, s);
  const second = await retrainStage(rt, sim.live.to, o, s, 'retrain again on the longer history: promote or refuse');
  const live_figures = await liveFigures(await rt.warehouse(), liveVersion);
  await writeLastRun(rt, stageFigures(history, first.r, live, second.r));
  const { truth: _truth, ...simulation } = sim;
  return {
    format: 'raw',
    simulation,
    history: { accepted: history.ingest.accepted, rejected: history.ingest.rejected, inserted: history.sink.inserted },
    first: first.figures,
    backfill: live.backfill,
    live: { accepted: live.ingest.accepted, scored: live.scored, verdicts_sunk: live.sunk.inserted },
    labels,
    second: second.figures,
    live_figures,
  };
}

function stageFigures(
  history: Awaited<ReturnType<typeof historyStage>>,
  first: RetrainResult,
  live: Awaited<ReturnType<typeof liveStage>>,
  second: RetrainResult,
) {
  const trained = (r: RetrainResult, stage: string) => ({
    stage,
    rows: r.manifest.data.train_rows,
    rows_per_s: perS(r.manifest.data.train_rows, r.elapsed_ms),
  });
  return [
    { stage: 'ingest', rows: history.ingest.accepted, rows_per_s: history.ingest.rows_per_s },
    { stage: 'sink', rows: history.sink.rows, rows_per_s: perS(history.sink.rows, history.sink.elapsed_ms) },
    trained(first, 'retrain 1 (rows trained)'),
    {
      stage: 'state backfill',
      rows: live.backfill.recorded,
      rows_per_s: perS(live.backfill.recorded, live.backfill.elapsed_ms),
    },
    { stage: 'score-stream', rows: live.scored.scored, rows_per_s: perS(live.scored.scored, live.scored.elapsed_ms) },
    trained(second, 'retrain 2 (rows trained)'),
  ];
}
