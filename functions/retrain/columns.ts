// Growable typed columns of a training history: 4 bytes a feature and a few a row, never a JS object per row.

function grow<T extends Float32Array | Float64Array | Uint8Array | Uint32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

export interface Columns {
  /** Rows of `width` features, packed. */
  readonly features: Float32Array;
  readonly labels: Uint8Array;
  /** Event time in seconds. */
  readonly time: Float64Array;
  readonly cards: Uint32Array;
  readonly rows: number;
}

/** Rows appended one at a time; capacity doubles, and `done` hands out views of the filled part. */
export class RowColumns {
  private n = 0;
  private features: Float32Array;
  private labels: Uint8Array;
  private time: Float64Array;
  private cards: Uint32Array;

  /** `cap`: the rows the caller counted beforehand (then nothing is copied or left spare); more still fit. */
  constructor(
    readonly width: number,
    private cap = 1 << 16,
  ) {
    this.cap = Math.max(1, cap);
    this.features = new Float32Array(this.cap * width);
    this.labels = new Uint8Array(this.cap);
    this.time = new Float64Array(this.cap);
    this.cards = new Uint32Array(this.cap);
  }

  push(features: ArrayLike<number>, label: number, time: number, card = 0): void {
    if (this.n === this.cap) this.resize(this.cap * 2);
    this.features.set(features, this.n * this.width);
    this.labels[this.n] = label;
    this.time[this.n] = time;
    this.cards[this.n] = card;
    this.n++;
  }

  /** The slot for the next row's features (filled in place by the caller), the row's other columns set. */
  slot(label: number, time: number, card = 0): number {
    if (this.n === this.cap) this.resize(this.cap * 2);
    this.labels[this.n] = label;
    this.time[this.n] = time;
    this.cards[this.n] = card;
    return this.n++ * this.width;
  }

  /** Where `slot`'s features go. */
  get featureBuffer(): Float32Array {
    return this.features;
  }

  private resize(cap: number): void {
    this.cap = cap;
    this.features = grow(this.features, cap * this.width);
    this.labels = grow(this.labels, cap);
    this.time = grow(this.time, cap);
    this.cards = grow(this.cards, cap);
  }

  /** Views of the filled rows (no copy: with the count known beforehand there is no spare capacity behind them). */
  done(): Columns {
    const n = this.n;
    return {
      features: this.features.subarray(0, n * this.width),
      labels: this.labels.subarray(0, n),
      time: this.time.subarray(0, n),
      cards: this.cards.subarray(0, n),
      rows: n,
    };
  }
}
