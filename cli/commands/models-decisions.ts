// `fraudflow models decisions [version]`: each shadow-period judgement kept in the registry (promoted, refused, lost),
// with the matured window, the frauds and both versions' live figures.
import type { Command } from 'commander';
import type { RuntimeFactory } from '../main.ts';
import { table } from '../output.ts';
import type { PromotionDecision } from '../../shared/model/registry/decision.ts';

const r4 = (v: number | null | undefined) => (v === null || v === undefined ? '' : Number(v.toFixed(4)));

/** The latest live judgement of a version in one cell of `fraudflow models`. */
export function liveDecision(d: PromotionDecision | undefined): string {
  return d ? `${d.outcome} ${d.at.slice(0, 10)} (${d.frauds ?? 0} frauds)` : '';
}

export function decisionRows(ds: readonly PromotionDecision[]): Array<Record<string, string | number>> {
  return ds.map((d) => ({
    at: d.at,
    version: d.version,
    champion: d.champion,
    outcome: d.outcome,
    window: d.window ? `${d.window.from.slice(0, 10)}..${d.window.to.slice(0, 10)}` : '',
    transactions: d.transactions ?? '',
    frauds: d.frauds ?? '',
    ap: r4(d.challenger_figures?.ap),
    champion_ap: r4(d.champion_figures?.ap),
    alerts: d.threshold ? `${d.threshold.champion_alerts} -> ${d.threshold.challenger_alerts}` : '',
    threshold: d.threshold ? `${d.threshold.decision} ${r4(d.threshold.before)} -> ${r4(d.threshold.after)}` : '',
    reason: d.reason,
  }));
}

export function registerModelsDecisions(models: Command, runtime: RuntimeFactory): void {
  models
    .command('decisions')
    .description('the shadow-period promotion decisions kept in the registry: promoted, refused or lost, and why')
    .argument('[version]', 'one challenger version (every version when absent)')
    .option('--json', 'print as JSON')
    .action(async (version: string | undefined, _opts: unknown, cmd: Command) => {
      const json = Boolean((cmd.optsWithGlobals() as { json?: boolean }).json);
      const decisions = await runtime().models().decisions(version);
      if (json) return void process.stdout.write(JSON.stringify({ decisions }, null, 2) + '\n');
      process.stdout.write(
        decisions.length ? table(decisionRows(decisions)) + '\n' : 'no promotion decisions recorded\n',
      );
    });
}
