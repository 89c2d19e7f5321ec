// The raw demo's closing table: the champion on its test window, the live stream against the late labels, the second retrain.
import { table } from '../output.ts';
import type { RawDemoSummary } from './raw.ts';

const r4 = (v: number | null) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10_000) / 10_000);

export function rawSummaryRows(s: RawDemoSummary): Array<Record<string, string | number | null>> {
  const lf = s.live_figures;
  const validation = (label: string, r: RawDemoSummary['first']) => ({
    figures: label,
    model: `${r.version} (${r.model})`,
    window: r.test_window,
    rows: r.validation_rows,
    frauds: r.validation_frauds,
    AP: r4(r.auprc),
    roc_auc: r4(r.roc_auc),
    'CP@100': r4(r.card_precision_at_100),
    precision: r4(r.precision),
    recall: r4(r.recall),
  });
  return [
    validation('retrain 1: held-out test', s.first),
    {
      figures: 'live: stream scores vs late labels',
      model: lf.model_version,
      window: `${s.simulation.live.from}..${s.simulation.live.to}`,
      rows: lf.verdicts - lf.unlabelled,
      frauds: lf.frauds,
      AP: r4(lf.auprc),
      roc_auc: r4(lf.roc_auc),
      'CP@100': r4(lf.card_precision_at_100),
      precision: r4(lf.precision),
      recall: r4(lf.recall),
    },
    validation(`retrain 2: held-out test (${s.second.promoted ? 'promoted' : 'refused'})`, s.second),
  ];
}

export function printRawSummary(s: RawDemoSummary, report: string, elapsedS: number): void {
  const out = (t: string) => process.stdout.write(t + '\n');
  out('\nchampion on its test window, and live (precision and recall of the fraud verdicts at the threshold)');
  out(table(rawSummaryRows(s)));
  out(`\nsecond retrain ${s.second.promoted ? 'promoted' : 'refused'} ${s.second.version}: ${s.second.reason}`);
  out(`report: ${report}`);
  out(`done in ${elapsedS} s; query it: fraudflow sql "select verdict, count(*) from verdicts group by 1"`);
}
