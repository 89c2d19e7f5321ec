// The score-stream core: new transactions from the topic, scored in batches, verdicts published, offsets committed after.
import type { Logger } from '../../shared/logger.ts';
import { lagOf, nextOffsets, type EventLog } from '../../shared/eventlog/port.ts';
import { checkEnvelope } from '../../shared/schema/registry.ts';
import { TOPICS } from '../../shared/topics.ts';
import type { ModelEndpoint } from '../../shared/model/endpoint.ts';
import type { KaggleScoreRequest } from '../score/request.ts';
import { scoreTransactions, type ScoreOptions } from '../score/score.ts';

export interface ScoreStreamPorts {
  readonly eventLog: EventLog;
  readonly model: ModelEndpoint;
  readonly logger: Logger;
}

export interface ScoreStreamOptions extends Omit<ScoreOptions, 'source'> {
  readonly group: string;
  readonly batchSize: number;
  readonly maxRows: number;
  readonly maxSeconds: number;
}

export interface ScoreStreamSummary {
  readonly read: number;
  readonly scored: number;
  /** Messages this scorer cannot score yet (raw-format rows need the online feature store) or that fail their schema. */
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
    while (totals.read < options.maxRows && Date.now() < deadline) {
      const records = await consumer.poll({ maxRecords: Math.min(options.batchSize, options.maxRows - totals.read), maxWaitMs: 300 });
      if (records.length === 0) break;
      const txs: KaggleScoreRequest[] = [];
      for (const r of records) {
        const checked = checkEnvelope(r.value);
        if (!checked.ok || checked.envelope.schema.name !== 'kaggle') {
          totals.skipped++;
          continue;
        }
        // The verdict joins its transaction by the message id.
        txs.push({ ...(checked.envelope.payload as KaggleScoreRequest), transaction_id: checked.envelope.id });
      }
      const verdicts = await scoreTransactions(txs, ports, { ...options, source: 'score-stream' });
      // Committed only after the verdicts are published: a crash re-scores the batch, and verdict ids dedupe it.
      await consumer.commit(nextOffsets(records));
      totals.read += records.length;
      totals.scored += verdicts.length;
      for (const v of verdicts) totals[v.verdict]++;
    }
  } finally {
    await consumer.close();
  }
  const lag = lagOf(await ports.eventLog.describeTopic(TOPICS.transactions), await ports.eventLog.committedOffsets(options.group, TOPICS.transactions));
  const summary = { ...totals, lag_left: lag, elapsed_ms: Math.round(performance.now() - started) };
  ports.logger.info('score-stream done', summary);
  return summary;
}
