// The registry's small side objects on the store: the revision scorers watch, and the promotion decisions log.
import { randomUUID } from 'node:crypto';
import { isFraudflowError } from '../../../errors.ts';
import type { ObjectStore } from '../../../objectstore/port.ts';
import { PromotionDecision } from '../decision.ts';

const REVISION = 'revision.json';
const DECISIONS = 'decisions/';

/** A new token after the change it announces is written: a reader that sees it finds the change. */
export async function touchRevision(store: ObjectStore): Promise<void> {
  await store.write(REVISION, JSON.stringify({ revision: randomUUID(), at: new Date().toISOString() }));
}

export async function readRevision(store: ObjectStore): Promise<string | null> {
  try {
    const parsed = JSON.parse((await store.readAll(REVISION)).toString('utf8')) as { revision?: unknown };
    return typeof parsed.revision === 'string' ? parsed.revision : null;
  } catch (e) {
    if (isFraudflowError(e) && e.code === 'NOT_FOUND') return null;
    throw e;
  }
}

/** One object per decision, named so a listing sorts by time: never a read-modify-write of a shared log. */
export function decisionKey(d: PromotionDecision): string {
  const at = d.at.replace(/[^0-9A-Za-z]/g, '');
  return `${DECISIONS}${d.version}/${at}-${randomUUID().slice(0, 8)}.json`;
}

export async function readDecisions(store: ObjectStore, version?: string): Promise<PromotionDecision[]> {
  if (version !== undefined && !/^[\w.-]+$/.test(version)) return [];
  const files = await store.list(version === undefined ? DECISIONS : `${DECISIONS}${version}/`);
  const keys = files.map((f) => f.key).filter((k) => k.endsWith('.json'));
  const out = await Promise.all(
    keys.map(async (k) => PromotionDecision.parse(JSON.parse((await store.readAll(k)).toString('utf8')))),
  );
  return out.sort((a, b) => a.at.localeCompare(b.at) || a.version.localeCompare(b.version));
}
