// Pipeline steps both demo paths share: an ingest with a progress bar, the scorer moved past the history, the last-run figures.
import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileSource, ingestWith } from '../../functions/ingest/index.ts';
import { sinkWith } from '../../functions/sink/index.ts';
import type { TopicSummary } from '../../functions/sink/sink.ts';
import type { IngestSummary } from '../../functions/ingest/ingest.ts';
import type { Runtime } from '../../shared/runtime.ts';
import { TOPICS } from '../../shared/topics.ts';
import { progressBar } from '../progress.ts';
import { lastRunFile, type StageFigure } from '../report/data.ts';

export const SCORE_GROUP = 'fraudflow-score-stream';

export async function ingestWithBar(rt: Runtime, file: string, label: string): Promise<IngestSummary> {
  const bar = progressBar(label, statSync(file).size, 'bytes');
  try {
    return await ingestWith(rt, fileSource(file), { onProgress: (p) => bar.update(p.bytes) });
  } finally {
    bar.stop();
  }
}

/** Moves the score-stream group past everything already on the topic: only what arrives later is "live". */
export async function skipHistory(rt: Runtime): Promise<void> {
  const log = await rt.eventLog();
  const consumer = await log.consumer(SCORE_GROUP, TOPICS.transactions);
  await consumer.poll({ maxRecords: 1, maxWaitMs: 500 });
  const info = await log.describeTopic(TOPICS.transactions);
  await consumer.commit(info.partitions.map((p) => ({ partition: p.partition, offset: p.highWatermark })));
  await consumer.close();
}

export const perS = (rows: number, ms: number) => Math.round(rows / Math.max(ms / 1000, 1e-3));

/** The stage throughputs the report's "last run" chart shows. */
export async function writeLastRun(rt: Runtime, stages: StageFigure[]): Promise<void> {
  await writeFile(lastRunFile(rt), JSON.stringify({ at: new Date().toISOString(), stages }, null, 2));
}

/** Sink runs until every topic is drained (one run stops at FRAUDFLOW_SINK_MAX_SECONDS); one topic's totals back. */
export async function sinkDrained(rt: Runtime, topic: string): Promise<TopicSummary> {
  let total: TopicSummary | undefined;
  for (;;) {
    const runs = await sinkWith(rt);
    const t = runs.find((r) => r.topic === topic)!;
    total = total
      ? {
          ...t,
          rows: total.rows + t.rows,
          inserted: total.inserted + t.inserted,
          elapsed_ms: total.elapsed_ms + t.elapsed_ms,
        }
      : t;
    if (runs.every((r) => r.lag_left === 0)) return total;
  }
}
