// The model endpoint on Vertex AI: online prediction through @google-cloud/aiplatform, with a deadline.
//
// The champion is served by a custom container that speaks Vertex's prediction protocol (instances in,
// predictions out) and applies the model's own scaler; the request carries raw feature rows.
import { v1 } from '@google-cloud/aiplatform';
import type { GoogleAuth } from 'google-auth-library';
import { FraudflowError, wrapError } from '../../errors.ts';
import type { ModelManifest } from '../../schema/model-manifest.ts';
import type { ModelEndpoint, ModelHold, Prediction, Reasons } from '../port.ts';
import { manifestHold } from '../hold.ts';

export interface VertexOptions {
  readonly project: string;
  readonly location: string;
  readonly endpointId: string;
  /** The manifest of the model deployed there (threshold, feature spec), read from the registry. */
  readonly manifest: () => Promise<ModelManifest>;
  readonly timeoutMs: number;
  /** For tests: a local server speaking the Vertex REST API over plain HTTP. */
  readonly apiEndpoint?: string;
  readonly port?: number;
  readonly authClient?: GoogleAuth;
}

interface ProtoValue {
  numberValue?: number;
  listValue?: { values?: ProtoValue[] };
}

/** Resolves with `p`, or fails with TIMEOUT after `ms` (the gax REST transport does not enforce call timeouts). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new FraudflowError('TIMEOUT', `${what} did not answer within ${ms} ms`, { timeoutMs: ms })),
      ms,
    );
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

export class VertexModelEndpoint implements ModelEndpoint {
  readonly kind = 'vertex';
  private readonly client: v1.PredictionServiceClient;
  private readonly endpoint: string;

  constructor(private readonly options: VertexOptions) {
    const local = options.apiEndpoint !== undefined;
    this.client = new v1.PredictionServiceClient({
      apiEndpoint: options.apiEndpoint ?? `${options.location}-aiplatform.googleapis.com`,
      ...(local ? { port: options.port, protocol: 'http', fallback: true } : {}),
      ...(options.authClient ? { authClient: options.authClient } : {}),
    } as ConstructorParameters<typeof v1.PredictionServiceClient>[0]);
    this.endpoint = `projects/${options.project}/locations/${options.location}/endpoints/${options.endpointId}`;
  }

  manifest(): Promise<ModelManifest> {
    return this.options.manifest();
  }

  async predict(rows: Float32Array, width: number): Promise<Prediction> {
    return this.predictAs(await this.manifest(), rows, width);
  }

  /** The manifest read once for a whole scoring (features by its spec, threshold and version from it). */
  async hold(): Promise<ModelHold> {
    const manifest = await this.manifest();
    return manifestHold(this, manifest, (rows, width) => this.predictAs(manifest, rows, width));
  }

  private async predictAs(manifest: ModelManifest, rows: Float32Array, width: number): Promise<Prediction> {
    const n = rows.length / width;
    const names = manifest.feature_spec.names;
    // Each instance is an object of named features: the REST transport encodes a protobuf Struct faithfully
    // (a ListValue it turns into an object keyed by index).
    const instances = Array.from({ length: n }, (_, r) => ({
      structValue: {
        fields: Object.fromEntries(names.map((name, f) => [name, { numberValue: rows[r * width + f]! }])),
      },
    }));
    let response;
    try {
      [response] = await within(
        this.client.predict({ endpoint: this.endpoint, instances }, { timeout: this.options.timeoutMs }),
        this.options.timeoutMs,
        `vertex endpoint ${this.endpoint}`,
      );
    } catch (e) {
      throw wrapError(e, 'MODEL_UNAVAILABLE', `vertex: prediction on ${this.endpoint} failed`, {
        endpoint: this.endpoint,
        timeoutMs: this.options.timeoutMs,
      });
    }
    const predictions = (response.predictions ?? []) as ProtoValue[];
    if (predictions.length !== n)
      throw new FraudflowError('MODEL_UNAVAILABLE', `vertex: ${predictions.length} predictions for ${n} instances`, {
        endpoint: this.endpoint,
      });
    const scores = Float32Array.from(
      predictions,
      (p) => p.numberValue ?? p.listValue?.values?.[0]?.numberValue ?? Number.NaN,
    );
    if (scores.some((s) => !Number.isFinite(s)))
      throw new FraudflowError('MODEL_UNAVAILABLE', 'vertex: a prediction is not a number', {
        endpoint: this.endpoint,
      });
    return { scores, manifest };
  }

  async explain(_rows: Float32Array, _width: number, _top: number): Promise<Reasons[]> {
    // Occlusion would multiply the remote calls by the number of features: reasons stay empty on Vertex.
    return Array.from({ length: _rows.length / _width }, () => []);
  }
}
