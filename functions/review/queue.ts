// The review queue's core: the day's fraud and review verdicts not yet labelled, grouped by card, highest score first.
import { FraudflowError } from '../../shared/errors.ts';
import { queryAll, type Row, type Warehouse } from '../../shared/warehouse/port.ts';

export interface QueuedTransaction {
  /** The id a label names: the business transaction id of a raw transaction, the message id of a Kaggle row. */
  readonly transaction_id: string;
  readonly probability: number;
  readonly verdict: 'fraud' | 'review';
  readonly fallback: boolean;
  readonly model_version: string;
  readonly amount: number | null;
  readonly tx_datetime: string | null;
  readonly terminal_id: string | null;
  readonly reasons: ReadonlyArray<{ feature: string; contribution: number }>;
}

export interface HistoryTransaction {
  readonly transaction_id: string;
  readonly tx_datetime: string;
  readonly amount: number | null;
  readonly terminal_id: string | null;
  /** A confirmed outcome from the labels table; null while none is known. */
  readonly label: 0 | 1 | null;
}

export interface QueuedCard {
  readonly card: string;
  readonly max_probability: number;
  readonly transactions: readonly QueuedTransaction[];
  /** The card's latest transactions up to the day, newest first. */
  readonly history: readonly HistoryTransaction[];
}

export interface ReviewQueue {
  readonly day: string | null;
  /** Recent days with flagged verdicts, newest first, with how many are still to review. */
  readonly days: ReadonlyArray<{ day: string; flagged: number; open: number }>;
  readonly cards: readonly QueuedCard[];
}

export interface QueueOptions {
  /** YYYY-MM-DD (UTC, by scoring time); undefined: the newest day with flagged verdicts. */
  readonly day?: string;
  /** Cards shown: the investigators' k cards a day. */
  readonly cards: number;
  readonly historyPerCard: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Every flagged verdict with its transaction, its label key and whether that key is labelled. */
function flaggedSql(w: Warehouse): string {
  const d = w.dialect;
  const day = d.formatTimestamp('v.scored_at', '%Y-%m-%d');
  return `SELECT ${day} AS day, v.transaction_id AS verdict_tx, v.probability, v.verdict, v.fallback, v.model_version,
      v.reasons, coalesce(v.customer_id, t1.customer_id, t2.customer_id) AS customer_id,
      coalesce(t1.transaction_id, t2.transaction_id, v.transaction_id) AS label_key,
      coalesce(t1.${d.ident('Amount')}, t2.${d.ident('Amount')}) AS amount,
      ${d.formatTimestamp('coalesce(t1.tx_datetime, t2.tx_datetime)', '%Y-%m-%dT%H:%M:%SZ')} AS tx_datetime,
      coalesce(t1.terminal_id, t2.terminal_id) AS terminal_id
    FROM verdicts v
    LEFT JOIN transactions t1 ON t1.id = v.transaction_id
    LEFT JOIN transactions t2 ON t2.transaction_id = v.transaction_id AND t2.schema_name = 'raw'
    WHERE v.verdict IN ('fraud', 'review')`;
}

export async function reviewQueue(w: Warehouse, options: QueueOptions): Promise<ReviewQueue> {
  if (options.day !== undefined && !DAY.test(options.day))
    throw new FraudflowError('INPUT_INVALID', `review queue: day must be YYYY-MM-DD, got ${options.day}`);
  const labelled = `(SELECT transaction_id FROM labels GROUP BY transaction_id)`;
  const base = `SELECT f.*, CASE WHEN l.transaction_id IS NULL THEN 1 ELSE 0 END AS open
    FROM (${flaggedSql(w)}) f LEFT JOIN ${labelled} l ON l.transaction_id = f.label_key`;
  const days = (
    await queryAll(
      w,
      `SELECT day, CAST(count(*) AS INTEGER) AS flagged, CAST(sum(open) AS INTEGER) AS open
      FROM (${base}) q GROUP BY day ORDER BY day DESC LIMIT 14`,
    )
  ).map((r) => ({ day: String(r.day), flagged: Number(r.flagged), open: Number(r.open) }));
  const day = options.day ?? days[0]?.day ?? null;
  if (day === null) return { day, days, cards: [] };
  const rows = await queryAll(w, `SELECT * FROM (${base}) q WHERE day = ${quote(day)} AND open = 1`);
  const cards = groupByCard(rows).slice(0, options.cards);
  const history = await historyOf(w, cards, day, options.historyPerCard);
  return { day, days, cards: cards.map((c) => ({ ...c, history: history.get(c.card) ?? [] })) };
}

/** Cards by their highest score (ties by card id); a transaction scored twice (HTTP and stream) shows once. */
function groupByCard(rows: readonly Row[]): Array<Omit<QueuedCard, 'history'>> {
  const cards = new Map<string, Map<string, QueuedTransaction>>();
  for (const r of rows) {
    const tx: QueuedTransaction = {
      transaction_id: String(r.label_key),
      probability: Number(r.probability),
      verdict: r.verdict === 'fraud' ? 'fraud' : 'review',
      fallback: r.fallback === true,
      model_version: String(r.model_version),
      amount: r.amount === null || r.amount === undefined ? null : Number(r.amount),
      tx_datetime: r.tx_datetime === null || r.tx_datetime === undefined ? null : String(r.tx_datetime),
      terminal_id: r.terminal_id === null || r.terminal_id === undefined ? null : String(r.terminal_id),
      reasons: reasonsOf(r.reasons),
    };
    const card = r.customer_id === null || r.customer_id === undefined ? tx.transaction_id : String(r.customer_id);
    let txs = cards.get(card);
    if (!txs) cards.set(card, (txs = new Map()));
    const seen = txs.get(tx.transaction_id);
    if (!seen || seen.probability < tx.probability) txs.set(tx.transaction_id, tx);
  }
  return [...cards.entries()]
    .map(([card, txs]) => {
      const transactions = [...txs.values()].sort((a, b) => b.probability - a.probability);
      return { card, max_probability: transactions[0]!.probability, transactions };
    })
    .sort((a, b) => b.max_probability - a.max_probability || (a.card < b.card ? -1 : a.card > b.card ? 1 : 0));
}

function reasonsOf(value: unknown): QueuedTransaction['reasons'] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((x: unknown) => {
    const o = x as { feature?: unknown; contribution?: unknown };
    return typeof o.feature === 'string' && typeof o.contribution === 'number'
      ? [{ feature: o.feature, contribution: o.contribution }]
      : [];
  });
}

