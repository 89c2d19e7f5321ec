// The report as one self-contained HTML file: Chart.js inlined, the data inlined, opens offline.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ReportData } from './data.ts';

const require = createRequire(import.meta.url);

function chartJs(): string {
  return readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const fmt = (v: number | null | undefined, d = 4) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d);

function confusion(r: ReportData): string {
  const m = r.champion?.metrics;
  if (!m) return '<p>No champion model yet: run <code>fraudflow retrain</code>.</p>';
  return `<table class="cm"><tr><th></th><th>flagged</th><th>not flagged</th></tr>
    <tr><th>fraud</th><td>${m.tp}</td><td>${m.fn}</td></tr><tr><th>genuine</th><td>${m.fp}</td><td>${m.tn}</td></tr></table>
    <p>threshold ${fmt(r.champion!.threshold)} (${esc(JSON.stringify(r.champion!.threshold_rule))}): precision ${fmt(m.precision, 3)}, recall ${fmt(m.recall, 3)}, F1 ${fmt(m.f1, 3)}; AUPRC ${fmt(m.auprc)}, ROC AUC ${fmt(m.roc_auc)}</p>`;
}

function rows(items: object[]): string {
  if (items.length === 0) return '<p>(none yet)</p>';
  const cols = Object.keys(items[0]!);
  const cell = (v: unknown) =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : v === null ? '–' : esc(String(v));
  return `<table><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>${items.map((i) => `<tr>${cols.map((c) => `<td>${cell((i as Record<string, unknown>)[c])}</td>`).join('')}</tr>`).join('')}</table>`;
}

const DRAW = `
const data = JSON.parse(document.getElementById('report-data').textContent);
const charts = [];
const line = (id, datasets, x, y, opts = {}) => charts.push(new Chart(document.getElementById(id), { type: 'line', data: { datasets },
  options: { animation: false, parsing: false, scales: { x: { type: 'linear', title: { display: true, text: x }, ...(opts.x || {}) }, y: { title: { display: true, text: y }, ...(opts.y || {}) } } } }));
const c = data.champion && data.champion.curves;
if (c) {
  line('pr', [{ label: 'PR (validation)', data: c.pr.map(p => ({ x: p.recall, y: p.precision })), pointRadius: 0 }], 'recall', 'precision', { x: { min: 0, max: 1 }, y: { min: 0, max: 1 } });
  line('roc', [{ label: 'ROC (validation)', data: c.roc.map(p => ({ x: p.fpr, y: p.tpr })), pointRadius: 0 }, { label: 'chance', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], borderDash: [4, 4], pointRadius: 0 }], 'false positive rate', 'true positive rate', { x: { min: 0, max: 1 }, y: { min: 0, max: 1 } });
  const labels = c.histogram.edges.slice(0, -1).map((e, i) => e.toFixed(2) + '–' + c.histogram.edges[i + 1].toFixed(2));
  charts.push(new Chart(document.getElementById('hist'), { type: 'bar', data: { labels, datasets: [
    { label: 'genuine', data: c.histogram.genuine }, { label: 'fraud', data: c.histogram.fraud }] },
    options: { animation: false, scales: { y: { type: 'logarithmic', title: { display: true, text: 'transactions (log)' } }, x: { title: { display: true, text: 'score' } } } } }));
}
charts.push(new Chart(document.getElementById('versions'), { type: 'bar', data: { labels: data.versions.map(v => v.version + (v.champion ? ' *' : '')),
  datasets: [{ label: 'validation AUPRC', data: data.versions.map(v => v.auprc) }, { label: 'ROC AUC', data: data.versions.map(v => v.roc_auc) }] }, options: { animation: false, scales: { y: { min: 0, max: 1 } } } }));
charts.push(new Chart(document.getElementById('stages'), { type: 'bar', data: { labels: data.stages.map(s => s.stage),
  datasets: [{ label: 'rows/s', data: data.stages.map(s => s.rows_per_s) }] }, options: { animation: false, indexAxis: 'y' } }));
charts.push(new Chart(document.getElementById('drift'), { type: 'bar', data: { labels: data.drift.map(d => d.day),
  datasets: [{ label: 'PSI of the day\\'s scores vs validation', data: data.drift.map(d => d.psi) }] }, options: { animation: false, scales: { y: { min: 0 } } } }));
const q = data.quality;
charts.push(new Chart(document.getElementById('daily'), { data: { labels: q.map(d => d.day), datasets: [
  { type: 'bar', label: 'alerts (fraud verdicts)', data: q.map(d => d.alerts), yAxisID: 'y' },
  { type: 'bar', label: 'sent to review', data: q.map(d => d.reviews), yAxisID: 'y' },
  { type: 'line', label: 'Card Precision@' + data.k, data: q.map(d => d.card_precision_at_k), yAxisID: 'cp' }] },
  options: { animation: false, scales: { y: { beginAtZero: true, title: { display: true, text: 'verdicts' } },
    cp: { position: 'right', min: 0, max: 1, grid: { drawOnChartArea: false }, title: { display: true, text: 'CP@' + data.k } } } } }));
charts.push(new Chart(document.getElementById('reviewed'), { type: 'bar', data: { labels: q.map(d => d.day),
  datasets: [{ label: 'flagged verdicts labelled in the review queue (share)', data: q.map(d => d.review_share) }] },
  options: { animation: false, scales: { y: { min: 0, max: 1 } } } }));
charts.push(new Chart(document.getElementById('champions'), { type: 'line', data: { labels: data.champions.map(h => h.from.slice(0, 16).replace('T', ' ')),
  datasets: [{ label: 'champion validation AUPRC', data: data.champions.map(h => h.auprc), stepped: true }] },
  options: { animation: false, scales: { y: { min: 0, max: 1 } } } }));
// For the browser test: how many values each chart plots (null and missing values do not count).
window.__chartPoints = Object.fromEntries(charts.map(ch => [ch.canvas.id,
  ch.data.datasets.reduce((n, d) => n + d.data.filter(v => v !== null && v !== undefined && !(typeof v === 'object' && v.y === null)).length, 0)]));
window.__chartsDrawn = charts.length;
`;

