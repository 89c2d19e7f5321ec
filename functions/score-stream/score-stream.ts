// The score-stream core: new transactions from the topic, scored in batches, verdicts published, bad messages dead-lettered, offsets committed after.
import type { Logger } from '../../shared/logger.ts';
import { lagOf, nextOffsets, type EventLog, type LogRecord } from '../../shared/eventlog/port.ts';
import { checkEnvelope } from '../../shared/schema/registry.ts';
import { TOPICS } from '../../shared/topics.ts';
import type { ModelEndpoint } from '../../shared/model/port.ts';
import type { KaggleScoreRequest } from '../../shared/scoring/request.ts';
import {
  futureSkewProblem,
  scoreRows,
  scoreTransactions,
  type ScoreOptions,
  type Scored,
} from '../../shared/scoring/score.ts';
import type { FeatureState } from '../../shared/features/raw/port.ts';
import { RAW_FEATURE_WIDTH, scoringFeatures, type RawTx } from '../../shared/features/raw/compute.ts';
import { applyLabels } from './labels.ts';
import { isFraudflowError, wrapError } from '../../shared/errors.ts';
import { DEFAULT_MAX_FUTURE_SKEW_SECONDS } from '../../shared/schema/limits.ts';
import { deadLetterOf } from './dead-letter.ts';
import type { RulesSource } from '../../shared/scoring/rules/current.ts';
import { rawRuleValues, type RuleValues } from '../../shared/scoring/rules/evaluate.ts';

export interface ScoreStreamPorts {
  readonly eventLog: EventLog;
  readonly model: ModelEndpoint;
  readonly logger: Logger;
  /** Online feature state for raw transactions: every raw transaction is recorded in it, scored or not. */
  readonly features: FeatureState;
  /** The wall clock that transaction times are checked against (tests pass a fixed one). */
  readonly now?: () => Date;
  /** The rules in force, run after the model (none when absent). */
  readonly rules?: RulesSource;
}

export interface ScoreStreamOptions extends Omit<ScoreOptions, 'source'> {
  readonly group: string;
  readonly batchSize: number;
  readonly maxRows: number;
  readonly maxSeconds: number;
  /** Keep consuming when the topic is drained (a long-lived consumer, e.g. `fraudflow score-stream --follow`) until `stop` fires. */
  readonly follow?: boolean;
  readonly stop?: AbortSignal;
}

export interface ScoreStreamSummary {
  readonly read: number;
  readonly scored: number;
  /** Messages the champion cannot score: another format than it was trained on. */
  readonly skipped: number;
  /** Messages that fail their schema, are dated too far ahead, or whose features cannot be computed: sent to `transactions.dlq`. */
  readonly dead_lettered: number;
  readonly fraud: number;
  readonly review: number;
  readonly legit: number;
  /** Labels from the `labels` topic applied to the online state in this run. */
  readonly labels_applied: number;
  readonly lag_left: number;
  readonly elapsed_ms: number;
}

interface Sorted {
  readonly kaggle: KaggleScoreRequest[];
  readonly raw: Scored[];
  readonly rawRows: number[][];
  readonly rawValues: RuleValues[];
  readonly dead: Array<{ record: LogRecord; reasons: string[]; schema: string | null }>;
  skipped: number;
}

/** Validates each record and computes raw features in order; what cannot be scored is dead-lettered, never retried. */
async function sortBatch(
  records: readonly LogRecord[],
  spec: string,
  ports: ScoreStreamPorts,
  maxSkewSeconds: number,
): Promise<Sorted> {
  const out: Sorted = { kaggle: [], raw: [], rawRows: [], rawValues: [], dead: [], skipped: 0 };
  const nowMs = (ports.now ?? (() => new Date()))().getTime();
  for (const record of records) {
    const checked = checkEnvelope(record.value);
    if (!checked.ok) {
      out.dead.push({ record, reasons: checked.reasons, schema: null });
      continue;
    }
    const ref = checked.envelope.schema;
    const schema = `${ref.name}/${ref.version}`;
    if (ref.name === 'raw') {
      const tx = checked.envelope.payload as unknown as RawTx;
      try {
        const refused = futureSkewProblem(tx.tx_datetime, nowMs, maxSkewSeconds);
        if (refused) {
          out.dead.push({ record, reasons: [`payload.${refused}`], schema });
          continue;
        }
        // Features from what was known before this transaction, then the transaction joins the state.
        // From an upload (trusted history): the label it may carry is recorded for later transactions' windows.
        const features = await scoringFeatures(tx, ports.features, { recordLabel: true });
        if (spec !== 'raw') out.skipped++;
        else {
          // The business id, as over HTTP: the same transaction gets one verdict id whichever path scored it.
          out.raw.push({ transaction_id: tx.transaction_id, customer_id: tx.customer_id });
          out.rawRows.push(features);
          out.rawValues.push(rawRuleValues(tx, features));
        }
      } catch (e) {
        // A typed, final error is this message's fault: dead-letter it. Anything else (the state is down) stops the run.
        if (!isFraudflowError(e) || e.retriable) throw e;
        out.dead.push({ record, reasons: [`${e.code}: ${e.message}`], schema });
      }
    } else if (ref.name === 'kaggle' && spec === 'kaggle') {
      // The verdict joins its transaction by the message id.
      out.kaggle.push({ ...(checked.envelope.payload as KaggleScoreRequest), transaction_id: checked.envelope.id });
    } else if (ref.name === 'kaggle') out.skipped++;
    else out.dead.push({ record, reasons: [`schema.name: ${ref.name} is not a transaction format`], schema });
  }
  return out;
}

