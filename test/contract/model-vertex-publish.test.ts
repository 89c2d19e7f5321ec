// Publishing a version to Vertex AI through the official client (REST fallback) against a local server: upload, deploy, old ones off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAuth } from '../helpers/fake-auth.ts';
import { join } from 'node:path';
import { VertexModelPublisher } from '../../shared/model/vertex/publish.ts';
import { ObjectStoreRegistry } from '../../shared/model/registry/objectstore/registry.ts';
import { LocalObjectStore } from '../../shared/objectstore/local/local.ts';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { silentLogger } from '../../shared/logger.ts';
import { switchChampion } from '../../shared/model/champion.ts';
import { tempDir } from '../helpers/tmp.ts';
import { startFakeVertexControl, type FakeVertexControl } from '../helpers/fake-vertex-control.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';

let fake: FakeVertexControl;
let pub: VertexModelPublisher;
beforeAll(async () => {
  fake = await startFakeVertexControl(['8001']);
  // One publisher for the file: building the clients loads Vertex's protos, which is slow on shared cores.
  pub = publisher();
});
afterAll(async () => {
  await pub.close();
  await fake.close();
});

function publisher(): VertexModelPublisher {
  return new VertexModelPublisher({
    project: 'proj',
    location: 'europe-west1',
    endpointId: '123',
    servingImage: 'europe-docker.pkg.dev/proj/fraudflow/model-server:1',
    machineType: 'n1-standard-2',
    minReplicas: 1,
    maxReplicas: 2,
    apiEndpoint: '127.0.0.1',
    port: fake.port,
    authClient: fakeAuth('proj'),
  });
}

describe('Vertex AI model publishing', () => {
  it('uploads the version with our serving container, deploys it with all traffic, and takes the older deployment off', async () => {
    const published = await pub.publish(
      tinyManifest('20261125T010000-mlp'),
      'gs://models-bucket/models/versions/20261125T010000-mlp',
    );
    const upload = fake.calls.find((c) => c.path === '/v1/projects/proj/locations/europe-west1/models:upload')!;
    expect(upload.method).toBe('POST');
    expect(upload.body).toMatchObject({
      model: {
        displayName: 'fraudflow-20261125T010000-mlp',
        artifactUri: 'gs://models-bucket/models/versions/20261125T010000-mlp',
        containerSpec: {
          imageUri: 'europe-docker.pkg.dev/proj/fraudflow/model-server:1',
          predictRoute: '/predict',
          healthRoute: '/health',
          ports: [{ containerPort: 8080 }],
        },
        labels: { fraudflow_version: '20261125t010000-mlp', fraudflow_features: 'kaggle-v1' },
      },
    });
    const deploy = fake.calls.find(
      (c) => c.path === '/v1/projects/proj/locations/europe-west1/endpoints/123:deployModel',
    )!;
    expect(deploy.body).toMatchObject({
      deployedModel: {
        model: published.model,
        displayName: 'fraudflow-20261125T010000-mlp',
        dedicatedResources: { machineSpec: { machineType: 'n1-standard-2' }, minReplicaCount: 1, maxReplicaCount: 2 },
      },
      trafficSplit: { 0: 100 },
    });
    // Both long-running operations were polled until done.
    expect(fake.calls.filter((c) => c.method === 'GET' && /\/operations\/\d+$/.test(c.path))).toHaveLength(2);
    const undeploy = fake.calls.find((c) => c.path.endsWith(':undeployModel'))!;
    expect(undeploy.path).toBe('/v1/projects/proj/locations/europe-west1/endpoints/123:undeployModel');
    expect(undeploy.body).toEqual({ deployedModelId: '8001', trafficSplit: { [published.deployedModelId]: 100 } });
    expect(published).toEqual({
      model: expect.stringMatching(/^projects\/proj\/locations\/europe-west1\/models\/\d+$/),
      endpoint: 'projects/proj/locations/europe-west1/endpoints/123',
      deployedModelId: fake.deployed[0],
      undeployed: ['8001'],
    });
    expect(fake.deployed).toEqual([published.deployedModelId]);
  });

  it('refuses model files that are not in Cloud Storage, before calling Vertex', async () => {
    const before = fake.calls.length;
    await expect(pub.publish(tinyManifest('v2'), '/var/models/versions/v2')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    expect(fake.calls.length).toBe(before);
  });

  it('fails with a typed error naming the step when Vertex refuses', async () => {
    fake.refuse = /:deployModel$/;
    try {
      await expect(pub.publish(tinyManifest('v3'), 'gs://b/versions/v3')).rejects.toMatchObject({
        code: 'MODEL_UNAVAILABLE',
        message: expect.stringMatching(
          /^vertex: deploying projects\/proj\/locations\/europe-west1\/models\/\d+ to .*endpoints\/123 failed: .*Permission denied/,
        ),
      });
    } finally {
      fake.refuse = null;
    }
  });

  it('moves the champion pointer only once Vertex serves the new model, and publishes the target of a rollback', async () => {
    await tfReady();
    const dir = tempDir('fraudflow-publish-');
    // The registry as it is in the cloud: files in a bucket, so Vertex gets a gs:// artifact URI.
    class InBucket extends LocalObjectStore {
      override uri(key: string): string {
        return `gs://models-bucket/models/${key}`;
      }
    }
    const registry = new ObjectStoreRegistry(new InBucket(join(dir.path, 'models')));
    for (const v of ['v1', 'v2']) await registry.save(tinyManifest(v), tinyModel([1, 2, 3]));
    const ports = { registry, publisher: pub, logger: silentLogger };
    await switchChampion(ports, { action: 'promote', version: 'v1', reason: 'first' });
    fake.refuse = /:deployModel$/;
    await expect(switchChampion(ports, { action: 'promote', version: 'v2', reason: 'better' })).rejects.toMatchObject({
      code: 'MODEL_UNAVAILABLE',
    });
    fake.refuse = null;
    expect((await registry.champion())!.version).toBe('v1');
    const promoted = await switchChampion(ports, { action: 'promote', version: 'v2', reason: 'better' });
    expect(promoted.pointer.version).toBe('v2');
    const uploads = () =>
      fake.calls
        .filter((c) => c.path.endsWith('/models:upload'))
        .map((c) => (c.body.model as { artifactUri: string }).artifactUri);
    expect(uploads().at(-1)).toBe('gs://models-bucket/models/versions/v2');
    const back = await switchChampion(ports, { action: 'rollback', reason: 'precision dropped' });
    expect(back.pointer.version).toBe('v1');
    expect(uploads().at(-1)).toBe('gs://models-bucket/models/versions/v1');
    expect(fake.deployed).toEqual([back.published!.deployedModelId]);
    dir.cleanup();
  });
});
