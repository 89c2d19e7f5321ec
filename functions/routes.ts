// Every function as the HTTP edge serves it, by name, each loaded on demand: a deployed instance serves one function
// (FUNCTION_TARGET) and loads that function's modules only; importing one also registers it with functions-framework.
import type { FunctionRoute } from '../shared/http/function-route.ts';

export const ROUTE_LOADERS: Readonly<Record<string, () => Promise<FunctionRoute>>> = {
  ingest: async () => (await import('./ingest/index.ts')).ingestRoute,
  sink: async () => (await import('./sink/index.ts')).sinkRoute,
  retrain: async () => (await import('./retrain/index.ts')).retrainRoute,
  score: async () => (await import('./score/index.ts')).scoreRoute,
  'score-stream': async () => (await import('./score-stream/index.ts')).scoreStreamRoute,
  review: async () => (await import('./review/index.ts')).reviewRoute,
  'score-stream-push': async () => (await import('./score-stream/index.ts')).scoreStreamPushRoute,
};

/** The named function's route, its modules loaded now; undefined for a name that is not a fraudflow function. */
export async function loadRoute(name: string): Promise<FunctionRoute | undefined> {
  return Object.hasOwn(ROUTE_LOADERS, name) ? ROUTE_LOADERS[name]!() : undefined;
}

/** Every function's route (`fraudflow dev` serves them all in one process). */
export async function loadRoutes(names: readonly string[]): Promise<Record<string, FunctionRoute>> {
  const routes = await Promise.all(names.map(async (n) => [n, await loadRoute(n)] as const));
  return Object.fromEntries(routes.filter((r): r is readonly [string, FunctionRoute] => r[1] !== undefined));
}
