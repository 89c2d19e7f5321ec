// The HTML report of the default (raw) demo rendered in headless Chromium: every chart drawn, no console errors, a screenshot kept.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.ts';
import { cliJson } from '../helpers/cli.ts';
import { launchBrowser } from '../helpers/browser.ts';

const dir = tempDir('fraudflow-report-');
afterAll(() => dir.cleanup());

describe('HTML report', () => {
  it('draws every chart of the raw demo, each with data, in a real browser without console errors', async (ctx) => {
    const env = { FRAUDFLOW_DATA_DIR: join(dir.path, 'data'), FRAUDFLOW_MAX_EPOCHS: '2' };
    const browser = await launchBrowser('report');
    if (!browser) return ctx.skip();
    try {
      const demo = await cliJson<{ report: string }>(['demo', '--rows', '24000'], env);
      expect(existsSync(demo.report)).toBe(true);
      const page = await browser.newPage({ viewport: { width: 1280, height: 1800 } });
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      // Offline: the file must not need the network.
      await page.route('**/*', (route) =>
        route.request().url().startsWith('file:') ? route.continue() : route.abort(),
      );
      await page.goto(pathToFileURL(demo.report).href);
      // Browser-side code as strings: this project's TypeScript has no DOM types.
      await page.waitForFunction('window.__chartsDrawn !== undefined', null, { timeout: 10_000 });
      expect(await page.evaluate('window.__chartsDrawn')).toBe(9);
      // Every chart plots values, not just axes.
      const points = (await page.evaluate('window.__chartPoints')) as Record<string, number>;
      expect(Object.keys(points).sort()).toEqual(
        ['champions', 'daily', 'drift', 'hist', 'pr', 'reviewed', 'roc', 'stages', 'versions'].sort(),
      );
      for (const [id, n] of Object.entries(points)) expect(n, `chart ${id}`).toBeGreaterThan(0);
      // Each canvas holds drawn pixels, not a blank.
      const inked = (await page.evaluate(`[...document.querySelectorAll('canvas')].map((c) => {
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
        return [c.id, n];
      })`)) as Array<[string, number]>;
      for (const [id, n] of inked) expect(n, `canvas ${id}`).toBeGreaterThan(500);
      expect(errors).toEqual([]);
      const shots = join(import.meta.dirname, '../../.data/test-artifacts');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 300_000);
});
