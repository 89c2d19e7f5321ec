// The size of the real Kaggle/ULB card set, the generator's default (no imports: the CLI's help text reads it).
/** The real data set: 284,807 transactions over two days, 492 frauds. */
export const KAGGLE_ROWS = 284_807;
