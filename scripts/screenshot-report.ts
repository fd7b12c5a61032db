/**
 * Saves docs/report.png: the top of the demo report (`npm start` writes out/report.html) as headless
 * Chromium shows it, for the README. Needs Debian's chromium (scripts/install-chromium.sh).
 *
 * Run: npm run screenshot
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './lib/chromium';

async function main(): Promise<void> {
  const [input = 'out/report.html', output = 'docs/report.png'] = process.argv.slice(2);
  const profile = await mkdtemp(join(tmpdir(), 'ecr-janitor-screenshot-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 900 },
    // Fewer pixels than the page has keep the picture (and the repository) small while it stays readable.
    deviceScaleFactor: 0.6,
    offline: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(pathToFileURL(resolve(input)).href, { waitUntil: 'load' });
    // The totals, the charts and the cost by owner: the repository table below is in the file itself.
    const end = await page.evaluate<number>(
      `(() => { const s = document.querySelector('[data-testid="archive"]'); return s ? Math.ceil(s.getBoundingClientRect().bottom + window.scrollY) : 2400; })()`,
    );
    await page.screenshot({
      path: output,
      fullPage: true,
      clip: { x: 0, y: 0, width: 1100, height: Math.min(end + 16, 4000) },
    });
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
});
