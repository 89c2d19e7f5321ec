// The fraud team's late labels for the live days, as a labels CSV: analysts review what was flagged, chargebacks follow.
import { writeFile } from 'node:fs/promises';
import { queryAll, type Warehouse } from '../../shared/warehouse/port.ts';
import type { LiveTruth } from './simulate.ts';

const DAY_MS = 86_400_000;
/** An analyst looks at a flagged transaction the next day; a chargeback or the silence that confirms a genuine one takes a week. */
export const REVIEW_DELAY_DAYS = 1;
export const CHARGEBACK_DELAY_DAYS = 7;

export interface LateLabels {
  readonly file: string;
  readonly review: number;
  readonly chargeback: number;
  readonly confirmed: number;
}

const later = (iso: string, days: number) =>
  new Date(Date.parse(iso) + days * DAY_MS).toISOString().replace('.000Z', 'Z');

/** Transactions the live model flagged (fraud or review): the ones the review queue shows the analysts. */
export async function flaggedIds(w: Warehouse, modelVersion: string): Promise<Set<string>> {
  const rows = await queryAll(
    w,
    `SELECT transaction_id FROM verdicts WHERE verdict <> 'legit' AND model_version = '${modelVersion.replace(/'/g, "''")}'`,
  );
  return new Set(rows.map((r) => String(r.transaction_id)));
}

/** One label per live transaction: `review` for a flagged one, `chargeback` for a missed fraud, else `confirmed` genuine. */
export async function writeLateLabels(
  file: string,
  truth: readonly LiveTruth[],
  flagged: Set<string>,
): Promise<LateLabels> {
  const counts = { review: 0, chargeback: 0, confirmed: 0 };
  const lines = ['transaction_id,label,source,labelled_at,labelled_by'];
  for (const t of truth) {
    const reviewed = flagged.has(t.transaction_id);
    const source = reviewed ? 'review' : t.label === 1 ? 'chargeback' : 'confirmed';
    counts[source]++;
    const at = later(t.tx_datetime, reviewed ? REVIEW_DELAY_DAYS : CHARGEBACK_DELAY_DAYS);
    lines.push(`${t.transaction_id},${t.label},${source},${at},${reviewed ? 'demo-analyst' : ''}`);
  }
  await writeFile(file, lines.join('\n') + '\n');
  return { file, ...counts };
}
