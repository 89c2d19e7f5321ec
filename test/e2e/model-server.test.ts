// The Vertex AI serving container as Vertex runs it: a child process reading AIP_* variables, the model from Cloud Storage.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAuth } from '../helpers/fake-auth.ts';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { GcsObjectStore } from '../../shared/objectstore/gcs/gcs.ts';
import { writeModelFiles } from '../../shared/model/registry/objectstore/artifacts.ts';
import { startFakeGcs, type FakeGcs } from '../helpers/fake-gcs.ts';
import { tinyManifest, tinyModel } from '../helpers/model.ts';
import { waitFor } from '../helpers/wait.ts';

let fake: FakeGcs;
let child: ChildProcess;
let url: string;
const logs: string[] = [];

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  await tfReady();
  fake = await startFakeGcs('models-bucket');
  const store = new GcsObjectStore({
    bucket: 'models-bucket',
    prefix: 'models/',
    projectId: 'p',
    apiEndpoint: fake.url,
    authClient: fakeAuth('p'),
  });
  // score = sigmoid((f0 - 1)/2 * 2 + f2 * -1): the manifest's scaler must be applied by the server.
  const manifest = tinyManifest('v1', { scaler: { mean: [1, 0, 0], std: [2, 1, 1] } });
  await writeModelFiles(store, 'versions/v1/', manifest, tinyModel([2, 0, -1]));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  child = spawn(
    process.execPath,
    [
      join(import.meta.dirname, '../../bin/run-ts.js'),
      join(import.meta.dirname, '../../functions/model-server/index.ts'),
    ],
    {
      env: {
        ...process.env,
        AIP_STORAGE_URI: 'gs://models-bucket/models/versions/v1',
        AIP_HTTP_PORT: String(port),
        AIP_PREDICT_ROUTE: '/v1/models/m:predict',
        AIP_HEALTH_ROUTE: '/healthz',
        STORAGE_API_ENDPOINT: fake.url,
        FRAUDFLOW_SERVE_HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
  await waitFor(
    async () =>
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      ),
    `the model server to answer (${logs.join('')})`,
    90_000,
    100,
  );
}, 120_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await fake.close();
});

const predict = (body: unknown) =>
  fetch(`${url}/v1/models/m:predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('model server (Vertex AI custom container)', () => {
  it('loads the version from Cloud Storage and says so on the health route', async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok', version: 'v1' });
    expect(
      fake.requests.some(
        (r) =>
          r.path.endsWith('/o/models%2Fversions%2Fv1%2Fweights.bin') ||
          r.path.endsWith('/o/models/versions/v1/weights.bin'),
      ),
    ).toBe(true);
  });

  it("answers named or positional instances with probabilities, the model's own scaler applied", async () => {
    const r = await predict({ instances: [{ f0: 3, f1: 9, f2: 0 }, [1, 0, 2]] });
    expect(r.status).toBe(200);
    const out = (await r.json()) as { predictions: number[]; model_version: string };
    // row 1: scaled (1, 9, 0) -> 2*1 = 2 ; row 2: scaled (0, 0, 2) -> -2
    expect(out.predictions[0]).toBeCloseTo(sigmoid(2), 6);
    expect(out.predictions[1]).toBeCloseTo(sigmoid(-2), 6);
    expect(out.model_version).toBe('v1');
  });

  it('refuses instances that do not match the feature spec, naming the fields', async () => {
    const r = await predict({ instances: [{ f0: 1, f2: 0, colour: 3 }] });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toBe(
      'instance 0: missing or not finite: f1; unknown: colour',
    );
    expect((await predict({ instances: [[1, 2]] })).status).toBe(400);
    expect((await predict({ rows: [] })).status).toBe(400);
  });
});
