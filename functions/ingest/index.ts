// Entry points of ingest: the Cloud Storage CloudEvent handler and the CLI's file source; thin over the core.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as ff from '@google-cloud/functions-framework';
import { FraudflowError } from '../../shared/errors.ts';
import { CLOUDEVENT_TYPES, notBehindEdge, type FunctionRoute } from '../../shared/http/function-route.ts';
import { processRuntime, type Runtime } from '../../shared/runtime.ts';
import { TOPICS } from '../../shared/topics.ts';
import { ingest, type IngestOptions, type IngestSource, type IngestSummary } from './ingest.ts';
import { inlineEncoder, workerEncoder, type Encoder } from './encoder-pool.ts';
import { COLUMN_MAP_METADATA, StorageObjectData } from './storage-event.ts';
import { parseColumnMap } from '../../shared/schema/header.ts';
import { answerIngest } from './http.ts';

export function fileSource(path: string): IngestSource {
  return {
    name: path,
    open: async () => {
      const s = await stat(path).catch((e: unknown) => {
        throw new FraudflowError(
          'FILE_UNREADABLE',
          `${path}: cannot read the file (${(e as Error).message})`,
          { file: path },
          { cause: e },
        );
      });
      if (!s.isFile()) throw new FraudflowError('FILE_UNREADABLE', `${path}: not a regular file`, { file: path });
      return createReadStream(path, { highWaterMark: 1 << 20 });
    },
  };
}

/** One encoder pool per runtime (per function instance), started on first use and stopped when the runtime closes. */
const encoders = new WeakMap<Runtime, Encoder>();
function encoderOf(rt: Runtime): Encoder {
  let encoder = encoders.get(rt);
  if (!encoder) {
    encoder = rt.config.ingestWorkers > 0 ? workerEncoder(rt.config.ingestWorkers) : inlineEncoder;
    encoders.set(rt, encoder);
    rt.onClose(() => encoder!.close());
  }
  return encoder;
}

export async function ingestWith(
  rt: Runtime,
  source: IngestSource,
  extra: Partial<IngestOptions> = {},
): Promise<IngestSummary> {
  const ports = {
    eventLog: await rt.eventLog(),
    logger: rt.logger.child({ function: 'ingest' }),
    encoder: encoderOf(rt),
  };
  return ingest(source, ports, {
    topic: TOPICS.transactions,
    topicFor: (format) => (format === 'label' ? TOPICS.labels : undefined),
    batchSize: rt.config.ingestBatch,
    maxRecordBytes: rt.config.maxRecordBytes,
    maxDecompressedBytes: rt.config.maxDecompressedBytes,
    ...extra,
  });
}

/** Eventarc: google.cloud.storage.object.v1.finalized on the uploads bucket. */
export async function onObjectFinalized(rt: Runtime, data: unknown): Promise<IngestSummary> {
  const parsed = StorageObjectData.safeParse(data);
  if (!parsed.success) {
    throw new FraudflowError(
      'INPUT_INVALID',
      `ingest: not a Cloud Storage object event: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  const { bucket, name, metadata } = parsed.data;
  const store = rt.uploadsIn(bucket);
  const map = metadata?.[COLUMN_MAP_METADATA];
  return ingestWith(
    rt,
    { name: `gs://${bucket}/${name}`, open: () => store.read(name) },
    map === undefined ? {} : { columnMap: parseColumnMap(map) },
  );
}

/**
 * Served behind the HTTP edge (shared/http), in `fraudflow dev` and deployed. The status is ours: a client error
 * (missing object, bad format) answers 4xx and Eventarc does not retry it; only what a retry can fix answers 5xx.
 */
export const ingestRoute: FunctionRoute = {
  name: 'ingest',
  policy: () => ({
    methods: ['POST'],
    contentTypes: CLOUDEVENT_TYPES,
    maxBodyBytes: processRuntime().config.eventMaxBodyBytes,
  }),
  handle: (req) => {
    const rt = processRuntime();
    return answerIngest((data) => onObjectFinalized(rt, data), req.headers, req.json, rt.logger);
  },
};

ff.cloudEvent('ingest', () => {
  throw notBehindEdge('ingest');
});
