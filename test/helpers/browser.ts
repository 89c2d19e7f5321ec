// Debian's Chromium driven by playwright-core, started as this machine needs it (no background networking), or a skip reason.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** null (with why printed) when there is no browser here and none is required; throws when CI requires one. */
export async function launchBrowser(what: string): Promise<Browser | null> {
  if (!existsSync(CHROMIUM)) {
    if (process.env.FRAUDFLOW_REQUIRE_BROWSER === '1')
      throw new Error(`Chromium is required here but ${CHROMIUM} is missing`);
    process.stderr.write(`\n[${what}] browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)\n`);
    return null;
  }
  return chromium.launch({
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
}