export function renderReport(r: ReportData): string {
  const json = JSON.stringify(r).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fraudflow report</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}h1{font-size:22px}h2{font-size:16px;margin-top:28px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:24px}.card{border:1px solid #ddd;border-radius:6px;padding:12px}canvas{max-height:320px}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f6f6f6}.cm td{min-width:80px}</style>
<script>${chartJs()}</script></head><body>
<h1>fraudflow report</h1><p>generated ${esc(r.generated_at)}; champion <b>${esc(r.champion?.version ?? 'none')}</b>${r.champion ? ` (${esc(r.champion.model)}, trained on ${r.champion.data.train_rows} rows, validated on ${r.champion.data.validation_rows})` : ''}</p>
<div class="grid">
<div class="card"><h2>Precision-recall (validation)</h2><canvas id="pr"></canvas></div>
<div class="card"><h2>ROC (validation)</h2><canvas id="roc"></canvas></div>
<div class="card"><h2>Score histogram by class (validation)</h2><canvas id="hist"></canvas></div>
<div class="card"><h2>Confusion matrix at the threshold</h2>${confusion(r)}</div>
<div class="card"><h2>Metrics per model version</h2><canvas id="versions"></canvas></div>
<div class="card"><h2>Throughput per stage (last run)</h2><canvas id="stages"></canvas></div>
<div class="card"><h2>Score drift by day (PSI)</h2><canvas id="drift"></canvas>${rows(r.drift)}</div>
<div class="card"><h2>Alerts and Card Precision@${r.k} per day</h2><canvas id="daily"></canvas></div>
<div class="card"><h2>Review queue: share of flagged verdicts labelled, per day</h2><canvas id="reviewed"></canvas></div>
<div class="card"><h2>Champion over time</h2><canvas id="champions"></canvas>${rows(r.champions.map((h) => ({ from: h.from, version: h.version, model: h.model, action: h.action, why: h.reason })))}</div>
</div>
<h2>Verdicts against the labels known now, per day</h2>${rows(r.quality)}
<h2>Model versions</h2>${rows(r.versions)}
${r.shadow ? `<h2>Champion vs shadow challenger, matured live traffic ${r.shadow.window.from} to ${r.shadow.window.to}</h2>${rows(r.shadow.rows)}` : ''}
<script type="application/json" id="report-data">${json}</script>
<script>${DRAW}</script>
</body></html>
`;
}
