// The shadow challenger beside the champion: the same feature rows scored by another version, published with role
// `shadow` to their own topic; it never changes, fails or delays an answer.
import type { Logger } from '../logger.ts';
import type { OutgoingMessage } from '../eventlog/port.ts';
import { contentId } from '../schema/formats.ts';
import { VERDICT_SCHEMA, Verdict } from '../schema/verdict.ts';
import type { ShadowModel, ShadowSource } from '../model/shadow.ts';
import { finiteRows, pickRows, type Scored } from './verdicts.ts';

/** The feature spec the rows were computed by: the shadow scores them when its own spec is the same or a subset. */
export interface RowSpec {
  readonly name: string;
  readonly names: readonly string[];
}

export interface ShadowInput {
  readonly txs: readonly Scored[];
  readonly rows: Float32Array;
  readonly spec: RowSpec;
  readonly source: string;
  readonly reviewRatio: number;
  readonly at: string;
}

/** What the scoring core calls after the champion's verdicts are out; resolves without throwing. */
export interface ShadowHook {
  score(input: ShadowInput): Promise<void>;
  /**
   * The feature spec the shadow would score the call whose first transaction is `firstId` with (null: it will not
   * score it, or has no model): the scorer computes the union of it and the champion's. Never throws.
   */
  wants?(firstId: string): Promise<RowSpec | null>;
}

export interface ShadowPorts {
  readonly source: ShadowSource;
  readonly publish: (messages: readonly OutgoingMessage[]) => Promise<void>;
  readonly logger: Logger;
}

/** Column k of the shadow's input is column index[k] of the rows; null when the specs share no such mapping. */
export function columnMap(shadow: RowSpec & { readonly version?: number }, rows: RowSpec): number[] | null {
  if (shadow.name !== rows.name) return null;
  const index = shadow.names.map((n) => rows.names.indexOf(n));
  return index.some((i) => i < 0) ? null : index;
}

export function project(rows: Float32Array, from: number, index: readonly number[], count: number): Float32Array {
  if (index.length === from && index.every((c, k) => c === k)) return rows;
  const out = new Float32Array(count * index.length);
  for (let r = 0; r < count; r++)
    for (let k = 0; k < index.length; k++) out[r * index.length + k] = rows[r * from + index[k]!]!;
  return out;
}

/** The shadow's verdicts for the rows it can score (finite rows, a sane probability); the rest get none. */
export function shadowVerdicts(model: ShadowModel, input: ShadowInput, index: readonly number[]): Verdict[] {
  const width = input.spec.names.length;
  const good = finiteRows(input.rows, width, input.txs.length);
  if (good.length === 0) return [];
  const rows = project(pickRows(input.rows, width, good, input.txs.length), width, index, good.length);
  const scores = model.scorer.predict(rows);
  const { threshold, version } = model.manifest;
  const out: Verdict[] = [];
  good.forEach((row, k) => {
    const t = input.txs[row]!;
    const p = scores[k]!;
    const verdict = p >= threshold ? 'fraud' : p >= threshold * input.reviewRatio ? 'review' : 'legit';
    const v = Verdict.safeParse({
      transaction_id: t.transaction_id,
      ...(t.customer_id ? { customer_id: t.customer_id } : {}),
      ...{ probability: p, verdict, threshold, model_version: version, reasons: [], scored_at: input.at },
      role: 'shadow',
    });
    if (v.success) out.push(v.data);
  });
  return out;
}

/** One message per transaction and version: a re-publish (a redone batch) is dropped by the sink. */
export function shadowMessages(verdicts: readonly Verdict[], source: string, at: string): OutgoingMessage[] {
  return verdicts.map((v, i) => ({
    key: v.customer_id ?? v.transaction_id,
    value: JSON.stringify({
      id: contentId(`verdict:shadow:${v.model_version}:${v.transaction_id}`),
      schema: VERDICT_SCHEMA,
      source: { file: `${source}.shadow`, line: i + 1 },
      ingested_at: at,
      payload: v,
    }),
  }));
}
