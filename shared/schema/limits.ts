// The sane range of every numeric and time field of the wire formats, and why each limit is where it is.

/**
 * Kaggle/ULB `Time`: seconds since the first transaction of the extract. The published set spans two days
 * (0 .. 172,792 s); a year (366 days) leaves room for a longer collection period while refusing values like 2e300
 * that would become a whole training or validation window.
 */
export const MAX_KAGGLE_TIME_SECONDS = 366 * 86_400;

/**
 * Kaggle/ULB V1..V28: PCA components of standardised features. The shipped sample (all 492 frauds, the most extreme
 * rows) spans -43.56 .. 27.20; a bound of 1000 keeps real rows with a wide margin and keeps every product a model
 * forms with them finite, even in float32.
 */
export const MAX_PCA_MAGNITUDE = 1000;

/**
 * Amounts in both formats, in the currency unit. Real card data stays far below (ULB max 25,691.16, handbook
 * simulation max 2,628.00); a million is refused as not a card transaction, and keeps cent sums exact in a double.
 */
export const MAX_AMOUNT = 1_000_000;

/** Date-times: calendar years of the wire formats (local time as written). Older or later times are typos or hostile. */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2100;

/** Zone offsets in use run from UTC-12:00 (Baker Island) to UTC+14:00 (Line Islands); minutes 00..59. */
export const MIN_OFFSET_MINUTES = -12 * 60;
export const MAX_OFFSET_MINUTES = 14 * 60;

/** Online scoring refuses a transaction time more than this far ahead of the wall clock (FRAUDFLOW_MAX_FUTURE_SKEW_SECONDS). */
export const DEFAULT_MAX_FUTURE_SKEW_SECONDS = 86_400;
