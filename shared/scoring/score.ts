// The score core: features, the model endpoint, a verdict per transaction (a fallback one when no sane score exists), published to `verdicts`.
import type { Logger } from '../logger.ts';
import type { EventLog, OutgoingMessage } from '../eventlog/port.ts';
import type { CoalescingPublisher } from '../eventlog/coalescing-publisher.ts';
import type { ModelEndpoint } from '../model/port.ts';
import { withHeldModel } from '../model/hold.ts';
import { KAGGLE_FEATURES, kaggleFeatures } from '../features/kaggle.ts';
import { contentId } from '../schema/formats.ts';
import type { Verdict } from '../schema/verdict.ts';
import { TOPICS } from '../topics.ts';
import { FraudflowError } from '../errors.ts';
import type { FeatureState } from '../features/raw/port.ts';
import { scoringFeatures } from '../features/raw/compute.ts';
import { RAW_FEATURES, type RawFeatureSpec } from '../features/raw/spec.ts';
import { rawSpecOfModel } from '../features/raw/model-spec.ts';
import type { KaggleScoreRequest, RawScoreRequest, ScoreBatch } from './request.ts';
import { txEpochMs } from '../schema/raw.ts';
import { DEFAULT_MAX_FUTURE_SKEW_SECONDS } from '../schema/limits.ts';
import {
  fallbackVerdict,
  finiteRows,
  modelVerdicts,
  pickRows,
  publishable,
  type Scored,
  type VerdictRules,
} from './verdicts.ts';
import { verdictEnvelopes } from './verdict-encode.ts';
import { applyRules, type RuleInputs } from './rules/apply.ts';
import type { RulesSource } from './rules/current.ts';
import { kaggleRuleValues, rawRuleValues } from './rules/evaluate.ts';
import type { ShadowHook } from './shadow.ts';
import { computedSpec, splitRows, type SplitRows } from './feature-union.ts';

export interface ScorePorts {
  readonly model: ModelEndpoint;
  readonly eventLog: EventLog;
  /** Where verdicts go when not straight to the log: an HTTP instance shares produces between concurrent requests. */
  readonly verdicts?: CoalescingPublisher;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** The rules in force, run after the model (none when absent). */
  readonly rules?: RulesSource;
  /** The shadow challenger, scored on the same rows once the champion's verdicts are out (none when absent). */
  readonly shadow?: ShadowHook;
}

/** What scoreRows knows of its rows beyond the rule fields: the spec they were computed by (the shadow maps by it). */
export interface RowInputs extends RuleInputs {
  /** The raw rows' spec (v1 or v2, the champion's); Kaggle rows are always KAGGLE_FEATURES. */
  readonly rawSpec?: RawFeatureSpec;
  /** The wider rows computed for a shadow of another spec (feature-union.ts); the shadow maps from these when set. */
  readonly shadowRows?: SplitRows['shadowRows'];
}

export interface ScoreOptions extends VerdictRules {
  /** Where the verdicts come from (a file, `http`, `stream`), for the envelope's source. */
  readonly source: string;
  /** Raw transactions dated further ahead of the clock are refused (TIME_OUT_OF_RANGE); DEFAULT_MAX_FUTURE_SKEW_SECONDS when unset. */
  readonly maxFutureSkewSeconds?: number;
}

export type { Scored } from './verdicts.ts';

const clockOf = (ports: { readonly now?: () => Date }): (() => Date) => ports.now ?? (() => new Date());

/** Why online scoring refuses this raw transaction's time (too far ahead of the clock), or undefined. */
export function futureSkewProblem(tx_datetime: string, nowMs: number, maxSkewSeconds: number): string | undefined {
  const ahead = (txEpochMs(tx_datetime) - nowMs) / 1000;
  if (ahead <= maxSkewSeconds) return undefined;
  return `tx_datetime: ${tx_datetime} is ${Math.round(ahead)} s ahead of the clock (${new Date(nowMs).toISOString()}); online scoring accepts at most ${maxSkewSeconds} s ahead (FRAUDFLOW_MAX_FUTURE_SKEW_SECONDS)`;
}

/** Refuses the whole request before any transaction joins the feature state: every too-early time named. */
function refuseFutureTimes(txs: readonly RawScoreRequest[], nowMs: number, maxSkewSeconds: number): void {
  const refused = txs
    .map((t) => ({
      transaction_id: t.transaction_id,
      problem: futureSkewProblem(t.tx_datetime, nowMs, maxSkewSeconds),
    }))
    .filter((r) => r.problem !== undefined);
  if (refused.length === 0) return;
  const shown = refused.slice(0, 5).map((r) => `transaction ${r.transaction_id}: ${r.problem}`);
  throw new FraudflowError(
    'TIME_OUT_OF_RANGE',
    shown.join('; ') + (refused.length > 5 ? `; and ${refused.length - 5} more` : ''),
    { refused: refused.length, max_future_skew_seconds: maxSkewSeconds },
  );
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
    { format: 'kaggle', valueOf: (i) => kaggleRuleValues(txs[i]!) },
  );
}

