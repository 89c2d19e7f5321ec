// The score-stream core: new transactions from the topic, scored in batches, verdicts published, bad messages dead-lettered, offsets committed after.
import { lagOf, nextOffsets } from '../../shared/eventlog/port.ts';
import { TOPICS } from '../../shared/topics.ts';
import type { ScoreOptions } from '../../shared/scoring/score.ts';
import { applyLabels } from './labels.ts';
import { DEFAULT_MAX_FUTURE_SKEW_SECONDS } from '../../shared/schema/limits.ts';
import { placeOf } from './dead-letter.ts';
import { scoreBatchOf, type BatchPorts } from './batch.ts';

export type ScoreStreamPorts = Omit<BatchPorts, 'verdicts'>;

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
  /** Another run held the consumer group: this one read nothing and left the work to it. */
  readonly busy: boolean;
}

export async function scoreStream(ports: ScoreStreamPorts, options: ScoreStreamOptions): Promise<ScoreStreamSummary> {
  const started = performance.now();
  const deadline = Date.now() + options.maxSeconds * 1000;
  const maxSkew = options.maxFutureSkewSeconds ?? DEFAULT_MAX_FUTURE_SKEW_SECONDS;
  const totals = { read: 0, scored: 0, skipped: 0, dead_lettered: 0, fraud: 0, review: 0, legit: 0 };
  const labelled = { applied: 0 };
  // A tick that joined a group another run holds would force a rebalance and wait it out for nothing: the other run
  // reads what there is, and commit-after-write makes either outcome correct. A follower always joins.
  if (!options.follow && (await ports.eventLog.activeMembers(options.group, TOPICS.transactions)) > 0)
    return busySummary(ports, options.group, started);
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
      const batch = await scoreBatchOf(
        records.map((r) => ({ value: r.value, place: placeOf(r) })),
        ports,
        { ...options, maxFutureSkewSeconds: maxSkew, source: 'score-stream' },
      );
      // Committed only after the verdicts and dead letters are out: a crash redoes the batch, and their ids dedupe it.
      await consumer.commit(nextOffsets(records));
      totals.read += records.length;
      totals.scored += batch.verdicts.length;
      totals.skipped += batch.skipped;
      totals.dead_lettered += batch.dead_lettered;
      for (const v of batch.verdicts) totals[v.verdict]++;
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
    busy: false,
  };
  ports.logger.info('score-stream done', summary);
  return summary;
}

async function busySummary(ports: ScoreStreamPorts, group: string, started: number): Promise<ScoreStreamSummary> {
  const lag = lagOf(
    await ports.eventLog.describeTopic(TOPICS.transactions),
    await ports.eventLog.committedOffsets(group, TOPICS.transactions),
  );
  const summary = {
    ...{ read: 0, scored: 0, skipped: 0, dead_lettered: 0, fraud: 0, review: 0, legit: 0, labels_applied: 0 },
    lag_left: lag,
    elapsed_ms: Math.round(performance.now() - started),
    busy: true,
  };
  ports.logger.info('score-stream: another run holds the consumer group; nothing to do here', { group, ...summary });
  return summary;
}
