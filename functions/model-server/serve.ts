// The Vertex AI custom serving container's core: Vertex's prediction protocol (instances in, predictions out) over one loaded model.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { FraudflowError } from '../../shared/errors.ts';
import type { LoadedModel } from '../../shared/model/port.ts';
import { issueLines } from '../../shared/schema/issues.ts';

export interface ServeOptions {
  /** AIP_PREDICT_ROUTE and AIP_HEALTH_ROUTE, as Vertex AI sets them for a custom container. */
  readonly predictRoute: string;
  readonly healthRoute: string;
  readonly maxBodyBytes: number;
  readonly maxInstances: number;
}

/** An instance is an object of named features (what the score function sends) or an array in the feature spec's order. */
const Instance = z.union([z.record(z.string(), z.number()), z.array(z.number())]);
export const PredictRequest = z.object({ instances: z.array(Instance).min(1), parameters: z.unknown().optional() });

export function rowsOf(instances: ReadonlyArray<z.infer<typeof Instance>>, names: readonly string[]): Float32Array[] {
  return instances.map((inst, i) => {
    if (Array.isArray(inst)) {
      if (inst.length !== names.length)
        throw new FraudflowError(
          'INPUT_INVALID',
          `instance ${i}: ${inst.length} values, the model takes ${names.length}`,
        );
      return Float32Array.from(inst);
    }
    const missing = names.filter((n) => typeof inst[n] !== 'number' || !Number.isFinite(inst[n]));
    const extra = Object.keys(inst).filter((k) => !names.includes(k));
    if (missing.length || extra.length) {
      throw new FraudflowError(
        'INPUT_INVALID',
        `instance ${i}: ${missing.length ? `missing or not finite: ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `unknown: ${extra.join(', ')}` : ''}`,
      );
    }
    return Float32Array.from(names, (n) => inst[n]!);
  });
}

async function body(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) throw new FraudflowError('PAYLOAD_TOO_LARGE', `request body over ${limit} bytes`);
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function servingHandler(
  model: LoadedModel,
  o: ServeOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const send = (res: ServerResponse, status: number, payload: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  };
  const names = model.manifest.feature_spec.names;
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === o.healthRoute)
      return send(res, 200, { status: 'ok', version: model.manifest.version });
    if (req.method !== 'POST' || path !== o.predictRoute)
      return send(res, 404, { error: `no route ${req.method} ${path}` });
    void (async () => {
      try {
        let json: unknown;
        try {
          json = JSON.parse(await body(req, o.maxBodyBytes));
        } catch (e) {
          if (e instanceof FraudflowError) throw e;
          throw new FraudflowError('INPUT_INVALID', 'the body is not JSON');
        }
        const parsed = PredictRequest.safeParse(json);
        if (!parsed.success)
          throw new FraudflowError(
            'INPUT_INVALID',
            `expected {"instances": [...]}: ${issueLines(parsed.error, '').join('; ')}`,
          );
        if (parsed.data.instances.length > o.maxInstances)
          throw new FraudflowError(
            'PAYLOAD_TOO_LARGE',
            `${parsed.data.instances.length} instances, at most ${o.maxInstances}`,
          );
        const scores = model.predict(rowsOf(parsed.data.instances, names));
        send(res, 200, { predictions: Array.from(scores), model_version: model.manifest.version });
      } catch (e) {
        const err =
          e instanceof FraudflowError
            ? e
            : new FraudflowError('INTERNAL', `prediction failed: ${(e as Error).message}`, {}, { cause: e });
        send(res, err.httpStatus, { error: err.message, code: err.code });
      }
    })();
  };
}