export async function scoreStream(ports: ScoreStreamPorts, options: ScoreStreamOptions): Promise<ScoreStreamSummary> {
  const started = performance.now();
  const deadline = Date.now() + options.maxSeconds * 1000;
  const maxSkew = options.maxFutureSkewSeconds ?? DEFAULT_MAX_FUTURE_SKEW_SECONDS;
  const totals = { read: 0, scored: 0, skipped: 0, dead_lettered: 0, fraud: 0, review: 0, legit: 0 };
  const labelled = { applied: 0 };
  const consumer = await ports.eventLog.consumer(options.group, TOPICS.transactions);
  try {
    while (totals.read < options.maxRows && Date.now() < deadline && !options.stop?.aborted) {
      // Following, short waits keep a new transaction's verdict within milliseconds of its arrival.
      const records = await consumer.poll({
        maxRecords: Math.min(options.batchSize, options.maxRows - totals.read),
        maxWaitMs: options.follow ? 20 : 300,
      });
      if (records.length === 0) {
        if (!options.follow) break;
        labelled.applied += (await applyLabels(ports, `${options.group}.labels`)).applied;
        continue;
      }
      const spec = (await ports.model.manifest()).feature_spec.name;
      const batch = await sortBatch(records, spec, ports, maxSkew);
      const scoring = { ...options, source: 'score-stream' };
      const verdicts = [
        ...(batch.kaggle.length ? await scoreTransactions(batch.kaggle, ports, scoring) : []),
        ...(batch.raw.length
          ? await scoreRows(batch.raw, Float32Array.from(batch.rawRows.flat()), RAW_FEATURE_WIDTH, ports, scoring, {
              format: 'raw',
              values: batch.rawValues,
            })
          : []),
      ];
      if (batch.dead.length) await deadLetter(ports, batch.dead);
      // Committed only after the verdicts and dead letters are out: a crash redoes the batch, and their ids dedupe it.
      await consumer.commit(nextOffsets(records));
      totals.read += records.length;
      totals.scored += verdicts.length;
      totals.skipped += batch.skipped;
      totals.dead_lettered += batch.dead.length;
      for (const v of verdicts) totals[v.verdict]++;
    }
  } finally {
    await consumer.close();
  }
  // Labels that arrived reach the online state after the run's transactions are recorded (a label of a transaction
  // not recorded yet would change nothing), so later terminal risks count them as the offline features do.
  labelled.applied += (await applyLabels(ports, `${options.group}.labels`)).applied;
  const lag = lagOf(
    await ports.eventLog.describeTopic(TOPICS.transactions),
    await ports.eventLog.committedOffsets(options.group, TOPICS.transactions),
  );
  const summary = {
    ...totals,
    labels_applied: labelled.applied,
    lag_left: lag,
    elapsed_ms: Math.round(performance.now() - started),
  };
  ports.logger.info('score-stream done', summary);
  return summary;
}

async function deadLetter(ports: ScoreStreamPorts, dead: Sorted['dead']): Promise<void> {
  const at = (ports.now ?? (() => new Date()))().toISOString();
  ports.logger.warn('score-stream: messages dead-lettered', {
    count: dead.length,
    topic: TOPICS.transactionsDlq,
    first: dead
      .slice(0, 5)
      .map((d) => ({ partition: d.record.partition, offset: d.record.offset, reason: d.reasons[0] })),
  });
  try {
    await ports.eventLog.produce(
      TOPICS.transactionsDlq,
      dead.map((d) => deadLetterOf(d.record, d.reasons, d.schema, at)),
    );
  } catch (e) {
    throw wrapError(
      e,
      'EVENTLOG_UNAVAILABLE',
      `producing ${dead.length} dead letters to ${TOPICS.transactionsDlq} failed`,
      {
        topic: TOPICS.transactionsDlq,
      },
    );
  }
}
