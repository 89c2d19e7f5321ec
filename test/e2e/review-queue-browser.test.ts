// The analysts' review queue in a real browser: sign in, label with the keyboard, the label lands in the warehouse, the card leaves.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { tempDir } from '../helpers/tmp.ts';
import { serveFunction, type Served } from '../helpers/serve-function.ts';
import { rawHeader, rawRow } from '../helpers/rows.ts';
import { launchBrowser } from '../helpers/browser.ts';
import type { Verdict } from '../../shared/schema/verdict.ts';

const dir = tempDir('fraudflow-review-');
const KEY = 'review-key-'.padEnd(24, 'x');
let served: Served | undefined;
let browser: Browser | null = null;

const verdict = (transaction_id: string, customer_id: string, probability: number): Verdict => ({
  transaction_id,
  customer_id,
  probability,
  verdict: probability >= 0.5 ? 'fraud' : probability >= 0.25 ? 'review' : 'legit',
  threshold: 0.5,
  model_version: 'v-test',
  reasons: [{ feature: 'terminal_id_risk_7day_window', contribution: probability }],
  scored_at: '2026-04-02T12:00:00Z',
});

async function sql(q: string): Promise<Array<Record<string, unknown>>> {
  const { processRuntime } = await import('../../shared/runtime.ts');
  const { queryAll } = await import('../../shared/warehouse/port.ts');
  return queryAll(await processRuntime().warehouse(), q);
}

async function sinkAll(): Promise<void> {
  const { sinkWith } = await import('../../functions/sink/index.ts');
  const { processRuntime } = await import('../../shared/runtime.ts');
  await sinkWith(processRuntime());
}

beforeAll(async () => {
  process.env.FRAUDFLOW_DATA_DIR = dir.path;
  process.env.FRAUDFLOW_INGEST_WORKERS = '0';
  process.env.FRAUDFLOW_API_KEY = KEY;
  const { processRuntime } = await import('../../shared/runtime.ts');
  const { ingestWith, fileSource } = await import('../../functions/ingest/index.ts');
  const { publishVerdicts } = await import('../../shared/scoring/score.ts');
  const rt = processRuntime();
  mkdirSync(join(dir.path, 'in'), { recursive: true });
  const csv = join(dir.path, 'in', 'tx.csv');
  writeFileSync(
    csv,
    [
      rawHeader,
      rawRow('h-1', '2026-03-30T09:00:00Z', 'card-a', 'term-1', '20.00', '0'),
      rawRow('a-1', '2026-04-02T10:00:00Z', 'card-a', 'term-9', '950.00', ''),
      rawRow('a-2', '2026-04-02T10:05:00Z', 'card-a', 'term-9', '990.00', ''),
      rawRow('b-1', '2026-04-02T11:00:00Z', 'card-b', 'term-2', '310.00', ''),
      rawRow('c-1', '2026-04-02T11:30:00Z', 'card-c', 'term-3', '12.00', ''),
    ].join('\n') + '\n',
  );
  await ingestWith(rt, fileSource(csv));
  await publishVerdicts(
    [
      verdict('a-1', 'card-a', 0.97),
      verdict('a-2', 'card-a', 0.91),
      verdict('b-1', 'card-b', 0.3),
      verdict('c-1', 'card-c', 0.01),
    ],
    await rt.eventLog(),
    'test',
    '2026-04-02T12:00:00.000Z',
  );
  await sinkAll();
  await import('../../functions/review/index.ts');
  served = await serveFunction('review');
  browser = await launchBrowser('review queue');
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  dir.cleanup();
});

describe('review queue', () => {
  it('lists flagged cards highest score first; labels by keyboard reach the warehouse and the card leaves the queue', async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route('**/*', (route) =>
      route.request().url().startsWith(served!.url.slice(0, -1)) ? route.continue() : route.abort(),
    );

    // Signed out: the sign-in form, and the key goes in by keyboard.
    const first = await page.goto(served!.url);
    expect(first!.status()).toBe(401);
    await page.fill('input[name="key"]', KEY);
    await page.press('input[name="key"]', 'Enter');
    await page.waitForSelector('.card');
    errors.length = 0; // the sign-in page's own 401 is the one expected failure

    const cards = await page.$$eval('.card', (els) => els.map((e) => e.getAttribute('data-card')));
    expect(cards).toEqual(['card-a', 'card-b']); // card-c was legit: not queued
    const text = await page.textContent('[data-card="card-a"]');
    expect(text).toContain('950.00');
    expect(text).toContain('term-9');
    expect(text).toContain('terminal_id_risk_7day_window');
    expect(text).toContain('20.00'); // its history: the earlier genuine purchase

    await page.fill('#analyst', 'ana@example.com');
    await page.dispatchEvent('#analyst', 'change');
    // One transaction first: its own Genuine button, pressed from the keyboard.
    await page.focus('[data-card="card-a"] tr.tx:nth-child(2) form.tx-genuine button');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-card="card-a"] tr.tx:nth-child(2)', { state: 'detached' });
    // Then the whole card: focus it and press f.
    await page.focus('[data-card="card-a"]');
    await page.keyboard.press('f');
    await page.waitForSelector('[data-card="card-a"]', { state: 'detached' });
    expect(await page.textContent('#status')).toMatch(/Saved 1 label\(s\) as fraud/);

    await sinkAll();
    const labels = await sql(
      `select transaction_id, CAST(label AS INTEGER) AS label, source, labelled_by from labels order by transaction_id`,
    );
    expect(labels).toEqual([
      { transaction_id: 'a-1', label: 1, source: 'review', labelled_by: 'ana@example.com' },
      { transaction_id: 'a-2', label: 0, source: 'review', labelled_by: 'ana@example.com' },
    ]);

    await page.reload();
    await page.waitForSelector('.card');
    expect(await page.$$eval('.card', (els) => els.map((e) => e.getAttribute('data-card')))).toEqual(['card-b']);
    mkdirSync(join(dir.path, 'shots'), { recursive: true });
    await page.screenshot({ path: join(dir.path, 'shots', 'review-queue.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
