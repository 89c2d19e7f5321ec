// The raw demo's defaults: size, days, seed and windows (light, for the command's help text).
export const RAW_DEMO = {
  rows: 60_000,
  historyDays: 42,
  liveDays: 14,
  seed: 7,
  startDate: '2026-04-01',
  windows: { trainDays: 7, delayDays: 7, testDays: 7 },
  /** Earlier splits that choose the model: two keep both retrains inside the demo's time budget. */
  prequentialFolds: 2,
} as const;
