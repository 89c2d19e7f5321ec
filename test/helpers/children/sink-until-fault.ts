// Child process for the sink kill -9 test: the sink core on the runtime's adapters, with a fault port that announces
// the point on stderr and hangs there until the test kills the process. Usage: sink-until-fault.ts <point> <topic>.
import { processRuntime } from '../../../shared/runtime.ts';
import { sink, type FaultPoint } from '../../../functions/sink/sink.ts';
import { SINK_GROUP, SINK_ROUTES } from '../../../functions/sink/routes.ts';

const [wanted, topic] = process.argv.slice(2) as [FaultPoint, string];
const fault = async (point: FaultPoint, at: string): Promise<void> => {
  if (point !== wanted) return;
  process.stderr.write(`FAULT ${point} ${at}\n`);
  await new Promise(() => setInterval(() => undefined, 1 << 30));
};
const rt = processRuntime();
await sink(
  { eventLog: await rt.eventLog(), warehouse: await rt.warehouse(), logger: rt.logger, fault },
  {
    routes: SINK_ROUTES.filter((r) => r.topic === topic),
    group: SINK_GROUP,
    batchSize: rt.config.sink.batch,
    batchBytes: rt.config.sinkBatchBytes,
    maxRows: rt.config.sink.maxRows,
    maxSeconds: rt.config.sink.maxSeconds,
  },
);
process.stderr.write('NO FAULT\n');
process.exit(1);
