// Entry points of sink: the Cloud Scheduler -> Pub/Sub CloudEvent handler and the CLI; thin over the core.
import * as ff from '@google-cloud/functions-framework';
import { processRuntime, type Runtime } from '../../shared/runtime.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { cloudEventRoute, notBehindEdge } from '../../shared/http/function-route.ts';
import { sink, type SinkOptions, type TopicSummary } from './sink.ts';
import { SINK_GROUP, SINK_ROUTES } from './routes.ts';

export async function sinkWith(rt: Runtime, overrides: Partial<SinkOptions> = {}): Promise<TopicSummary[]> {
  const ports = {
    eventLog: await rt.eventLog(),
    warehouse: await rt.warehouse(),
    logger: rt.logger.child({ function: 'sink' }),
  };
  const routes = overrides.routes ?? SINK_ROUTES;
  if (routes.length === 0) throw new FraudflowError('INPUT_INVALID', 'sink: no topics to drain');
  const run = () =>
    sink(ports, {
      routes,
      group: SINK_GROUP,
      batchSize: rt.config.sink.batch,
      batchBytes: rt.config.sinkBatchBytes,
      maxRows: rt.config.sink.maxRows,
      maxSeconds: rt.config.sink.maxSeconds,
      ...overrides,
    });
  // The sink's own bound on DuckDB's memory (FRAUDFLOW_SINK_DUCKDB_MEMORY_LIMIT): its batches need little, retrain more.
  const limit = rt.config.sink.duckdbMemoryLimit;
  return ports.warehouse.withMemoryLimit ? ports.warehouse.withMemoryLimit(limit, run) : run();
}

/** Cloud Scheduler publishes to a Pub/Sub topic every minute; the message body is not used. */
export const sinkRoute = cloudEventRoute(
  'sink',
  () => processRuntime().config.eventMaxBodyBytes,
  () => sinkWith(processRuntime()),
);

ff.cloudEvent('sink', () => {
  throw notBehindEdge('sink');
});
