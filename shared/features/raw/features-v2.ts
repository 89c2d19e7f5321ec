// Spec v2's features beyond v1: ratios of the transaction to the customer's own history, recency, a known terminal,
// and the terminal's recent activity (no label delay), from v1's features and the state's v2 aggregates (spec v3
// is v1 and the same ratios).
import { FraudflowError } from '../../errors.ts';
import { NO_PREVIOUS_HOURS, RAW_FEATURES, WINDOWS_DAYS } from './spec.ts';
import type { ExtraWindows } from './port.ts';

const at = (name: string) => RAW_FEATURES.names.indexOf(name);
const AMOUNT = at('tx_amount');
const N = WINDOWS_DAYS.map((w) => at(`customer_id_nb_tx_${w}day_window`));
const AVG = WINDOWS_DAYS.map((w) => at(`customer_id_avg_amount_${w}day_window`));
const LONGEST = WINDOWS_DAYS[WINDOWS_DAYS.length - 1]!;

/** a / b, with 1 where both are 0 (a customer whose amounts are all 0: the transaction is at its mean). */
const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? 1 : 0) : a / b);

/**
 * The six ratios (V2_GROUPS.ratios, in that order) from `v1` as featuresFromWindows gives them (its averages count
 * the transaction itself): the one definition spec v2 and spec v3 both use.
 */
export function ratioFeatures(v1: readonly number[]): number[] {
  const amount = v1[AMOUNT]!;
  const avg = AVG.map((i) => v1[i]!);
  const last = avg.length - 1;
  return [
    ...avg.map((a) => ratio(amount, a)),
    // The 30-day window holds the transaction itself, so its daily rate is never 0.
    v1[N[0]!]! / (v1[N[last]!]! / LONGEST),
    ratio(avg[0]!, avg[last]!),
    ratio(avg[1]!, avg[last]!),
  ];
}

/** The v2 features after v1's: the ratios, then what the state's v2 aggregates give. */
export function v2Extras(v1: readonly number[], tMs: number, extra: ExtraWindows | undefined): number[] {
  if (!extra)
    throw new FraudflowError('INTERNAL', 'feature state answered a v2 read without the v2 aggregates', {
      spec: 'raw v2',
    });
  return [
    ...ratioFeatures(v1),
    extra.previousMs === null ? NO_PREVIOUS_HOURS : (tMs - extra.previousMs) / 3_600_000,
    extra.customerAtTerminal > 0 ? 1 : 0,
    ...extra.terminalRecent,
  ];
}
