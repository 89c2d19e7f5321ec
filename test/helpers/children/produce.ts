// Child process for the embedded-log process tests: produces numbered batches and prints each acknowledgement.
import { EmbeddedEventLog } from '../../../shared/eventlog/embedded/embedded.ts';

const [path, topic, name, batchesArg, sizeArg] = process.argv.slice(2);
const batches = Number(batchesArg);
const size = Number(sizeArg);
const log = new EmbeddedEventLog({ path: path!, synchronous: 'FULL' });
for (let b = 0; b < batches; b++) {
  const messages = Array.from({ length: size }, (_, i) => ({
    key: `${name}-${(b * size + i) % 97}`,
    value: `${name}:${b * size + i}`,
  }));
  await log.produce(topic!, messages);
  process.stdout.write(`acked ${name} ${(b + 1) * size}\n`);
}
await log.close();
