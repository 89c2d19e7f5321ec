// One batch of transaction messages, from the log or pushed: validated, features computed in order, scored, verdicts
// and dead letters published; what the pull and the push paths share.
import type { EventLog } from '../../shared/eventlog/port.ts';
import type { Logger } from '../../shared/logger.ts';
import type { ModelEndpoint } from '../../shared/model/port.ts';
import { withHeldModel } from '../../shared/model/hold.ts';
import type { CoalescingPublisher } from '../../shared/eventlog/coalescing-publisher.ts';
import type { KaggleScoreRequest } from '../../shared/scoring/request.ts';
import {
  futureSkewProblem,
  scoreRows,
  scoreTransactions,
  type ScoreOptions,
  type Scored,
} from '../../shared/scoring/score.ts';
import type { Verdict } from '../../shared/schema/verdict.ts';
import type { FeatureState } from '../../shared/features/raw/port.ts';
import { scoringFeatures, type RawTx } from '../../shared/features/raw/compute.ts';
import { rawSpecOfModel } from '../../shared/features/raw/model-spec.ts';
import type { RawFeatureSpec } from '../../shared/features/raw/spec.ts';
import { checkEnvelope } from '../../shared/schema/registry.ts';
import { isFraudflowError } from '../../shared/errors.ts';
import { publishDeadLetters, type Dead, type Incoming } from './dead-letter.ts';
import type { RulesSource } from '../../shared/scoring/rules/current.ts';
import { rawRuleValues } from '../../shared/scoring/rules/evaluate.ts';
import type { ShadowHook } from '../../shared/scoring/shadow.ts';
import { computedSpec, splitRows } from '../../shared/scoring/feature-union.ts';

export interface BatchPorts {
  readonly eventLog: EventLog;
  readonly model: ModelEndpoint;
  readonly logger: Logger;
  /** Online feature state for raw transactions: every raw transaction is recorded in it, scored or not. */
  readonly features: FeatureState;
  /** Verdicts shared between concurrent requests of one instance (the push path); straight to the log when unset. */
  readonly verdicts?: CoalescingPublisher;
  /** The wall clock that transaction times are checked against (tests pass a fixed one). */
  readonly now?: () => Date;
  /** The rules in force, run after the model (none when absent). */
  readonly rules?: RulesSource;
  /** The shadow challenger, scored on every transaction of the batch after the champion (none when absent). */
  readonly shadow?: ShadowHook;
}

export interface BatchResult {
  readonly verdicts: readonly Verdict[];
  /** Messages the champion cannot score: another format than it was trained on. */
  readonly skipped: number;
  readonly dead_lettered: number;
}

interface Sorted {
  readonly kaggle: KaggleScoreRequest[];
  readonly raw: Scored[];
  readonly rawRows: number[][];
  readonly rawTxs: RawTx[];
  readonly dead: Dead[];
  skipped: number;
}

/** Validates each message and computes raw features in order; what cannot be scored is dead-lettered, never retried. */
async function sortBatch(
  messages: readonly Incoming[],
  spec: string,
  ports: BatchPorts,
  maxSkewSeconds: number,
  rawSpec: RawFeatureSpec,
): Promise<Sorted> {
  const out: Sorted = { kaggle: [], raw: [], rawRows: [], rawTxs: [], dead: [], skipped: 0 };
  const nowMs = (ports.now ?? (() => new Date()))().getTime();
  for (const message of messages) {
    const checked = checkEnvelope(message.value);
    if (!checked.ok) {
      out.dead.push({ message, reasons: checked.reasons, schema: null });
      continue;
    }
    const ref = checked.envelope.schema;
    const schema = `${ref.name}/${ref.version}`;
    if (ref.name === 'raw') {
      const tx = checked.envelope.payload as unknown as RawTx;
      try {
        const refused = futureSkewProblem(tx.tx_datetime, nowMs, maxSkewSeconds);
        if (refused) {
          out.dead.push({ message, reasons: [`payload.${refused}`], schema });
          continue;
        }
        // Features from what was known before this transaction, then the transaction joins the state.
        // From an upload (trusted history): the label it may carry is recorded for later transactions' windows.
        const features = await scoringFeatures(tx, ports.features, { recordLabel: true, spec: rawSpec });
        if (spec !== 'raw') out.skipped++;
        else {
          // The business id, as over HTTP: the same transaction gets one verdict id whichever path scored it.
          out.raw.push({ transaction_id: tx.transaction_id, customer_id: tx.customer_id });
          out.rawRows.push(features);
          out.rawTxs.push(tx);
        }
      } catch (e) {
        // A typed, final error is this message's fault: dead-letter it. Anything else (the state is down) stops the run.
        if (!isFraudflowError(e) || e.retriable) throw e;
        out.dead.push({ message, reasons: [`${e.code}: ${e.message}`], schema });
      }
    } else if (ref.name === 'kaggle' && spec === 'kaggle') {
      // The verdict joins its transaction by the message id.
      out.kaggle.push({ ...(checked.envelope.payload as KaggleScoreRequest), transaction_id: checked.envelope.id });
    } else if (ref.name === 'kaggle') out.skipped++;
    else out.dead.push({ message, reasons: [`schema.name: ${ref.name} is not a transaction format`], schema });
  }
  return out;
}

/** Resolves once every verdict and dead letter of the batch is durable: the caller commits or acknowledges after. */
export async function scoreBatchOf(
  messages: readonly Incoming[],
  ports: BatchPorts,
  options: ScoreOptions & { readonly maxFutureSkewSeconds: number },
): Promise<BatchResult> {
  // The batch's features are computed for the spec of the model that then scores them: one pinned model for the batch.
  return withHeldModel(ports, (held) => scorePinned(messages, held, options));
}

async function scorePinned(
  messages: readonly Incoming[],
  ports: BatchPorts,
  options: ScoreOptions & { readonly maxFutureSkewSeconds: number },
): Promise<BatchResult> {
  const manifest = await ports.model.manifest();
  const rawSpec = rawSpecOfModel(manifest);
  // A shadow on a wider spec (v2 beside a v1 champion): the union is computed once, each model gets its columns.
  const computed = await computedSpec(rawSpec, ports.shadow, '');
  const batch = await sortBatch(messages, manifest.feature_spec.name, ports, options.maxFutureSkewSeconds, computed);
  const split = splitRows(Float32Array.from(batch.rawRows.flat()), computed, rawSpec, batch.raw.length);
  const verdicts = [
    ...(batch.kaggle.length ? await scoreTransactions(batch.kaggle, ports, options) : []),
    ...(batch.raw.length
      ? await scoreRows(batch.raw, split.rows, rawSpec.names.length, ports, options, {
          format: 'raw',
          valueOf: (i) => rawRuleValues(batch.rawTxs[i]!, batch.rawRows[i]!),
          rawSpec,
          ...(split.shadowRows ? { shadowRows: split.shadowRows } : {}),
        })
      : []),
  ];
  await publishDeadLetters(ports, batch.dead, (ports.now ?? (() => new Date()))().toISOString());
  return { verdicts, skipped: batch.skipped, dead_lettered: batch.dead.length };
}