/** Raw transactions: features from the online state (what was known before each), each then recorded in it, then scored. */
export async function scoreRawTransactions(
  txs: readonly RawScoreRequest[],
  ports: ScorePorts & { readonly features: FeatureState },
  options: ScoreOptions,
  /** The features the model needs (its manifest's spec): a v1 and a v2 model each get their own. */
  spec: RawFeatureSpec = RAW_FEATURES,
): Promise<Verdict[]> {
  refuseFutureTimes(txs, clockOf(ports)().getTime(), options.maxFutureSkewSeconds ?? DEFAULT_MAX_FUTURE_SKEW_SECONDS);
  // A shadow on a wider spec: its union with the champion's, read from the state once per transaction.
  const computed = await computedSpec(spec, ports.shadow, txs[0]?.transaction_id);
  const width = computed.names.length;
  const wide = new Float32Array(txs.length * width);
  const exact: number[][] = [];
  for (let i = 0; i < txs.length; i++) {
    const features = await scoringFeatures(txs[i]!, ports.features, { recordLabel: false, spec: computed });
    wide.set(features, i * width);
    exact.push(features);
  }
  const { rows, shadowRows } = splitRows(wide, computed, spec, txs.length);
  return scoreRows(
    txs.map((t) => ({ transaction_id: t.transaction_id, customer_id: t.customer_id })),
    rows,
    spec.names.length,
    ports,
    options,
    // Rule fields are v1's names, the leading columns of every raw spec.
    {
      format: 'raw',
      valueOf: (i) => rawRuleValues(txs[i]!, exact[i]!),
      rawSpec: spec,
      ...(shadowRows ? { shadowRows } : {}),
    },
  );
}

/** One request's transactions, in the format the champion was trained on (FORMAT_MISMATCH otherwise). */
export async function scoreBatch(
  batch: ScoreBatch,
  ports: ScorePorts & { readonly features: FeatureState },
  options: ScoreOptions,
): Promise<Verdict[]> {
  // The features are computed for the spec of the model that then scores them: one pinned model for the request.
  return withHeldModel(ports, async (held) => {
    // When the endpoint cannot say which model answers, the format is not checked here: predict fails the same way and the fallback applies.
    const manifest = await held.model.manifest().catch(() => null);
    if (manifest && manifest.feature_spec.name !== batch.format) {
      throw new FraudflowError(
        'FORMAT_MISMATCH',
        `the champion ${manifest.version} scores ${manifest.feature_spec.name}-format transactions; this request is ${batch.format}`,
        { champion: manifest.version, expected: manifest.feature_spec.name, got: batch.format },
      );
    }
    return batch.format === 'raw'
      ? scoreRawTransactions(batch.txs, held, options, rawSpecOfModel(manifest))
      : scoreTransactions(batch.txs, held, options);
  });
}

/** The model-agnostic part: feature rows in, verdicts out (and published); a fallback verdict where no sane score exists. */
export async function scoreRows(
  txs: readonly Scored[],
  rows: Float32Array,
  width: number,
  ports: ScorePorts,
  options: ScoreOptions,
  /** Each transaction's rule fields (exact, before the float32 rows), for the rules in force, and the rows' spec. */
  ruleInputs?: RowInputs,
): Promise<Verdict[]> {
  const now = clockOf(ports)().toISOString();
  // A non-finite feature has no meaningful score (and would poison the batch on a remote endpoint): fallback, not the model.
  const good = finiteRows(rows, width, txs.length);
  if (good.length < txs.length)
    ports.logger.warn('score: non-finite features; fallback verdict', {
      count: txs.length - good.length,
      transaction_ids: txs
        .filter((_, i) => !good.includes(i))
        .slice(0, 10)
        .map((t) => t.transaction_id),
    });
  // One model for every row of the batch, its predictions and its reasons, even if the champion changes meanwhile.
  const verdicts = await withHeldModel(ports, ({ model }) =>
    decide(txs, rows, width, good, model, options, now, ports.logger),
  );
  const ruled = await applyRules(verdicts, ruleInputs, ports.rules, ports.logger);
  const checked = ruled.map((v, i) => publishable(v, txs[i]!, options, now, ports.logger));
  if (ports.verdicts) await ports.verdicts.publish(verdictMessages(checked, options.source, now));
  else await publishVerdicts(checked, ports.eventLog, options.source, now);
  if (ports.shadow && ruleInputs) {
    const own = { rows, spec: ruleInputs.format === 'kaggle' ? KAGGLE_FEATURES : (ruleInputs.rawSpec ?? RAW_FEATURES) };
    const input = ruleInputs.shadowRows ?? own;
    await ports.shadow.score({ txs, ...input, source: options.source, reviewRatio: options.reviewRatio, at: now });
  }
  return checked;
}

/** The model's verdicts for the finite rows (`good`), the fallback verdict for the others. */
async function decide(
  txs: readonly Scored[],
  rows: Float32Array,
  width: number,
  good: readonly number[],
  model: ModelEndpoint,
  options: ScoreOptions,
  now: string,
  logger: Logger,
): Promise<Verdict[]> {
  if (good.length === txs.length) return modelVerdicts(txs, rows, width, model, options, now, logger);
  const verdicts = txs.map((t) => fallbackVerdict(t, options, now));
  const picked = good.map((i) => txs[i]!);
  const decided = await modelVerdicts(
    picked,
    pickRows(rows, width, good, txs.length),
    width,
    model,
    options,
    now,
    logger,
  );
  good.forEach((i, k) => (verdicts[i] = decided[k]!));
  return verdicts;
}

/** Each verdict as an envelope; its id is fixed by the transaction, so a re-publish is dropped by the sink: one verdict per transaction. */
export function verdictMessages(verdicts: readonly Verdict[], source: string, at: string): OutgoingMessage[] {
  return verdictEnvelopes(verdicts, source, at);
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