/** The latest raw transactions of each card up to the end of the day, with the labels confirmed so far. */
async function historyOf(
  w: Warehouse,
  cards: ReadonlyArray<{ card: string }>,
  day: string,
  perCard: number,
): Promise<Map<string, HistoryTransaction[]>> {
  const out = new Map<string, HistoryTransaction[]>();
  if (cards.length === 0 || perCard === 0) return out;
  const d = w.dialect;
  const ids = cards.map((c) => quote(c.card)).join(', ');
  const rows = await queryAll(
    w,
    `SELECT * FROM (
      SELECT t.customer_id, t.transaction_id, ${d.formatTimestamp('t.tx_datetime', '%Y-%m-%dT%H:%M:%SZ')} AS tx_datetime,
        t.${d.ident('Amount')} AS amount, t.terminal_id, l.label,
        row_number() OVER (PARTITION BY t.customer_id ORDER BY t.tx_datetime DESC, t.id) AS rn
      FROM transactions t
      LEFT JOIN (SELECT transaction_id, ${d.latest('label', 'labelled_at')} AS label FROM labels GROUP BY 1) l
        ON l.transaction_id = t.transaction_id
      WHERE t.schema_name = 'raw' AND t.customer_id IN (${ids})
        AND ${d.formatTimestamp('t.tx_datetime', '%Y-%m-%d')} <= ${quote(day)}
    ) h WHERE rn <= ${Math.floor(perCard)} ORDER BY customer_id, rn`,
  );
  for (const r of rows) {
    const card = String(r.customer_id);
    let list = out.get(card);
    if (!list) out.set(card, (list = []));
    list.push({
      transaction_id: String(r.transaction_id),
      tx_datetime: String(r.tx_datetime),
      amount: r.amount === null ? null : Number(r.amount),
      terminal_id: r.terminal_id === null ? null : String(r.terminal_id),
      label: r.label === null || r.label === undefined ? null : Number(r.label) === 1 ? 1 : 0,
    });
  }
  return out;
}
