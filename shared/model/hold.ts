// Scoring under one pinned model: a hold is taken at the entry of a scoring and released when it ends.
import type { ModelEndpoint, ModelHold } from './port.ts';

/**
 * Runs `fn` with `ports.model` pinned (a hold taken on a hold pins the same model and releases nothing). When no hold can be taken (the
 * endpoint is down), `fn` gets the endpoint itself: its predict fails the same way, and the scorer's fallback verdict
 * and its log line apply there, once.
 */
export async function withHeldModel<P extends { readonly model: ModelEndpoint }, T>(
  ports: P,
  fn: (ports: P) => Promise<T>,
): Promise<T> {
  const held = await ports.model.hold().catch(() => null);
  if (!held) return fn(ports);
  try {
    return await fn({ ...ports, model: held });
  } finally {
    held.release();
  }
}

/** A hold on an endpoint that cannot pin more than the manifest it read: calls go to the endpoint, nothing is freed. */
export function manifestHold(
  endpoint: Pick<ModelEndpoint, 'kind' | 'explain'>,
  manifest: Awaited<ReturnType<ModelEndpoint['manifest']>>,
  predict: ModelEndpoint['predict'],
): ModelHold {
  const held: ModelHold = {
    kind: endpoint.kind,
    manifest: () => Promise.resolve(manifest),
    predict,
    explain: (rows, width, top) => endpoint.explain(rows, width, top),
    hold: () => Promise.resolve(held),
    release: () => {},
  };
  return held;
}
