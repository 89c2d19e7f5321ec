// How each folder of functions/ is deployed: a Cloud Run function (entry point, trigger, what it touches) or a serving container image.

/** What starts a function. Anything but `http` is registered with `ff.cloudEvent`; `http` with `ff.http`. */
export type Trigger =
  /** Eventarc direct event: an object finalized in the uploads bucket. */
  | { readonly kind: 'storage-finalized'; readonly bucket: 'uploads' }
  /** Cloud Scheduler publishes to a Pub/Sub topic; Eventarc delivers it as a CloudEvent. */
  | { readonly kind: 'schedule' }
  | { readonly kind: 'http' };

/** The external systems a function touches, and how: the only input from which least privilege is derived. */
export interface Uses {
  /** Produces to or consumes from Kafka topics (brokers plus the SASL secrets). */
  readonly kafka?: true;
  readonly uploads?: 'read';
  readonly models?: 'read' | 'write';
  readonly warehouse?: 'read' | 'write';
  /** Scores through the Vertex AI endpoint (`serve`), or publishes each new champion to it (`publish`). */
  readonly vertex?: 'serve' | 'publish';
  /** Checks callers' API key (a Secret Manager secret mounted as FRAUDFLOW_API_KEY). */
  readonly apiKey?: true;
}

export interface FunctionDescriptor {
  /** The folder under functions/ (also the suffix of the function, service account and tick topic names). */
  readonly folder: string;
  /** The name given to functions-framework in the folder's index.ts. */
  readonly entryPoint: string;
  readonly trigger: Trigger;
  readonly uses: Uses;
  /** Drains topics for a bounded time per invocation: the drain window follows the function timeout. */
  readonly drains?: true;
}

export const FUNCTIONS: readonly FunctionDescriptor[] = [
  {
    folder: 'ingest',
    entryPoint: 'ingest',
    trigger: { kind: 'storage-finalized', bucket: 'uploads' },
    uses: { kafka: true, uploads: 'read' },
  },
  {
    folder: 'sink',
    entryPoint: 'sink',
    trigger: { kind: 'schedule' },
    uses: { kafka: true, warehouse: 'write' },
    drains: true,
  },
  {
    folder: 'retrain',
    entryPoint: 'retrain',
    trigger: { kind: 'schedule' },
    uses: { warehouse: 'read', models: 'write', vertex: 'publish' },
  },
  {
    folder: 'score',
    entryPoint: 'score',
    trigger: { kind: 'http' },
    uses: { kafka: true, models: 'read', vertex: 'serve', apiKey: true },
  },
  {
    folder: 'score-stream',
    entryPoint: 'score-stream',
    trigger: { kind: 'schedule' },
    uses: { kafka: true, models: 'read', vertex: 'serve' },
    drains: true,
  },
  {
    folder: 'review',
    entryPoint: 'review',
    trigger: { kind: 'http' },
    // Reads the day's verdicts from the warehouse; an analyst's labels go to the `labels` topic.
    uses: { kafka: true, warehouse: 'read', apiKey: true },
  },
];

/** A folder built into a container image instead: Vertex AI runs it for each published champion. */
export interface ContainerDescriptor {
  readonly folder: string;
  /** Image name in the Artifact Registry repository. */
  readonly image: string;
  /** The built module the image runs with `node`. */
  readonly main: string;
}

export const CONTAINERS: readonly ContainerDescriptor[] = [
  { folder: 'model-server', image: 'model-server', main: 'dist/functions/model-server/index.js' },
];

export const signatureOf = (fn: FunctionDescriptor): 'http' | 'cloudevent' =>
  fn.trigger.kind === 'http' ? 'http' : 'cloudevent';

export function descriptor(folder: string): FunctionDescriptor {
  const fn = FUNCTIONS.find((f) => f.folder === folder);
  if (!fn)
    throw new Error(`no Cloud Run function descriptor for functions/${folder}: add one to deploy/plan/functions.ts`);
  return fn;
}
