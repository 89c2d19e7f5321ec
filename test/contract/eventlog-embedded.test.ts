// Runs the event-log contract against the embedded SQLite log.
import { join } from 'node:path';
import { EmbeddedEventLog } from '../../shared/eventlog/embedded/embedded.ts';
import { tempDir } from '../helpers/tmp.ts';
import { eventLogContract } from './eventlog.contract.ts';

const dir = tempDir('fraudflow-embedded-');
eventLogContract('embedded (SQLite WAL)', {
  open: async () => new EmbeddedEventLog({ path: join(dir.path, 'log.sqlite') }),
  teardown: async () => dir.cleanup(),
});
