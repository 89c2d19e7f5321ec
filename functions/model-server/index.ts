// Entry point of the serving container Vertex AI runs for the champion: listens at once on AIP_HTTP_PORT, loads the
// model from AIP_STORAGE_URI behind it (health 503 until then), serves AIP_* routes.
import { z } from 'zod';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { modelAt } from '../../shared/runtime.ts';
import { createLogger } from '../../shared/logger.ts';
import { FraudflowError } from '../../shared/errors.ts';
import { issueLines } from '../../shared/schema/issues.ts';
import { envInt } from '../../shared/config.ts';
import { startModelServer } from './start.ts';

/** What Vertex AI sets in a custom container (https://cloud.google.com/vertex-ai/docs/predictions/custom-container-requirements). */
const ServingEnv = z.object({
  AIP_STORAGE_URI: z.string().min(1, 'where the model files are: gs://bucket/path or a folder'),
  AIP_HTTP_PORT: envInt(1, 65_535).default(8080),
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
  const server = await startModelServer({
    port: env.AIP_HTTP_PORT,
    host: env.FRAUDFLOW_SERVE_HOST,
    predictRoute: env.AIP_PREDICT_ROUTE,
    healthRoute: env.AIP_HEALTH_ROUTE,
    maxBodyBytes: 8 << 20,
    maxInstances: 10_000,
    logger,
    load: async () => {
      await tfReady();
      return modelAt(env.AIP_STORAGE_URI);
    },
  });
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // A model that cannot load never will: exit, so Vertex AI reports the failed deployment instead of waiting.
  server.loaded.catch((e: unknown) => {
    logger.error('model server could not load the model', { error: e });
    process.exit(1);
  });
}

main().catch((e: unknown) => {
  createLogger().error('model server failed to start', { error: e });
  process.exit(1);
});
