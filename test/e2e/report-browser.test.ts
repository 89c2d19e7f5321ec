// The HTML report rendered in headless Chromium: every chart drawn, no console errors, a screenshot kept.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { tempDir } from '../helpers/tmp.ts';
import { cliJson } from '../helpers/cli.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dir = tempDir('fraudflow-report-');
afterAll(() => dir.cleanup());

describe('HTML report', () => {
  it('draws every chart in a real browser without console errors', async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      if (process.env.FRAUDFLOW_REQUIRE_BROWSER === '1')
        throw new Error(`Chromium is required here but ${CHROMIUM} is missing`);
      process.stderr.write(
        `\n[report] browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`,
      );
      return ctx.skip();
    }
    const env = { FRAUDFLOW_DATA_DIR: join(dir.path, 'data'), FRAUDFLOW_MAX_EPOCHS: '2' };
    const demo = await cliJson<{ report: string }>(['demo', '--rows', '40000'], env);
    expect(existsSync(demo.report)).toBe(true);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
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
  }, 180_000);
});
