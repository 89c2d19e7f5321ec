// The champion's history for people: which version was champion from when, how it scored, and why it changed.
import type { ChampionPointer, ModelManifest } from '../../shared/schema/model-manifest.ts';

export interface ChampionSpell {
  from: string;
  version: string;
  action: 'promote' | 'rollback';
  reason: string;
  model: string | null;
  auprc: number | null;
}

export function championHistory(pointer: ChampionPointer | null, versions: readonly ModelManifest[]): ChampionSpell[] {
  const byVersion = new Map(versions.map((v) => [v.version, v]));
  return (pointer?.history ?? []).map((h) => {
    const m = byVersion.get(h.version);
    return {
      from: h.at,
      version: h.version,
      action: h.action,
      reason: h.reason,
      model: m?.model ?? null,
      auprc: m?.metrics.auprc ?? null,
    };
  });
}
