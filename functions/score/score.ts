// The score core: features, the model endpoint, a verdict per transaction (a fallback one when the model fails), published to `verdicts`.
import type { Logger } from '../../shared/logger.ts';
import type { EventLog, OutgoingMessage } from '../../shared/eventlog/port.ts';
import type { CoalescingPublisher } from '../../shared/eventlog/coalescing-publisher.ts';
import type { ModelEndpoint } from '../../shared/model/port.ts';
import { KAGGLE_FEATURES, kaggleFeatures } from '../../shared/features/kaggle.ts';
import { contentId } from '../../shared/schema/formats.ts';
import { VERDICT_SCHEMA, type Verdict } from '../../shared/schema/verdict.ts';
import { TOPICS } from '../../shared/topics.ts';
import { FraudflowError } from '../../shared/errors.ts';
import type { FeatureState } from '../../shared/features/raw/state-port.ts';
import { RAW_FEATURE_WIDTH, scoringFeatures } from '../../shared/features/raw/compute.ts';
import type { KaggleScoreRequest, RawScoreRequest, ScoreBatch } from './request.ts';

export interface ScorePorts {
  readonly model: ModelEndpoint;
  readonly eventLog: EventLog;
  /** Where verdicts go when not straight to the log: an HTTP instance shares produces between concurrent requests. */
  readonly verdicts?: CoalescingPublisher;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export interface ScoreOptions {
  /** A probability at or above threshold x reviewRatio (but below the threshold) is sent for review. */
  readonly reviewRatio: number;
  /** The verdict when the model cannot answer, so that no transaction goes without one. */
  readonly fallbackVerdict: Verdict['verdict'];
  readonly reasons: number;
  /** Explain every verdict, not only fraud and review. */
  readonly explainAll?: boolean;
  /** Where the verdicts come from (a file, `http`, `stream`), for the envelope's source. */
  readonly source: string;
}

export function transactionIdOf(t: KaggleScoreRequest): string {
  return t.transaction_id ?? contentId(`kaggle-score:${JSON.stringify({ ...t, Class: undefined })}`);
}

export async function scoreTransactions(
  txs: readonly KaggleScoreRequest[],
  ports: ScorePorts,
  options: ScoreOptions,
): Promise<Verdict[]> {
  const width = KAGGLE_FEATURES.names.length;
  const rows = new Float32Array(txs.length * width);
  txs.forEach((t, i) => kaggleFeatures(t, rows, i * width));
  return scoreRows(
    txs.map((t) => ({ transaction_id: transactionIdOf(t), ...(t.customer_id ? { customer_id: t.customer_id } : {}) })),
    rows,
    width,
    ports,
    options,
  );
}

/** Raw transactions: features from the online state (what was known before each), each then recorded in it, then scored. */
export async function scoreRawTransactions(
  txs: readonly RawScoreRequest[],
  ports: ScorePorts & { readonly features: FeatureState },
  options: ScoreOptions,
): Promise<Verdict[]> {
  const rows = new Float32Array(txs.length * RAW_FEATURE_WIDTH);
  for (let i = 0; i < txs.length; i++) rows.set(await scoringFeatures(txs[i]!, ports.features), i * RAW_FEATURE_WIDTH);
  return scoreRows(
    txs.map((t) => ({ transaction_id: t.transaction_id, customer_id: t.customer_id })),
    rows,
    RAW_FEATURE_WIDTH,
    ports,
    options,
  );
}

/** One request's transactions, in the format the champion was trained on (FORMAT_MISMATCH otherwise). */
export async function scoreBatch(
  batch: ScoreBatch,
  ports: ScorePorts & { readonly features: FeatureState },
  options: ScoreOptions,
): Promise<Verdict[]> {
  // When the endpoint cannot say which model answers, the format is not checked here: predict fails the same way and the fallback applies.
  const manifest = await ports.model.manifest().catch(() => null);
  if (manifest && manifest.feature_spec.name !== batch.format) {
    throw new FraudflowError(
      'FORMAT_MISMATCH',
      `the champion ${manifest.version} scores ${manifest.feature_spec.name}-format transactions; this request is ${batch.format}`,
      { champion: manifest.version, expected: manifest.feature_spec.name, got: batch.format },
    );
  }
  return batch.format === 'raw'
    ? scoreRawTransactions(batch.txs, ports, options)
    : scoreTransactions(batch.txs, ports, options);
}

export interface Scored {
  readonly transaction_id: string;
  readonly customer_id?: string;
}

/** The model-agnostic part: feature rows in, verdicts out (and published), a fallback verdict when the model fails. */
export async function scoreRows(
  txs: readonly Scored[],
  rows: Float32Array,
  width: number,
  ports: ScorePorts,
  options: ScoreOptions,
): Promise<Verdict[]> {
  const now = (ports.now ?? (() => new Date()))().toISOString();
  let verdicts: Verdict[];
  try {
    const p = await ports.model.predict(rows, width);
    const threshold = p.manifest.threshold;
    const decided = txs.map((_, i) => {
      const probability = p.scores[i]!;
      return probability >= threshold
        ? ('fraud' as const)
        : probability >= threshold * options.reviewRatio
          ? ('review' as const)
          : ('legit' as const);
    });
    // Reasons cost a prediction per feature: give them where a person will look (fraud and review), or to every HTTP answer.
    const explainAt = decided.map((d, i) => (options.explainAll || d !== 'legit' ? i : -1)).filter((i) => i >= 0);
    const reasons = new Map<number, Verdict['reasons']>();
    if (options.reasons > 0 && explainAt.length) {
      const sub = new Float32Array(explainAt.length * width);
      explainAt.forEach((row, k) => sub.set(rows.subarray(row * width, (row + 1) * width), k * width));
      (await ports.model.explain(sub, width, options.reasons)).forEach((r, k) => reasons.set(explainAt[k]!, r));
    }
    verdicts = txs.map((t, i) => ({
      transaction_id: t.transaction_id,
      ...(t.customer_id ? { customer_id: t.customer_id } : {}),
      probability: p.scores[i]!,
      verdict: decided[i]!,
      threshold,
      model_version: p.manifest.version,
      reasons: reasons.get(i) ?? [],
      scored_at: now,
    }));
  } catch (e) {
    ports.logger.error('score: the model endpoint failed; applying the fallback verdict', {
      error: e,
      count: txs.length,
    });
    verdicts = txs.map((t) => ({
      transaction_id: t.transaction_id,
      ...(t.customer_id ? { customer_id: t.customer_id } : {}),
      probability: 0,
      verdict: options.fallbackVerdict,
      threshold: 1,
      model_version: 'fallback',
      reasons: [],
      scored_at: now,
      fallback: true,
    }));
  }
  if (ports.verdicts) await ports.verdicts.publish(verdictMessages(verdicts, options.source, now));
  else await publishVerdicts(verdicts, ports.eventLog, options.source, now);
  return verdicts;
}

/** Each verdict as an envelope; its id is fixed by the transaction, so a re-publish is dropped by the sink: one verdict per transaction. */
export function verdictMessages(verdicts: readonly Verdict[], source: string, at: string): OutgoingMessage[] {
  return verdicts.map((v, i) => ({
    key: v.customer_id ?? v.transaction_id,
    value: JSON.stringify({
      id: contentId(`verdict:${v.transaction_id}`),
      schema: VERDICT_SCHEMA,
      source: { file: source, line: i + 1 },
      ingested_at: at,
      payload: v,
    }),
  }));
}

export async function publishVerdicts(
  verdicts: readonly Verdict[],
  log: EventLog,
  source: string,
  at: string,
): Promise<void> {
  if (verdicts.length === 0) return;
  await log.produce(TOPICS.verdicts, verdictMessages(verdicts, source, at));
}
