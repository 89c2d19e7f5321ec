// `fraudflow models | promote <version> | rollback`: the model registry for operators.
import type { Command } from 'commander';
import type { RuntimeFactory } from '../main.ts';
import { table } from '../output.ts';
import type { ChampionSwitched } from '../../shared/model/champion.ts';
import { registerModelsCompare } from './models-compare.ts';
import { liveDecision, registerModelsDecisions } from './models-decisions.ts';

function printSwitched(r: ChampionSwitched, json = false): void {
  process.stdout.write(
    json
      ? JSON.stringify(r, null, 2) + '\n'
      : `champion: ${r.pointer.version}${r.published ? ` (serving on ${r.published.endpoint})` : ''}\n`,
  );
}

const r4 = (v: number | null | undefined) => (v === null || v === undefined ? '' : Number(v.toFixed(4)));

// eslint-disable-next-line max-lines-per-function -- one commander chain: the subcommands and options read together, as --help lists them
export function registerModels(program: Command, runtime: RuntimeFactory): void {
  const models = program.command('models');
  registerModelsCompare(models, runtime);
  registerModelsDecisions(models, runtime);
  models
    .description('list model versions with their validation metrics, status and why retraining promoted them or not')
    .option('--json', 'print as JSON: the champion pointer (with its history) and every manifest')
    .action(async (opts: { json?: boolean }) => {
      const registry = runtime().models();
      const [list, champion, decisions] = await Promise.all([
        registry.list(),
        registry.champion(),
        registry.decisions(),
      ]);
      if (opts.json)
        return void process.stdout.write(JSON.stringify({ champion, versions: list, decisions }, null, 2) + '\n');
      const lastLive = new Map(decisions.map((d) => [d.version, d] as const));
      const { championStack } = await import('../../shared/model/registry/history.ts');
      const stack = new Set(championStack(champion?.history ?? []));
      const ever = new Set((champion?.history ?? []).map((h) => h.version));
      process.stdout.write(
        table(
          list.map((m) => ({
            version: m.version,
            status:
              m.version === champion?.version
                ? 'champion'
                : stack.has(m.version)
                  ? 'previous champion'
                  : ever.has(m.version)
                    ? 'former champion'
                    : 'challenger',
            model: m.model,
            features: `${m.feature_spec.name} v${m.feature_spec.version}`,
            auprc: r4(m.metrics.auprc),
            roc_auc: r4(m.metrics.roc_auc),
            threshold: r4(m.threshold),
            precision: r4(m.metrics.precision),
            recall: r4(m.metrics.recall),
            train_rows: m.data.train_rows,
            validation_rows: m.data.validation_rows,
            created_at: m.created_at,
            decision: m.promotion?.reason ?? '',
            live_decision: liveDecision(lastLive.get(m.version)),
          })),
        ) + '\n',
      );
    });

  program
    .command('promote')
    .description('make a version the champion (the score functions pick it up); rollback undoes it')
    .argument('<version>')
    .option('--reason <text>', 'why, kept in the champion history', 'promoted by an operator')
    .option('--json', 'print the champion pointer (and where it was published) as JSON')
    .action(async (version: string, opts: { reason: string; json?: boolean }) => {
      const rt = runtime();
      const { switchChampion } = await import('../../shared/model/champion.ts');
      const r = await switchChampion(
        { registry: rt.models(), publisher: rt.modelPublisher(), logger: rt.logger },
        { action: 'promote', version, reason: opts.reason },
      );
      printSwitched(r, opts.json);
    });

  program
    .command('rollback')
    .description('make the previous champion the champion again (each rollback goes one further back)')
    .option('--reason <text>', 'why, kept in the champion history', 'rollback by an operator')
    .option('--json', 'print the champion pointer (and where it was published) as JSON')
    .action(async (opts: { reason: string; json?: boolean }) => {
      const rt = runtime();
      const { switchChampion } = await import('../../shared/model/champion.ts');
      const r = await switchChampion(
        { registry: rt.models(), publisher: rt.modelPublisher(), logger: rt.logger },
        { action: 'rollback', reason: opts.reason },
      );
      printSwitched(r, opts.json);
    });
}
