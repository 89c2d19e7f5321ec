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

/** The terminal's recent windows of spec v2: counts of the last days, no label delay (a count needs no label). */
export const RECENT_DAYS = [1, 7] as const;
/** Hours since the customer's previous transaction when it has none in its widest window (the value is capped there). */
export const NO_PREVIOUS_HOURS = WINDOWS_DAYS[WINDOWS_DAYS.length - 1]! * 24;

/** The feature groups v2 adds to v1, in the order they follow v1's names (the ablation drops one group at a time). */
export const V2_GROUPS = {
  ratios: [
    ...WINDOWS_DAYS.map((w) => `amount_over_customer_avg_${w}day_window`),
    'customer_nb_tx_1day_over_30day_daily_rate',
    'customer_avg_amount_1day_over_30day_window',
    'customer_avg_amount_7day_over_30day_window',
  ],
  recency: ['customer_hours_since_previous_tx'],
  terminal_seen: ['customer_used_terminal_30day_window'],
  terminal_recent: RECENT_DAYS.map((w) => `terminal_id_nb_tx_${w}day_window_no_delay`),
} as const;

export const RAW_FEATURES_V2 = {
  name: 'raw',
  version: 2,
  names: [...RAW_FEATURES.names, ...Object.values(V2_GROUPS).flat()],
};

/**
 * Spec v3: v1 and v2's ratios, nothing else. The prequential ablation on the Handbook (README, "Features v3") found
 * the ratios carry all of v2's gain in AP and the other groups none. The ratios are functions of v1's features alone,
 * so a v3 read is a v1 read of the state (no v2 aggregates).
 */
export const RAW_FEATURES_V3 = {
  name: 'raw',
  version: 3,
  names: [...RAW_FEATURES.names, ...V2_GROUPS.ratios],
};

export type RawFeatureSpec = typeof RAW_FEATURES;
/** The raw feature specs by version: a model's manifest names the one it was trained on. */
export const RAW_SPECS: Readonly<Record<number, RawFeatureSpec>> = {
  1: RAW_FEATURES,
  2: RAW_FEATURES_V2,
  3: RAW_FEATURES_V3,
};

/** The versions retrain can be asked for (`--features`, the message's `features`, FRAUDFLOW_FEATURES). */
export const RAW_FEATURE_VERSIONS = ['v1', 'v2', 'v3'] as const;
export type RawFeatureVersionName = (typeof RAW_FEATURE_VERSIONS)[number];
export type RawFeatureVersion = 1 | 2 | 3;
/** `v3` -> 3. */
export const rawVersionOf = (name: RawFeatureVersionName): RawFeatureVersion =>
  (RAW_FEATURE_VERSIONS.indexOf(name) + 1) as RawFeatureVersion;

/** The raw spec retrain uses when none is asked: v3, ahead by prequential AP on the Handbook (README, "Features v3"). */
export const DEFAULT_RAW_FEATURES_VERSION: RawFeatureVersion = 3;
/** The spec of a version (`--features v1|v2|v3`); undefined: the default. */
export const rawSpecOf = (version: number = DEFAULT_RAW_FEATURES_VERSION): RawFeatureSpec => {
  const spec = RAW_SPECS[version];
  if (!spec)
    throw new RangeError(`raw features v${version}: no such version (known: ${RAW_FEATURE_VERSIONS.join(', ')})`);
  return spec;
};
