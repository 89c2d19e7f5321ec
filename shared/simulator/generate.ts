// The handbook's transaction simulator, day by day, with its three fraud scenarios; only compromise state is kept between days.
import { Random } from '../synth/random.ts';
import { customerProfiles, terminalProfiles } from './profiles.ts';

export interface SimulatorOptions {
  readonly customers: number;
  readonly terminals: number;
  readonly days: number;
  readonly seed: number;
  readonly startDate: string;
  /** Handbook defaults: radius 5, 2 terminals compromised a day for 28 days, 3 customers for 14 days. */
  readonly radius?: number;
  readonly compromisedTerminalsPerDay?: number;
  readonly terminalCompromiseDays?: number;
  readonly compromisedCustomersPerDay?: number;
  readonly customerCompromiseDays?: number;
}

export interface SimulatedTransaction {
  readonly transaction_id: string;
  readonly tx_datetime: string;
  readonly customer_id: string;
  readonly terminal_id: string;
  readonly amount: number;
  readonly label: 0 | 1;
  /** 0 genuine; 1 amount over 220; 2 compromised terminal; 3 compromised customer (amount x5). */
  readonly fraud_scenario: 0 | 1 | 2 | 3;
}

const DAY = 86_400;

/** Yields one day's transactions at a time, sorted by time; the whole run is sorted and deterministic for a seed. */
// eslint-disable-next-line max-lines-per-function -- the Handbook simulator's day loop and its three fraud scenarios in order
export function* simulateDays(o: SimulatorOptions): Generator<SimulatedTransaction[]> {
  const rnd = new Random(o.seed);
  const terminals = terminalProfiles(o.terminals, rnd);
  const customers = customerProfiles(o.customers, terminals, o.radius ?? 5, rnd);
  const start = Date.parse(o.startDate.length === 10 ? `${o.startDate}T00:00:00Z` : o.startDate) / 1000;
  const terminalUntil = new Map<number, number>(); // terminal -> last day (exclusive) it is compromised
  const customerUntil = new Map<number, number>();
  let txCounter = 0;
  for (let day = 0; day < o.days; day++) {
    // Compromises start today and last for the configured number of days (scenarios 2 and 3).
    for (let k = 0; k < (o.compromisedTerminalsPerDay ?? 2); k++)
      terminalUntil.set(rnd.int(0, o.terminals), day + (o.terminalCompromiseDays ?? 28));
    for (let k = 0; k < (o.compromisedCustomersPerDay ?? 3); k++)
      customerUntil.set(rnd.int(0, o.customers), day + (o.customerCompromiseDays ?? 14));
    const rows: Array<{ t: number; c: number; term: number; amount: number }> = [];
    for (const c of customers) {
      const n = rnd.poisson(c.meanTxPerDay);
      for (let i = 0; i < n; i++) {
        const time = Math.round(rnd.normal(DAY / 2, 20_000));
        if (time <= 0 || time >= DAY) continue;
        let amount = rnd.normal(c.meanAmount, c.stdAmount);
        if (amount < 0) amount = rnd.uniform(0, c.meanAmount * 2);
        if (c.terminals.length === 0) continue;
        rows.push({
          t: day * DAY + time,
          c: c.id,
          term: c.terminals[rnd.int(0, c.terminals.length)]!,
          amount: Math.round(amount * 100) / 100,
        });
      }
    }
    rows.sort((a, b) => a.t - b.t || a.c - b.c);
    yield rows.map((r) => {
      let scenario: SimulatedTransaction['fraud_scenario'] = 0;
      let amount = r.amount;
      if (amount > 220) scenario = 1;
      if ((terminalUntil.get(r.term) ?? -1) > day) scenario = 2;
      // A third of a compromised customer's transactions are fraud, their amounts multiplied by 5.
      if ((customerUntil.get(r.c) ?? -1) > day && rnd.next() < 1 / 3) {
        scenario = 3;
        amount = Math.round(amount * 5 * 100) / 100;
      }
      return {
        transaction_id: `tx${String(txCounter++).padStart(9, '0')}`,
        tx_datetime: new Date((start + r.t) * 1000).toISOString().replace('.000Z', 'Z'),
        customer_id: `c${r.c}`,
        terminal_id: `t${r.term}`,
        amount,
        label: scenario === 0 ? 0 : 1,
        fraud_scenario: scenario,
      };
    });
    for (const [k, until] of terminalUntil) if (until <= day + 1) terminalUntil.delete(k);
    for (const [k, until] of customerUntil) if (until <= day + 1) customerUntil.delete(k);
  }
}
