// What the report shows, gathered from the registry, the warehouse and the last run's stage figures.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runtime } from '../../shared/runtime.ts';
import type { ModelManifest } from '../../shared/schema/model-manifest.ts';
import { queryAll, type Warehouse } from '../../shared/warehouse/port.ts';
import { psi } from '../../shared/metrics/histogram.ts';
import { championHistory, type ChampionSpell } from './champions.ts';
import { qualityByDay, type DayQuality } from './quality.ts';
import { transactionDay, VERDICT_TRANSACTIONS } from '../../shared/warehouse/verdict-sql.ts';
import { autoShadowVersion } from '../../shared/model/shadow.ts';
import { compareLive, maturedWindow, type LiveWindow } from '../../shared/live/compare.ts';
import { DELAY_DAYS } from '../../shared/features/raw/spec.ts';
import { comparisonRows } from '../commands/models-compare.ts';
import type { ChampionPointer } from '../../shared/schema/model-manifest.ts';

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
  champions: ChampionSpell[];
  stages: StageFigure[];
  drift: Array<{ day: string; verdicts: number; mean_score: number; psi: number | null }>;
  /** The k of the per-day Card Precision@k. */
  k: number;
  quality: DayQuality[];
  /** The champion and its shadow challenger on the last 7 days of matured live traffic (null without a challenger). */
  shadow: { window: LiveWindow; rows: Array<Record<string, string | number>> } | null;
}

export const lastRunFile = (rt: Runtime) => join(rt.config.dataDir, 'last-run.json');

/** Per day, the champion-era score histogram (20 bins) against the validation one: the population stability index. */
async function driftByDay(w: Warehouse, champion: ModelManifest | null): Promise<ReportData['drift']> {
  const bins = await queryAll(
    w,
    `SELECT ${transactionDay(w.dialect)} AS day, CAST(floor(least(v.probability, 0.999999) * 20) AS INTEGER) AS bin,
      CAST(count(*) AS INTEGER) AS n, avg(v.probability) AS mean
    ${VERDICT_TRANSACTIONS} WHERE NOT coalesce(v.fallback, false) GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const curves = champion?.curves;
  const expected = curves ? curves.histogram.fraud.map((f, i) => f + curves.histogram.genuine[i]!) : null;
  const byDay = new Map<string, { counts: number[]; n: number; sum: number }>();
  for (const r of bins) {
    const day = String(r.day);
    let d = byDay.get(day);
    if (!d) byDay.set(day, (d = { counts: new Array<number>(20).fill(0), n: 0, sum: 0 }));
    d.counts[Number(r.bin)] = Number(r.n);
    d.n += Number(r.n);
    d.sum += Number(r.mean) * Number(r.n);
  }
  return [...byDay.entries()].map(([day, d]) => ({
    day,
    verdicts: d.n,
    mean_score: d.sum / d.n,
    psi: expected ? psi(expected, d.counts) : null,
  }));
}

export async function gatherReport(rt: Runtime, k = 100): Promise<ReportData> {
  const registry = rt.models();
  const [versions, pointer] = await Promise.all([registry.list(), registry.champion()]);
  const champion = pointer ? (versions.find((v) => v.version === pointer.version) ?? null) : null;
  const w = await rt.warehouse();
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
    champions: championHistory(pointer, versions),
    stages: existsSync(lastRunFile(rt))
      ? (JSON.parse(readFileSync(lastRunFile(rt), 'utf8')) as { stages: StageFigure[] }).stages
      : [],
    drift: await driftByDay(w, champion),
    k,
    quality: await qualityByDay(w, k),
    shadow: await shadowOf(w, pointer, versions, k),
  };
}

async function shadowOf(
  w: Warehouse,
  pointer: ChampionPointer | null,
  versions: ModelManifest[],
  k: number,
): Promise<ReportData['shadow']> {
  const challenger = pointer ? autoShadowVersion(versions, pointer) : null;
  if (!pointer || !challenger) return null;
  const c = await compareLive(w, pointer.version, challenger, maturedWindow(new Date(), 7, DELAY_DAYS), k);
  return { window: c.window, rows: comparisonRows(c) };
}
