// The behavioural features of a raw transaction (Fraud Detection Handbook, "Baseline feature transformation").
export const WINDOWS_DAYS = [1, 7, 30] as const;
/** Labels arrive late: a terminal's risk uses only transactions at least this old. */
export const DELAY_DAYS = 7;
/**
 * How far behind the newest transaction a feature state must keep events: the longest window behind the label
 * delay, plus a day of slack for transactions that arrive late. Both states prune to it.
 */
export const STATE_KEEP_SECONDS = (DELAY_DAYS + WINDOWS_DAYS[WINDOWS_DAYS.length - 1]! + 1) * 86_400;

export const RAW_FEATURES = {
  name: 'raw',
  version: 1,
  names: [
    'tx_amount',
    'tx_during_weekend',
    'tx_during_night',
    ...WINDOWS_DAYS.flatMap((w) => [`customer_id_nb_tx_${w}day_window`, `customer_id_avg_amount_${w}day_window`]),
    ...WINDOWS_DAYS.flatMap((w) => [`terminal_id_nb_tx_${w}day_window`, `terminal_id_risk_${w}day_window`]),
  ],
};
