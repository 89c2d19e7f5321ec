// The score-stream core: new transactions from the topic, scored in batches, verdicts published, offsets committed after.
import type { Logger } from '../../shared/logger.ts';
import { lagOf, nextOffsets, type EventLog } from '../../shared/eventlog/port.ts';
import { checkEnvelope } from '../../shared/schema/registry.ts';
import { TOPICS } from '../../shared/topics.ts';
import type { ModelEndpoint } from '../../shared/model/port.ts';
import type { KaggleScoreRequest } from '../score/request.ts';
import { scoreRows, scoreTransactions, type ScoreOptions, type Scored } from '../score/score.ts';
import type { FeatureState } from '../../shared/features/raw/state-port.ts';
import { RAW_FEATURE_WIDTH, scoringFeatures, type RawTx } from '../../shared/features/raw/compute.ts';

export interface ScoreStreamPorts {
  readonly eventLog: EventLog;
  readonly model: ModelEndpoint;
  readonly logger: Logger;
  /** Online feature state for raw transactions: every raw transaction is recorded in it, scored or not. */
  readonly features: FeatureState;
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
  /** Messages the champion cannot score (another format than it was trained on) or that fail their schema. */
  readonly skipped: number;
  readonly fraud: number;
  readonly review: number;
  readonly legit: number;
  readonly lag_left: number;
  readonly elapsed_ms: number;
}

export async function scoreStream(ports: ScoreStreamPorts, options: ScoreStreamOptions): Promise<ScoreStreamSummary> {
  const started = performance.now();
  const deadline = Date.now() + options.maxSeconds * 1000;
  const totals = { read: 0, scored: 0, skipped: 0, fraud: 0, review: 0, legit: 0 };
  const consumer = await ports.eventLog.consumer(options.group, TOPICS.transactions);
  try {
    while (totals.read < options.maxRows && Date.now() < deadline && !options.stop?.aborted) {
      // Following, short waits keep a new transaction's verdict within milliseconds of its arrival.
      const records = await consumer.poll({
        maxRecords: Math.min(options.batchSize, options.maxRows - totals.read),
        maxWaitMs: options.follow ? 20 : 300,
      });
      if (records.length === 0) {
        if (options.follow) continue;
        break;
      }
      const spec = (await ports.model.manifest()).feature_spec.name;
      const txs: KaggleScoreRequest[] = [];
      const raw: Scored[] = [];
      const rawRows: number[][] = [];
      for (const r of records) {
        const checked = checkEnvelope(r.value);
        if (!checked.ok) {
          totals.skipped++;
          continue;
        }
        const name = checked.envelope.schema.name;
        if (name === 'raw') {
          // Features from what was known before this transaction, then the transaction joins the state.
          const tx = checked.envelope.payload as unknown as RawTx;
          const features = await scoringFeatures(tx, ports.features);
          if (spec === 'raw') {
            // The business id, as over HTTP: the same transaction gets one verdict id whichever path scored it.
            raw.push({ transaction_id: tx.transaction_id, customer_id: tx.customer_id });
            rawRows.push(features);
          } else totals.skipped++;
        } else if (name === 'kaggle' && spec === 'kaggle') {
          // The verdict joins its transaction by the message id.
          txs.push({ ...(checked.envelope.payload as KaggleScoreRequest), transaction_id: checked.envelope.id });
        } else totals.skipped++;
      }
      const verdicts = [
        ...(txs.length ? await scoreTransactions(txs, ports, { ...options, source: 'score-stream' }) : []),
        ...(raw.length
          ? await scoreRows(raw, Float32Array.from(rawRows.flat()), RAW_FEATURE_WIDTH, ports, {
              ...options,
              source: 'score-stream',
            })
          : []),
      ];
      // Committed only after the verdicts are published: a crash re-scores the batch, and verdict ids dedupe it.
      await consumer.commit(nextOffsets(records));
      totals.read += records.length;
      totals.scored += verdicts.length;
      for (const v of verdicts) totals[v.verdict]++;
    }
  } finally {
    await consumer.close();
  }
  const lag = lagOf(
    await ports.eventLog.describeTopic(TOPICS.transactions),
    await ports.eventLog.committedOffsets(options.group, TOPICS.transactions),
  );
  const summary = { ...totals, lag_left: lag, elapsed_ms: Math.round(performance.now() - started) };
  ports.logger.info('score-stream done', summary);
  return summary;
}
