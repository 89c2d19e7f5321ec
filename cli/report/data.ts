// What the report shows, gathered from the registry, the warehouse and the last run's stage figures.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runtime } from '../../shared/runtime.ts';
import type { ModelManifest } from '../../shared/schema/model-manifest.ts';
import { queryAll } from '../../shared/warehouse/port.ts';
import { psi } from '../../shared/metrics/histogram.ts';

export interface StageFigure {
  stage: string;
  rows: number;
  rows_per_s: number;
}

export interface ReportData {
  generated_at: string;
  champion: ModelManifest | null;
  versions: Array<{
    version: string;
    model: string;
    auprc: number | null;
    roc_auc: number | null;
    precision: number;
    recall: number;
    champion: boolean;
  }>;
  stages: StageFigure[];
  drift: Array<{ day: string; verdicts: number; mean_score: number; psi: number | null }>;
  quality: Array<{
    day: string;
    verdicts: number;
    tp: number;
    fp: number;
    fn: number;
    precision: number | null;
    recall: number | null;
  }>;
}

export const lastRunFile = (rt: Runtime) => join(rt.config.dataDir, 'last-run.json');

import type { SqlDialect } from '../../shared/warehouse/dialect.ts';
import { latestLabels } from '../../functions/retrain/dataset.ts';

/** The day of a transaction: "day N" of a Kaggle set (seconds since its start), the calendar day of a raw one. */
const dayOf = (d: SqlDialect) =>
  `coalesce('day ' || CAST(CAST(floor(t.${d.ident('Time')} / 86400) AS INTEGER) AS STRING), ${d.formatTimestamp('t.tx_datetime', '%Y-%m-%d')})`;

export async function gatherReport(rt: Runtime): Promise<ReportData> {
  const registry = rt.models();
  const [versions, pointer] = await Promise.all([registry.list(), registry.champion()]);
  const champion = pointer ? (versions.find((v) => v.version === pointer.version) ?? null) : null;
  const w = await rt.warehouse();
  const d = w.dialect;
  const DAY = dayOf(d);
  const bins = await queryAll(
    w,
    `select ${DAY} as day, CAST(floor(least(v.probability, 0.999999) * 20) AS INTEGER) as bin, CAST(count(*) AS INTEGER) as n, avg(v.probability) as mean
    from verdicts v join transactions t on t.id = v.transaction_id where not coalesce(v.fallback, false) group by 1, 2 order by 1, 2`,
  );
  const expected = champion?.curves
    ? champion.curves.histogram.fraud.map((f, i) => f + champion.curves!.histogram.genuine[i]!)
    : null;
  const byDay = new Map<string, { counts: number[]; n: number; sum: number }>();
  for (const r of bins) {
    const day = String(r.day);
    let d = byDay.get(day);
    if (!d) byDay.set(day, (d = { counts: new Array<number>(20).fill(0), n: 0, sum: 0 }));
    d.counts[Number(r.bin)] = Number(r.n);
    d.n += Number(r.n);
    d.sum += Number(r.mean) * Number(r.n);
  }
  // Truth is the latest label that arrived (labels table), else the one the transaction came with.
  const truth = `coalesce(l.label, t.${d.ident('Class')}, t.label)`;
  const quality = await queryAll(
    w,
    `select ${DAY} as day, CAST(count(*) AS INTEGER) as verdicts,
      CAST(sum(case when v.verdict = 'fraud' and ${truth} = 1 then 1 else 0 end) AS INTEGER) as tp,
      CAST(sum(case when v.verdict = 'fraud' and ${truth} = 0 then 1 else 0 end) AS INTEGER) as fp,
      CAST(sum(case when v.verdict <> 'fraud' and ${truth} = 1 then 1 else 0 end) AS INTEGER) as fn
    from verdicts v join transactions t on t.id = v.transaction_id
    left join ${latestLabels(d)} l on l.transaction_id = coalesce(t.transaction_id, t.id)
    group by 1 order by 1`,
  );
  return {
    generated_at: new Date().toISOString(),
    champion,
    versions: versions.map((v) => ({
      version: v.version,
      model: v.model,
      auprc: v.metrics.auprc,
      roc_auc: v.metrics.roc_auc,
      precision: v.metrics.precision,
      recall: v.metrics.recall,
      champion: v.version === pointer?.version,
    })),
    stages: existsSync(lastRunFile(rt))
      ? (JSON.parse(readFileSync(lastRunFile(rt), 'utf8')) as { stages: StageFigure[] }).stages
      : [],
    drift: [...byDay.entries()].map(([day, d]) => ({
      day,
      verdicts: d.n,
      mean_score: d.sum / d.n,
      psi: expected ? psi(expected, d.counts) : null,
    })),
    quality: quality.map((q) => {
      const tp = Number(q.tp),
        fp = Number(q.fp),
        fn = Number(q.fn);
      return {
        day: String(q.day),
        verdicts: Number(q.verdicts),
        tp,
        fp,
        fn,
        precision: tp + fp ? tp / (tp + fp) : null,
        recall: tp + fn ? tp / (tp + fn) : null,
      };
    }),
  };
}
