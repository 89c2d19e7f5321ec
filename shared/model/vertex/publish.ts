// Publishing a registry version to Vertex AI: upload it as a Model (our serving container + its files in GCS), deploy it to the Endpoint.
import { v1 } from '@google-cloud/aiplatform';
import type { GoogleAuth } from 'google-auth-library';
import { FraudflowError, wrapError } from '../../errors.ts';
import type { ModelManifest } from '../../schema/model-manifest.ts';
import type { ModelPublisher, PublishedModel } from '../port.ts';

export interface VertexPublishOptions {
  readonly project: string;
  readonly location: string;
  readonly endpointId: string;
  /** The serving container (functions/model-server) in Artifact Registry. */
  readonly servingImage: string;
  readonly machineType: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** For tests: a local server speaking the Vertex REST API over plain HTTP. */
  readonly apiEndpoint?: string;
  readonly port?: number;
  readonly authClient?: GoogleAuth;
}

type ClientOptions = ConstructorParameters<typeof v1.ModelServiceClient>[0];

/** Vertex labels: lowercase letters, digits, - and _, at most 63 characters. */
const label = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '_')
    .slice(0, 63);

export class VertexModelPublisher implements ModelPublisher {
  readonly kind = 'vertex';
  private readonly models: v1.ModelServiceClient;
  private readonly endpoints: v1.EndpointServiceClient;
  private readonly parent: string;
  private readonly endpoint: string;

  constructor(private readonly o: VertexPublishOptions) {
    const local = o.apiEndpoint !== undefined;
    const options = {
      apiEndpoint: o.apiEndpoint ?? `${o.location}-aiplatform.googleapis.com`,
      // The REST transport (HTTP/1.1 + JSON): over plain http to a local server in tests.
      ...(local ? { port: o.port, protocol: 'http', fallback: true } : {}),
      ...(o.authClient ? { authClient: o.authClient } : {}),
    } as ClientOptions;
    this.models = new v1.ModelServiceClient(options);
    this.endpoints = new v1.EndpointServiceClient(options);
    this.parent = `projects/${o.project}/locations/${o.location}`;
    this.endpoint = `${this.parent}/endpoints/${o.endpointId}`;
  }

  async publish(manifest: ModelManifest, artifactUri: string): Promise<PublishedModel> {
    if (!artifactUri.startsWith('gs://')) {
      throw new FraudflowError(
        'CONFIG_INVALID',
        `vertex: the model files must be in Cloud Storage (set MODEL_BUCKET), not ${artifactUri}`,
        { artifactUri },
      );
    }
    const model = await this.upload(manifest, artifactUri);
    const deployedModelId = await this.deploy(manifest, model);
    const undeployed = await this.undeployOthers(deployedModelId);
    return { model, endpoint: this.endpoint, deployedModelId, undeployed };
  }

  private async upload(manifest: ModelManifest, artifactUri: string): Promise<string> {
    try {
      const [operation] = await this.models.uploadModel({
        parent: this.parent,
        model: {
          displayName: `fraudflow-${manifest.version}`,
          description: `fraudflow ${manifest.model} on ${manifest.feature_spec.name} features v${manifest.feature_spec.version}; validation AUPRC ${manifest.metrics.auprc}`,
          artifactUri,
          containerSpec: {
            imageUri: this.o.servingImage,
            predictRoute: '/predict',
            healthRoute: '/health',
            ports: [{ containerPort: 8080 }],
          },
          labels: {
            fraudflow_version: label(manifest.version),
            fraudflow_features: label(`${manifest.feature_spec.name}-v${manifest.feature_spec.version}`),
          },
        },
      });
      const [response] = await operation.promise();
      if (!response.model) throw new Error('the upload finished without a model name');
      return response.model;
    } catch (e) {
      throw wrapError(e, 'MODEL_UNAVAILABLE', `vertex: uploading model ${manifest.version} to ${this.parent} failed`, {
        version: manifest.version,
        artifactUri,
      });
    }
  }

  private async deploy(manifest: ModelManifest, model: string): Promise<string> {
    try {
      const [operation] = await this.endpoints.deployModel({
        endpoint: this.endpoint,
        deployedModel: {
          model,
          displayName: `fraudflow-${manifest.version}`,
          dedicatedResources: {
            machineSpec: { machineType: this.o.machineType },
            minReplicaCount: this.o.minReplicas,
            maxReplicaCount: this.o.maxReplicas,
          },
        },
        // "0" is the model being deployed: it takes all the traffic once ready.
        trafficSplit: { '0': 100 },
      });
      const [response] = await operation.promise();
      const id = response.deployedModel?.id;
      if (!id) throw new Error('the deployment finished without a deployed model id');
      return id;
    } catch (e) {
      throw wrapError(e, 'MODEL_UNAVAILABLE', `vertex: deploying ${model} to ${this.endpoint} failed`, {
        version: manifest.version,
        model,
      });
    }
  }

  /** Older deployments get no traffic any more but still cost their replicas: take them off. */
  private async undeployOthers(keep: string): Promise<string[]> {
    try {
      const [endpoint] = await this.endpoints.getEndpoint({ name: this.endpoint });
      const others = (endpoint.deployedModels ?? []).map((d) => d.id).filter((id): id is string => !!id && id !== keep);
      for (const id of others) {
        const [operation] = await this.endpoints.undeployModel({
          endpoint: this.endpoint,
          deployedModelId: id,
          trafficSplit: { [keep]: 100 },
        });
        await operation.promise();
      }
      return others;
    } catch (e) {
      throw wrapError(
        e,
        'MODEL_UNAVAILABLE',
        `vertex: taking older models off ${this.endpoint} failed (the new one serves)`,
        { keep },
      );
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.models.close(), this.endpoints.close()]);
  }
}
