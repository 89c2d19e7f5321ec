// Bench child: on the prequential folds only (never the reported window), which compromised cards retrain's GBDT puts
// in each day's top 100 and which it misses, by the simulator's fraud scenario; scenario 2 (compromised terminals) split
// by whether the terminal's first fraud is older than the label delay (its risk features can see it) or not.
// argv: <warehouse.duckdb> <end YYYY-MM-DD> <folds> [GBDT_WIDE_GRID index, default 2]; prints one JSON line.
import { DuckDbWarehouse } from '../../shared/warehouse/duckdb/duckdb.ts';
import { rawSpecOf } from '../../shared/features/raw/spec.ts';
import { cardPrecisionByKind, type KindTally } from '../../shared/metrics/card-precision-misses.ts';
import { planSplits } from '../../functions/retrain/protocol.ts';
import { cardColumns, matrices } from '../../functions/retrain/matrix.ts';
import { trainModel } from '../../functions/retrain/train.ts';
import { GBDT_WIDE_GRID } from '../../functions/retrain/gbdt-grid.ts';

const [file, end, foldsArg, gridArg] = process.argv.slice(2) as [string, string, string, string | undefined];
const DAY = 86_400;
const DELAY_DAYS = 7;
/** Scenario 2 lasts 28 days at a terminal: its compromise began at its first scenario-2 fraud within 28 days. */
const COMPROMISE_DAYS = 28;
const config = GBDT_WIDE_GRID[Number(gridArg ?? 2)]!;
const KINDS: Record<number, string> = {
  1: 'scenario 1 (amount > 220)',
  20: 'scenario 2, terminal compromised < 7 days (within the label delay)',
  21: 'scenario 2, terminal compromised >= 7 days',
  3: 'scenario 3 (compromised customer, amounts x5)',
};

const warehouse = await DuckDbWarehouse.open(file, { readOnly: true });
try {
  const plan = await planSplits(warehouse, {
    format: 'raw',
    validationFraction: 0.2,
    gapSeconds: undefined,
    windows: { trainDays: 7, delayDays: DELAY_DAYS, testDays: 7, end },
    folds: Number(foldsArg),
    spec: rawSpecOf(),
  });
  const data = plan.data;
  const split = plan.split;
  if (split.mode !== 'windows') throw new Error('card-misses: expected day windows');
  // The kept rows in the order planSplits read them (raw-history.ts's ORDER BY), from its first kept day.
  const keepFrom = Date.parse(`${split.feature_history_from}T00:00:00Z`) / 1000 + 37 * DAY;
  const scenario = new Uint8Array(data.rows);
  const terminal = new Uint32Array(data.rows);
  let at = 0;
  for await (const page of warehouse.query(`SELECT epoch(tx_datetime) AS t, CAST(terminal_id AS INTEGER) AS term,
      coalesce(fraud_scenario, 0) AS sc FROM transactions WHERE schema_name = 'raw'
      AND tx_datetime >= TIMESTAMP '${new Date(keepFrom * 1000).toISOString().slice(0, 19).replace('T', ' ')}' ORDER BY tx_datetime, source_line, id`))
    for (const r of page) {
      if (at >= data.rows || Math.abs(Number(r.t) - data.time[at]!) > 1)
        throw new Error(`card-misses: row ${at} misaligned`);
      scenario[at] = Number(r.sc);
      terminal[at++] = Number(r.term);
    }
  if (at !== data.rows) throw new Error(`card-misses: ${at} rows read, ${data.rows} planned`);
  const s2 = new Map<number, number[]>();
  for await (const page of warehouse.query(`SELECT CAST(terminal_id AS INTEGER) AS term, epoch(tx_datetime) AS t
      FROM transactions WHERE schema_name = 'raw' AND fraud_scenario = 2 ORDER BY t`))
    for (const r of page) {
      const list = s2.get(Number(r.term)) ?? [];
      list.push(Number(r.t));
      s2.set(Number(r.term), list);
    }
  const compromisedDays = (i: number) => {
    const t = data.time[i]!;
    const first = (s2.get(terminal[i]!) ?? []).find((x) => x > t - COMPROMISE_DAYS * DAY && x <= t) ?? t;
    return (t - first) / DAY;
  };
  const kindOf = (i: number) =>
    scenario[i] === 2 ? (compromisedDays(i) < DELAY_DAYS ? 20 : 21) : scenario[i] === 3 ? 3 : 1;
  const rows: Array<{ fold: number; window: [string, string]; tallies: ReturnType<typeof byKind> }> = [];
  for (const [f, fold] of plan.folds.entries()) {
    const m = matrices(data, fold);
    const t = await trainModel(m.xTrain, m.yTrain, m.xTest, m.yTest, data.width, {
      kind: 'gbdt',
      maxEpochs: 10,
      seed: 42,
      gbdt: config.params,
      classWeighting: config.classWeighting,
    });
    const cards = cardColumns(data, fold.test)!;
    const kind = Uint8Array.from(fold.test, (i) => (data.labels[i] === 1 ? kindOf(i) : 0));
    const tallies = cardPrecisionByKind({ ...cards, score: t.validationScores, label: m.yTest, kind }, 100);
    t.model.dispose();
    rows.push({ fold: f, window: split.selection_test_windows?.[f] ?? ['', ''], tallies: byKind(tallies) });
  }
  process.stdout.write(
    JSON.stringify({ model: `gbdt ${config.name}`, spec: `raw v${data.spec.version}`, folds: rows }) + '\n',
  );
} finally {
  await warehouse.close();
}

function byKind(tallies: readonly KindTally[]) {
  const out: Record<string, { compromised: number; found: number }> = {};
  for (const t of tallies) {
    const o = (out[KINDS[t.kind] ?? `kind ${t.kind}`] ??= { compromised: 0, found: 0 });
    o.compromised += t.compromised;
    o.found += t.found;
  }
  return out;
}
