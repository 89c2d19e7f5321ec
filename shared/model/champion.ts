// Changing the champion: publish the version where scorers read it (Vertex AI, when configured) first, then move the registry pointer.
import type { Logger } from '../logger.ts';
import type { ModelRegistry } from './registry/port.ts';
import { previousChampion } from './registry/history.ts';
import type { ModelPublisher, PublishedModel } from './port.ts';
import type { ChampionPointer } from '../schema/model-manifest.ts';

export interface ChampionPorts {
  readonly registry: ModelRegistry;
  /** null: scorers load the champion from the registry themselves. */
  readonly publisher: ModelPublisher | null;
  readonly logger: Logger;
}

export type ChampionChange =
  | { readonly action: 'promote'; readonly version: string; readonly reason: string; readonly at?: Date }
  | { readonly action: 'rollback'; readonly reason: string; readonly at?: Date };

export interface ChampionSwitched {
  readonly pointer: ChampionPointer;
  readonly published: PublishedModel | null;
}

/**
 * The pointer moves only once the remote endpoint serves the new champion: if publishing fails, the registry still
 * names the model the endpoint serves, and the error says what to retry.
 */
export async function switchChampion(ports: ChampionPorts, change: ChampionChange): Promise<ChampionSwitched> {
  const current = await ports.registry.champion();
  const target = change.action === 'promote' ? change.version : previousChampion(current);
  const manifest = await ports.registry.manifest(target);
  let published: PublishedModel | null = null;
  if (ports.publisher && current?.version !== target) {
    published = await ports.publisher.publish(manifest, ports.registry.uri(target));
    ports.logger.info('champion published', {
      version: target,
      publisher: ports.publisher.kind,
      model: published.model,
      endpoint: published.endpoint,
      deployed_model_id: published.deployedModelId,
      undeployed: published.undeployed,
    });
  }
  const pointer =
    change.action === 'promote'
      ? await ports.registry.promote(target, change.reason, change.at)
      : await ports.registry.rollback(change.reason, change.at);
  ports.logger.info(`champion ${change.action === 'promote' ? 'promoted' : 'rolled back'}`, {
    version: pointer.version,
    reason: change.reason,
  });
  return { pointer, published };
}
