// Entry point of the serving container Vertex AI runs for the champion: loads the model from AIP_STORAGE_URI, serves AIP_* routes.
import { createServer } from 'node:http';
import { z } from 'zod';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { modelAt } from '../../shared/runtime.ts';
import { createLogger } from '../../shared/logger.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { servingHandler } from './serve.ts';
import { issueLines } from '../../shared/schema/issues.ts';

/** What Vertex AI sets in a custom container (https://cloud.google.com/vertex-ai/docs/predictions/custom-container-requirements). */
const ServingEnv = z.object({
  AIP_STORAGE_URI: z.string().min(1, 'where the model files are: gs://bucket/path or a folder'),
  AIP_HTTP_PORT: z.coerce.number().int().min(1).max(65_535).default(8080),
  AIP_PREDICT_ROUTE: z.string().startsWith('/').default('/predict'),
  AIP_HEALTH_ROUTE: z.string().startsWith('/').default('/health'),
  FRAUDFLOW_SERVE_HOST: z.string().default('0.0.0.0'),
});

async function main(): Promise<void> {
  const logger = createLogger({ base: { function: 'model-server' } });
  const parsed = ServingEnv.safeParse(process.env);
  if (!parsed.success)
    throw new FraudflowError('CONFIG_INVALID', `model server: ${issueLines(parsed.error, '').join('; ')}`);
  const env = parsed.data;
  await tfReady();
  const model = await modelAt(env.AIP_STORAGE_URI);
  const server = createServer(
    servingHandler(model, {
      predictRoute: env.AIP_PREDICT_ROUTE,
      healthRoute: env.AIP_HEALTH_ROUTE,
      maxBodyBytes: 8 << 20,
      maxInstances: 10_000,
    }),
  );
  server.listen(env.AIP_HTTP_PORT, env.FRAUDFLOW_SERVE_HOST, () => {
    logger.info('model server ready', {
      version: model.manifest.version,
      port: env.AIP_HTTP_PORT,
      predict: env.AIP_PREDICT_ROUTE,
      health: env.AIP_HEALTH_ROUTE,
    });
  });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: unknown) => {
  createLogger().error('model server failed to start', { error: e });
  process.exit(1);
});
