// The SQL compiler of rule conditions: exact literals, and on a real DuckDB the same truth as the TS evaluator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { conditionSql, idLiteral, numberLiteral } from '../../shared/scoring/rules/sql.ts';
import { matches, type RuleValues } from '../../shared/scoring/rules/evaluate.ts';
import { COMPARISONS, type Condition } from '../../shared/scoring/rules/schema.ts';
import { DUCKDB_DIALECT, BIGQUERY_DIALECT } from '../../shared/warehouse/dialect.ts';
import { Random } from '../../shared/synth/random.ts';

const ROWS: RuleValues[] = [
  { amount: 0, customer_id: 'c1', risk: 0 },
  { amount: 0.1, customer_id: 'c2', risk: 1 / 3 },
  { amount: 5000, customer_id: 'c1', risk: 0.5 },
  { amount: 5000.01, customer_id: 'c3', risk: 2 / 3 },
  { amount: 123.456, customer_id: undefined, risk: 1 }, // a NULL id: every comparison on it false
];
const NUMBERS = [0, 0.1, 1 / 3, 0.5, 2 / 3, 1, 123.456, 5000, 5000.01, -1, 1e21, 1e-7];

let instance: DuckDBInstance;
let db: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  await db.run('CREATE TABLE f (i INTEGER, amount DOUBLE, customer_id VARCHAR, risk DOUBLE)');
  for (const [i, r] of ROWS.entries())
    await db.run(
      `INSERT INTO f VALUES (${i}, ${numberLiteral(r.amount as number)}, ${r.customer_id ? idLiteral(r.customer_id as string) : 'NULL'}, ${numberLiteral(r.risk as number)})`,
    );
});
afterAll(() => {
  db.closeSync();
  instance.closeSync();
});

async function sqlMatches(c: Condition): Promise<boolean[]> {
  const sql = `SELECT i, CASE WHEN ${conditionSql(c, (field) => `f.${DUCKDB_DIALECT.ident(field)}`)} THEN 1 ELSE 0 END AS m FROM f ORDER BY i`;
  return (await db.runAndReadAll(sql)).getRowObjects().map((r) => Number(r.m) === 1);
}

function randomCondition(rnd: Random, depth = 0): Condition {
  const pick = <T>(xs: readonly T[]) => xs[rnd.int(0, xs.length)]!;
  const roll = rnd.next();
  if (depth < 3 && roll < 0.3) {
    const children = Array.from({ length: rnd.int(1, 4) }, () => randomCondition(rnd, depth + 1));
    return rnd.next() < 0.5 ? { all: children } : { any: children };
  }
  if (depth < 3 && roll < 0.4) return { not: randomCondition(rnd, depth + 1) };
  if (rnd.next() < 0.3) {
    const ids = ['c1', 'c2', 'c3', 'c4'];
    return rnd.next() < 0.5
      ? { field: 'customer_id', op: 'in', value: ids.filter(() => rnd.next() < 0.5).concat('c9') }
      : { field: 'customer_id', op: pick(['==', '!='] as const), value: pick(ids) };
  }
  const field = pick(['amount', 'risk']);
  return rnd.next() < 0.15
    ? { field, op: 'in', value: [pick(NUMBERS), pick(NUMBERS)] }
    : { field, op: pick(COMPARISONS), value: pick(NUMBERS) };
}

describe('the rules SQL compiler', () => {
  it('writes numbers as float literals with the shortest round-trip digits, no plus sign', () => {
    expect(numberLiteral(5000)).toBe('(5e3)');
    expect(numberLiteral(0.5)).toBe('(5e-1)');
    expect(numberLiteral(-0.25)).toBe('(-2.5e-1)');
    expect(numberLiteral(1 / 3)).toBe(`(${(1 / 3).toExponential()})`);
    expect(() => numberLiteral(Number.NaN)).toThrow(/not a finite number/);
  });

  it('refuses an id literal outside the id grammar rather than escaping it', () => {
    expect(idLiteral('t-9:a.b_c')).toBe("'t-9:a.b_c'");
    expect(() => idLiteral("x' OR '1'='1")).toThrow(/outside the id grammar/);
    expect(() => idLiteral('a\\b')).toThrow();
  });

  it('quotes field names through the dialect only', () => {
    const c: Condition = {
      all: [{ field: 'amount', op: '>', value: 1 }, { not: { field: 'customer_id', op: 'in', value: ['a', 'b'] } }],
    };
    expect(conditionSql(c, (x) => BIGQUERY_DIALECT.ident(x))).toBe(
      "(COALESCE(`amount` > (1e0), FALSE) AND (NOT COALESCE(`customer_id` IN ('a', 'b'), FALSE)))",
    );
  });

  it.each(COMPARISONS.map((op) => [op]))(
    'agrees with the TS evaluator on every row for %s at every edge',
    async (op) => {
      for (const value of NUMBERS) {
        const c: Condition = { field: 'amount', op, value };
        expect(await sqlMatches(c), `amount ${op} ${value}`).toEqual(ROWS.map((r) => matches(c, r)));
        const r: Condition = { field: 'risk', op, value };
        expect(await sqlMatches(r), `risk ${op} ${value}`).toEqual(ROWS.map((row) => matches(r, row)));
      }
    },
  );

  it('agrees with the TS evaluator on 300 random combinations of all, any, not, in and the comparisons', async () => {
    const rnd = new Random(20);
    for (let k = 0; k < 300; k++) {
      const c = randomCondition(rnd);
      expect(await sqlMatches(c), JSON.stringify(c)).toEqual(ROWS.map((r) => matches(c, r)));
    }
  });
});
