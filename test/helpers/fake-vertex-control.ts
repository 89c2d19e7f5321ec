// A local HTTP server answering Vertex AI's REST model and endpoint calls (upload, deploy, get, undeploy, operations) as Vertex does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ControlCall {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

export interface FakeVertexControl {
  readonly port: number;
  readonly calls: ControlCall[];
  /** Deployed model ids on the endpoint, oldest first. */
  readonly deployed: string[];
  /** Calls whose path matches are refused with 403 PERMISSION_DENIED, as Vertex does without the IAM role. */
  refuse: RegExp | null;
  close(): Promise<void>;
}

const TYPE = 'type.googleapis.com/google.cloud.aiplatform.v1.';

/** Long-running operations answer "not done" first and "done" on the first poll, so the client's polling is exercised. */
export async function startFakeVertexControl(initiallyDeployed: string[] = []): Promise<FakeVertexControl> {
  const calls: ControlCall[] = [];
  const deployed = [...initiallyDeployed];
  const operations = new Map<string, Record<string, unknown>>();
  let next = 1;
  const fake = { refuse: null as RegExp | null };
  // Each operation carries its own metadata type (UploadModelOperationMetadata, ...), wrapping the generic one.
  const operation = (
    prefix: string,
    kind: 'UploadModel' | 'DeployModel' | 'UndeployModel',
    response: Record<string, unknown>,
    done = false,
  ) => {
    const name = `${prefix}/operations/${next++}`;
    const metadata = {
      '@type': `${TYPE}${kind}OperationMetadata`,
      genericMetadata: { createTime: '2026-11-25T10:00:00Z', updateTime: '2026-11-25T10:00:01Z' },
    };
    const finished = { name, metadata, done: true, response: { '@type': `${TYPE}${kind}Response`, ...response } };
    operations.set(name, finished);
    return done ? finished : { name, metadata, done: false };
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
      calls.push({ method: req.method ?? '', path, body });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (fake.refuse?.test(path))
        return send(403, {
          error: { code: 403, message: `Permission denied on ${path}`, status: 'PERMISSION_DENIED' },
        });
      let m: RegExpExecArray | null;
      if (req.method === 'POST' && (m = /^\/v1\/(projects\/[^/]+\/locations\/[^/]+)\/models:upload$/.exec(path))) {
        const model = `${m[1]}/models/${1000 + next}`;
        return send(200, operation(model, 'UploadModel', { model, modelVersionId: '1' }));
      }
      if (
        req.method === 'POST' &&
        (m = /^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/endpoints\/[^/:]+):deployModel$/.exec(path))
      ) {
        const id = String(9000 + next);
        deployed.push(id);
        const dm = body.deployedModel as Record<string, unknown>;
        return send(200, operation(m[1]!, 'DeployModel', { deployedModel: { ...dm, id } }));
      }
      if (
        req.method === 'POST' &&
        (m = /^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/endpoints\/[^/:]+):undeployModel$/.exec(path))
      ) {
        const i = deployed.indexOf(String(body.deployedModelId));
        if (i < 0)
          return send(404, {
            error: {
              code: 404,
              message: `deployed model ${String(body.deployedModelId)} not found`,
              status: 'NOT_FOUND',
            },
          });
        deployed.splice(i, 1);
        return send(200, operation(m[1]!, 'UndeployModel', {}, true));
      }
      if (req.method === 'GET' && (m = /^\/(?:v1|ui)\/(projects\/.+\/operations\/\d+)$/.exec(path))) {
        const op = operations.get(m[1]!);
        return op
          ? send(200, op)
          : send(404, { error: { code: 404, message: `operation ${m[1]} not found`, status: 'NOT_FOUND' } });
      }
      if (req.method === 'GET' && (m = /^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/endpoints\/[^/:]+)$/.exec(path))) {
        return send(200, {
          name: m[1],
          displayName: 'fraudflow',
          deployedModels: deployed.map((id) => ({ id, model: `projects/p/locations/l/models/${id}` })),
        });
      }
      send(404, { error: { code: 404, message: `not found: ${req.method} ${path}`, status: 'NOT_FOUND' } });
    });
  });
  // Idle keep-alive sockets stay open for the test's life: a server closing one just as the client reuses it gives ECONNRESET.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(fake, {
    port: (server.address() as AddressInfo).port,
    calls,
    deployed,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}
