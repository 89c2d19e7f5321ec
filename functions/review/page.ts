// The review queue as one server-rendered page: cards by score, their history, and fraud / genuine buttons that work without script.
import type { QueuedCard, ReviewQueue } from './queue.ts';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const money = (n: number | null) => (n === null ? '' : n.toFixed(2));
const time = (s: string | null) => (s === null ? '' : esc(s.replace('T', ' ').replace('Z', '')));
const pct = (p: number) => `${(100 * p).toFixed(1)}%`;

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#1d2330;color:#fff;padding:12px 20px;display:flex;gap:24px;align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0}header a{color:#9cc3ff}header label{display:flex;gap:6px;align-items:center}
main{padding:16px 20px;max-width:1100px}nav.days a{margin-right:12px}
.card{background:#fff;border:2px solid transparent;border-radius:8px;padding:12px 16px;margin:12px 0;box-shadow:0 1px 2px #0002}
.card:focus,.card:focus-within{border-color:#2f6fed;outline:none}
.card h2{font-size:15px;margin:0 0 8px;display:flex;gap:12px;align-items:baseline}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #e3e5ea;vertical-align:top}
th{font-weight:600;color:#555;font-size:12px}.fraud{color:#b00020;font-weight:600}.review{color:#9a6700;font-weight:600}
.actions{display:flex;gap:8px;flex-wrap:wrap}.actions form{display:inline}
button{font:inherit;padding:4px 10px;border-radius:5px;border:1px solid #888;background:#fff;cursor:pointer}
button.f{border-color:#b00020;color:#b00020}button.g{border-color:#137333;color:#137333}
button:focus{outline:3px solid #2f6fed}.muted{color:#666}.flash{background:#e6f4ea;padding:8px 12px;border-radius:6px}
kbd{border:1px solid #aaa;border-radius:3px;padding:0 4px;font-size:12px;background:#fafafa}`;

/** The little script: j/k (or arrows) move between cards, f / g label the focused card; submits in place. */
const SCRIPT = `(() => {
  const analyst = document.getElementById('analyst');
  analyst.value = analyst.value || localStorage.getItem('fraudflow.analyst') || '';
  analyst.addEventListener('change', () => localStorage.setItem('fraudflow.analyst', analyst.value.trim()));
  const cards = () => [...document.querySelectorAll('.card')];
  const focusCard = (i) => { const c = cards(); if (c.length) c[Math.max(0, Math.min(i, c.length - 1))].focus(); };
  const current = () => cards().indexOf(document.activeElement.closest('.card'));
  const status = document.getElementById('status');
  const say = (text) => { status.textContent = text; status.hidden = false; };
  async function submit(form) {
    const who = analyst.value.trim();
    if (!who) { say('Enter your name (analyst) first.'); analyst.focus(); return; }
    const data = new FormData(form);
    const body = { transaction_ids: data.getAll('transaction_ids'), decision: data.get('decision'), analyst: who };
    const res = await fetch('label', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) { say('Not saved: ' + (answer.error || res.status)); return; }
    const card = form.closest('.card');
    const i = cards().indexOf(card);
    const row = form.closest('tr');
    if (row && card.querySelectorAll('tr.tx').length > 1) {
      row.remove();
      // The card's own buttons now label only what is still open on it.
      for (const input of card.querySelectorAll('form.card-fraud input[name=transaction_ids], form.card-genuine input[name=transaction_ids]'))
        if (body.transaction_ids.includes(input.value)) input.remove();
    } else card.remove();
    say('Saved ' + answer.labelled + ' label(s) as ' + body.decision + '.');
    document.getElementById('open').textContent = cards().length;
    focusCard(i);
  }
  document.addEventListener('submit', (e) => { if (e.target.matches('form.label')) { e.preventDefault(); submit(e.target); } });
  document.addEventListener('keydown', (e) => {
    if (e.target.matches('input, textarea') || e.ctrlKey || e.metaKey || e.altKey) return;
    const i = current();
    if (e.key === 'j' || e.key === 'ArrowDown') { e.preventDefault(); focusCard(i + 1); }
    else if (e.key === 'k' || e.key === 'ArrowUp') { e.preventDefault(); focusCard(i - 1); }
    else if ((e.key === 'f' || e.key === 'g') && i >= 0) {
      e.preventDefault();
      submit(cards()[i].querySelector('form.card-' + (e.key === 'f' ? 'fraud' : 'genuine')));
    }
  });
  focusCard(0);
})();`;

function decisionForm(ids: readonly string[], decision: 'fraud' | 'genuine', label: string, cls: string): string {
  const hidden = ids.map((id) => `<input type="hidden" name="transaction_ids" value="${esc(id)}">`).join('');
  return `<form class="label ${cls}" method="post" action="label">${hidden}<input type="hidden" name="decision" value="${decision}"><button type="submit" class="${decision === 'fraud' ? 'f' : 'g'}">${label}</button></form>`;
}

function cardHtml(c: QueuedCard): string {
  const ids = c.transactions.map((t) => t.transaction_id);
  const flagged = c.transactions
    .map(
      (
        t,
      ) => `<tr class="tx"><td>${time(t.tx_datetime)}</td><td>${money(t.amount)}</td><td>${esc(t.terminal_id ?? '')}</td>
<td class="${t.verdict}">${t.verdict}${t.fallback ? ' (fallback)' : ''} ${pct(t.probability)}</td>
<td>${t.reasons.map((r) => `${esc(r.feature)} ${r.contribution >= 0 ? '+' : ''}${r.contribution.toFixed(3)}`).join('<br>')}</td>
<td class="actions">${decisionForm([t.transaction_id], 'fraud', 'Fraud', 'tx-fraud')}${decisionForm([t.transaction_id], 'genuine', 'Genuine', 'tx-genuine')}</td></tr>`,
    )
    .join('');
  const history = c.history.length
    ? `<table aria-label="recent transactions of card ${esc(c.card)}"><thead><tr><th>recent transactions</th><th>amount</th><th>terminal</th><th>known label</th></tr></thead><tbody>${c.history
        .map(
          (h) =>
            `<tr><td>${time(h.tx_datetime)}</td><td>${money(h.amount)}</td><td>${esc(h.terminal_id ?? '')}</td><td>${h.label === null ? '<span class="muted">unknown</span>' : h.label === 1 ? '<span class="fraud">fraud</span>' : 'genuine'}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p class="muted">No earlier transactions of this card in the warehouse.</p>';
  return `<section class="card" tabindex="0" data-card="${esc(c.card)}" aria-label="card ${esc(c.card)}, highest score ${pct(c.max_probability)}">
<h2>Card ${esc(c.card)} <span class="muted">highest score ${pct(c.max_probability)} · ${c.transactions.length} flagged</span></h2>
<table><thead><tr><th>time (UTC)</th><th>amount</th><th>terminal</th><th>verdict</th><th>reasons</th><th></th></tr></thead><tbody>${flagged}</tbody></table>
<div class="actions">${decisionForm(ids, 'fraud', 'Card is fraud <kbd>f</kbd>', 'card-fraud')}${decisionForm(ids, 'genuine', 'Card is genuine <kbd>g</kbd>', 'card-genuine')}</div>
${history}</section>`;
}

export function queuePage(q: ReviewQueue, notice?: string): string {
  const days = q.days
    .map(
      (d) =>
        `<a href="?day=${esc(d.day)}"${d.day === q.day ? ' aria-current="page"' : ''}>${esc(d.day)} (${d.open} open of ${d.flagged})</a>`,
    )
    .join('');
  const body = q.cards.length
    ? q.cards.map(cardHtml).join('\n')
    : `<p>Nothing to review${q.day ? ` on ${esc(q.day)}` : ''}: every flagged transaction has a label.</p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fraudflow review queue</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head><body>
<header><h1>Review queue${q.day ? ` · ${esc(q.day)}` : ''}</h1><span>cards open: <span id="open">${q.cards.length}</span></span>
<label>Analyst <input id="analyst" name="analyst" form="none" autocomplete="username" required></label>
<span class="muted"><kbd>j</kbd>/<kbd>k</kbd> move · <kbd>f</kbd> fraud · <kbd>g</kbd> genuine</span></header>
<main><nav class="days" aria-label="days">${days}</nav><p id="status" role="status" class="flash"${notice ? '' : ' hidden'}>${esc(notice ?? '')}</p>
${body}</main><script>${SCRIPT.replace(/<\//g, '<\\/')}</script></body></html>`;
}
