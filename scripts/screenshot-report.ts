/**
 * Saves a picture of the demo report (`npm start` writes out/report.html) as headless Chromium shows
 * it: the whole page, or from the top through the end of one section. Needs Debian's chromium
 * (scripts/install-chromium.sh).
 *
 * Run: npm run screenshot [-- --out FILE] [--until SECTION] [--width PX]
 *
 * It writes out/report.png (ignored by git) unless told otherwise. The README's picture,
 * docs/report.png, is updated deliberately:
 *   npm run screenshot -- --out docs/report.png --until archive
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumMissing, chromiumPath } from './lib/chromium';

/** The sections a picture may end with: the report's `data-testid`s, top to bottom. */
export const SECTIONS = ['trend', 'cost-groups', 'archive', 'referrers-at-risk', 'repositories', 'findings', 'warnings'] as const;

/** What to take a picture of, and where to put it. */
export interface ScreenshotOptions {
  /** The report to open. @default 'out/report.html' */
  input: string;
  /** The PNG to write. @default 'out/report.png' (ignored by git) */
  out: string;
  /** The last section in the picture, whole; undefined for the whole page. @default undefined */
  until?: (typeof SECTIONS)[number];
  /** The window's width in CSS px. @default 1100 */
  width: number;
}

const USAGE = `usage: npm run screenshot [-- --out FILE] [--until ${SECTIONS.join('|')}] [--width PX]`;

/**
 * Reads the command line; throws with the usage on anything it does not know.
 *
 * @example parseScreenshotArgs(['--out', 'docs/report.png', '--until', 'archive'])
 */
export function parseScreenshotArgs(args: readonly string[]): ScreenshotOptions {
  const options: ScreenshotOptions = { input: 'out/report.html', out: 'out/report.png', width: 1100 };
  for (let i = 0; i < args.length; i += 2) {
    const [flag = '', value] = [args[i], args[i + 1]];
    if (!['--out', '--in', '--until', '--width'].includes(flag)) throw new Error(`${flag}: unknown option\n${USAGE}`);
    if (value === undefined || value === '') throw new Error(`${flag} needs a value\n${USAGE}`);
    if (flag === '--out') options.out = value;
    else if (flag === '--in') options.input = value;
    else if (flag === '--until') {
      const section = SECTIONS.find((s) => s === value);
      if (section === undefined) throw new Error(`--until ${value}: not a section of the report\n${USAGE}`);
      options.until = section;
    } else if (flag === '--width') {
      const width = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!(width >= 320 && width <= 2560)) throw new Error(`--width ${value}: a whole number of pixels from 320 to 2560\n${USAGE}`);
      options.width = width;
    }
  }
  return options;
}

/**
 * The PNG of `page` (already showing the report): the whole page, or from the top through the
 * bottom of the section `until`, which must be on the page.
 *
 * @example const png = await captureReport(page, { until: 'archive' });
 */
export async function captureReport(page: Page, options: Pick<ScreenshotOptions, 'until'> & { path?: string } = {}): Promise<Buffer> {
  const shot = options.path === undefined ? {} : { path: options.path };
  if (options.until === undefined) return page.screenshot({ ...shot, fullPage: true });
  const box = await page.evaluate<{ bottom: number; width: number } | null>(
    `(() => { const s = document.querySelector('[data-testid="${options.until}"]'); if (!s) return null;
      return { bottom: Math.ceil(s.getBoundingClientRect().bottom + window.scrollY), width: document.documentElement.clientWidth }; })()`,
  );
  if (box === null) throw new Error(`the report has no section "${options.until}" (it shows only when it has something to say)`);
  // A little of the page's margin under the section, so the picture does not end on its border.
  return page.screenshot({ ...shot, fullPage: true, clip: { x: 0, y: 0, width: box.width, height: box.bottom + 16 } });
}

async function main(options: ScreenshotOptions): Promise<void> {
  const executablePath = chromiumPath();
  const missing = chromiumMissing(executablePath);
  if (missing !== undefined) throw new Error(missing);
  const profile = await mkdtemp(join(tmpdir(), 'ecr-janitor-screenshot-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: options.width, height: 900 },
    // Fewer pixels than the page has keep the picture (and the repository) small while it stays readable.
    deviceScaleFactor: 0.6,
    offline: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(pathToFileURL(resolve(options.input)).href, { waitUntil: 'load' });
    await mkdir(dirname(resolve(options.out)), { recursive: true });
    await captureReport(page, { path: options.out, ...(options.until === undefined ? {} : { until: options.until }) });
    process.stderr.write(`wrote ${options.out}\n`);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

if (require.main === module) {
  Promise.resolve()
    .then(() => main(parseScreenshotArgs(process.argv.slice(2))))
    .catch((error: unknown) => {
      process.stderr.write(`screenshot: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
