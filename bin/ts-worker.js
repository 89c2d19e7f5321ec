// Boots a worker thread whose code is TypeScript: registers tsx's loader, then imports workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
