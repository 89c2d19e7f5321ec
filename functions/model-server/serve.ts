// The Vertex AI custom serving container's core: Vertex's prediction protocol (instances in, predictions out) over one loaded model.
import type { RequestListener } from 'node:http';
import { z } from 'zod';
import { FraudflowError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { refusal, sendAnswer, type HttpAnswer } from '../../shared/http/answer.ts';
import { edgeListener } from '../../shared/http/guard.ts';
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

/** The answer to a parsed predict body: Vertex's `{instances}` in, `{predictions}` out. */
export function predictAnswer(model: LoadedModel, json: unknown, maxInstances: number): HttpAnswer {
  const parsed = PredictRequest.safeParse(json);
  if (!parsed.success)
    throw new FraudflowError(
      'INPUT_INVALID',
      `expected {"instances": [...]}: ${issueLines(parsed.error, '').join('; ')}`,
    );
  if (parsed.data.instances.length > maxInstances)
    throw new FraudflowError('PAYLOAD_TOO_LARGE', `${parsed.data.instances.length} instances, at most ${maxInstances}`);
  const scores = model.predict(rowsOf(parsed.data.instances, model.manifest.feature_spec.names));
  return { status: 200, body: { predictions: Array.from(scores), model_version: model.manifest.version } };
}

/**
 * The container's one request listener. It answers from the moment it listens: the health route says 503 until
 * the model is loaded, then 200; predict goes through the HTTP edge (method, content type, size, JSON) and is
 * refused with 503 before its body is read while there is no model yet.
 */
export function servingListener(
  model: () => LoadedModel | undefined,
  o: ServeOptions,
  logger: Logger,
): RequestListener {
  const predict = edgeListener(
    {
      policy: () => {
        if (!model()) throw new FraudflowError('MODEL_UNAVAILABLE', 'the model is still loading');
        return { methods: ['POST'], contentTypes: ['application/json'], maxBodyBytes: o.maxBodyBytes };
      },
      handle: async (req) => predictAnswer(model()!, req.json, o.maxInstances),
    },
    logger,
  );
  return (req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    if (path === o.predictRoute) return predict(req, res);
    if (path !== o.healthRoute) return sendAnswer(res, refusal('NOT_FOUND', `no route ${path.slice(0, 200)}`), true);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendAnswer(res, { ...refusal('METHOD_NOT_ALLOWED', 'use GET'), headers: { allow: 'GET, HEAD' } }, true);
    const m = model();
    sendAnswer(
      res,
      m
        ? { status: 200, body: { status: 'ok', version: m.manifest.version } }
        : { status: 503, body: { status: 'loading', code: 'MODEL_UNAVAILABLE' } },
    );
  };
}
