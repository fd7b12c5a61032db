// `ecr-janitor audit` and `snapshot` end to end: the real CLI, the real SDK and HTTP, moto as ECR.
// Sizes are asserted from the manifests pushed here (moto's imageSizeInBytes is the config blob's
// size only, so naiveBytes says nothing about ECR and is not asserted); push times are moto's clock,
// so --now is set 30 days ahead to make the 7-day untagged rule fire.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { GIB, type AuditReport, type RepositoryReport } from '../../../src/domain/report';
import { ecrClientForMoto, resetMoto } from '../support/moto';
import { TAGGED_ONLY_POLICY, UNTAGGED_14_DAYS_POLICY } from '../support/policy-rules';
import { blobDigest, createRepository, imageManifest, pushImage, pushIndex, pushUntaggedImage } from '../support/seed';
import { DAY_MS, GENERATED_AT, janitor, moto, stdoutJson, tempDirEachTest, useMotoCredentials, type CliRun } from './support/cli';

const OPT_OUT = { 'ecr-janitor:opt-out': 'true' };

// Blob sizes of the seeded images. Shared blobs carry a fixed digest, the others a random one.
const WEB_BASE = { size: 50_000, digest: blobDigest('cli-audit/web-base') };
const API_BASE = { size: 30_000, digest: blobDigest('cli-audit/api-base') };
/** shop/web: v1 (config 1,000 + base + 7,000) and an orphan (config 1,100 + base + 9,000); base once. */
const WEB_STORED = WEB_BASE.size + 1_000 + 7_000 + 1_100 + 9_000;
/** The orphan's own blobs: what expiring it frees (the base stays, v1 uses it). */
const WEB_RECLAIMABLE = 1_100 + 9_000;
/** shop/api: an index over two children that share API_BASE; the index itself stores no blob. */
const API_STORED = API_BASE.size + 1_200 + 2_000 + 1_300 + 3_000;
const WORKER_STORED = 500 + 4_000;
const EU_STORED = 600 + 5_000;

const TOTAL_KEYS = [
  'repositories',
  'repositoriesWithFindings',
  'repositoriesWithoutLifecyclePolicy',
  'repositoriesWithoutUntaggedCleanup',
  'images',
  'untaggedImages',
  'referrersAtRisk',
  'inUseImages',
  'inUseAtRisk',
  'repositoriesHeld',
  'storedBytes',
  'naiveBytes',
  'reclaimableBytes',
  'monthlyCostUsd',
  'monthlySavingsUsd',
  'archivableBytes',
  'monthlyArchiveSavingsUsd',
].sort();

const REPOSITORY_KEYS = [
  'accountId',
  'region',
  'repositoryName',
  'policyStatus',
  'optedOut',
  'excluded',
  'images',
  'untaggedImages',
  'indexChildren',
  'referrers',
  'referrersAtRisk',
  'archivedImages',
  'doomedImages',
  'storedBytes',
  'naiveBytes',
  'reclaimableBytes',
  'monthlyCostUsd',
  'monthlySavingsUsd',
  'archivableBytes',
  'archiveRuleSuggestion',
  'costAllocationTags',
  'findings',
  'untaggedRetentionDays',
  'inUseImages',
  'inUseAtRisk',
  'heldInUse',
].sort();

function row(report: AuditReport, repositoryName: string, region = 'us-east-1'): RepositoryReport {
  const found = report.repositories.find((r) => r.repositoryName === repositoryName && r.region === region);
  if (!found) throw new Error(`no row for ${region}/${repositoryName} in the report`);
  return found;
}

describe('ecr-janitor audit and snapshot (CLI against moto)', () => {
  let restoreEnv: () => void;
  let useast: ECRClient;
  let euwest: ECRClient;
  /** 30 days after the pushes: every untagged image is past the 7-day default. */
  let now: string;
  let run: CliRun;
  let report: AuditReport;

  beforeAll(async () => {
    restoreEnv = useMotoCredentials();
    await resetMoto();
    useast = ecrClientForMoto('us-east-1');
    euwest = ecrClientForMoto('eu-west-1');

    await createRepository(useast, 'shop/web');
    await pushImage(useast, 'shop/web', {
      manifest: imageManifest({ format: 'docker', config: 1_000, layers: [WEB_BASE, 7_000] }),
      tag: 'v1',
    });
    await pushUntaggedImage(useast, 'shop/web', imageManifest({ config: 1_100, layers: [WEB_BASE, 9_000] }));

    await createRepository(useast, 'shop/api', { policyText: TAGGED_ONLY_POLICY });
    await pushIndex(useast, 'shop/api', {
      tag: 'v2',
      children: [
        { manifest: imageManifest({ config: 1_200, layers: [API_BASE, 2_000] }) },
        { manifest: imageManifest({ config: 1_300, layers: [API_BASE, 3_000] }) },
      ],
    });

    await createRepository(useast, 'shop/worker', { policyText: UNTAGGED_14_DAYS_POLICY });
    await pushImage(useast, 'shop/worker', { manifest: imageManifest({ config: 500, layers: [4_000] }), tag: 'latest' });

    await createRepository(useast, 'shop/empty', { tags: OPT_OUT });

    await createRepository(euwest, 'eu/app');
    await pushImage(euwest, 'eu/app', { manifest: imageManifest({ config: 600, layers: [5_000] }), tag: 'v1' });

    now = new Date(Date.now() + 30 * DAY_MS).toISOString();
    run = await janitor(['audit', ...moto('us-east-1'), '--now', now, '--format', 'json']);
    report = stdoutJson<AuditReport>(run);
  });

  afterAll(() => {
    useast.destroy();
    euwest.destroy();
    restoreEnv();
  });

  describe('audit --format json', () => {
    it('exits 0 and prints a report of the documented shape when every repository can be read', () => {
      expect(run.code).toBe(0);
      expect(Object.keys(report)).toEqual(
        expect.arrayContaining([
          'generatedAt',
          'now',
          'days',
          'pricePerGbMonth',
          'archiveAfterDays',
          'archivePricePerGbMonth',
          'costAllocationTagKeys',
          'totals',
          'costGroups',
          'repositories',
          'apiCalls',
          'errors',
        ]),
      );
      expect(report).toMatchObject({ generatedAt: GENERATED_AT, now, days: 7, pricePerGbMonth: 0.1, errors: [] });
      expect(Object.keys(report.totals).sort()).toEqual(TOTAL_KEYS);
      expect(report.repositories).toHaveLength(4);
      for (const repository of report.repositories) {
        expect(Object.keys(repository).sort()).toEqual(REPOSITORY_KEYS);
        expect(repository).toMatchObject({ region: 'us-east-1', accountId: '123456789012' });
      }
    });

    it('reports missing, no-untagged-rule and ok policies when repositories have none, a tagged-only one and an untagged rule', () => {
      const statuses = Object.fromEntries(report.repositories.map((r) => [r.repositoryName, r.policyStatus]));

      expect(statuses).toEqual({ 'shop/web': 'missing', 'shop/api': 'no-untagged-rule', 'shop/worker': 'ok', 'shop/empty': 'missing' });
    });

    it('counts a layer once in storedBytes when two images share it', () => {
      const web = row(report, 'shop/web');

      expect(web).toMatchObject({ images: 2, untaggedImages: 1, storedBytes: WEB_STORED });
      expect(row(report, 'shop/worker').storedBytes).toBe(WORKER_STORED);
    });

    it('counts index children as images but not as untaggedImages when an index lists them', () => {
      const api = row(report, 'shop/api');

      expect(api).toMatchObject({ images: 3, untaggedImages: 0, indexChildren: 2, storedBytes: API_STORED });
    });

    it("reclaims only the orphan's own blobs when the merged default rule expires it", () => {
      expect(row(report, 'shop/web')).toMatchObject({ doomedImages: 1, reclaimableBytes: WEB_RECLAIMABLE });
      // Index children are never expired while their index exists; tagged images are within their rules.
      expect(row(report, 'shop/api')).toMatchObject({ doomedImages: 0, reclaimableBytes: 0 });
      expect(row(report, 'shop/worker')).toMatchObject({ doomedImages: 0, reclaimableBytes: 0 });
    });

    it('keeps an opted-out repository in the audit and marks it when tagged ecr-janitor:opt-out=true', () => {
      expect(row(report, 'shop/empty')).toMatchObject({ optedOut: true, excluded: false, images: 0, storedBytes: 0, reclaimableBytes: 0 });
      expect(row(report, 'shop/web').optedOut).toBe(false);
    });

    it('orders repositories by reclaimable bytes, then stored bytes, descending', () => {
      expect(report.repositories.map((r) => r.repositoryName)).toEqual(['shop/web', 'shop/api', 'shop/worker', 'shop/empty']);
    });

    it('adds up every repository in totals', () => {
      expect(report.totals).toMatchObject({
        repositories: 4,
        repositoriesWithoutLifecyclePolicy: 2,
        repositoriesWithoutUntaggedCleanup: 3,
        images: 6,
        untaggedImages: 1,
        storedBytes: WEB_STORED + API_STORED + WORKER_STORED,
        reclaimableBytes: WEB_RECLAIMABLE,
        naiveBytes: report.repositories.reduce((sum, r) => sum + r.naiveBytes, 0),
      });
    });

    it('counts each ECR call by operation, with a total, when reading one region', () => {
      // One listing; per repository one DescribeImages, GetLifecyclePolicy and ListTagsForResource;
      // one BatchGetImage per repository that has images (shop/empty has none); the in-use guard's
      // scan of a region without workloads: one page of clusters, functions, event buses, rules of the
      // default bus, schedules and job definitions; the registry's creation templates, pull-through-cache
      // rules and replication: one call each (moto answers the first two with a 500, which is not
      // retried); the registry's BLOB_MOUNTING setting, once (moto does not know it: a warning).
      expect(report.apiCalls).toEqual({
        BatchGetImage: 3,
        DescribeImages: 4,
        DescribeRepositories: 1,
        GetAccountSetting: 1,
        GetLifecyclePolicy: 4,
        ListTagsForResource: 4,
        ListClusters: 1,
        ListFunctions: 1,
        ListEventBuses: 1,
        ListRules: 1,
        ListSchedules: 1,
        DescribeJobDefinitions: 1,
        DescribeRepositoryCreationTemplates: 1,
        DescribePullThroughCacheRules: 1,
        DescribeRegistry: 1,
        total: 26,
      });
    });

    it('writes progress to stderr and only the report to stdout', () => {
      expect(run.stderr).toContain('us-east-1: 4 repositories to read');
      expect(run.stderr).toContain('us-east-1: done');
      expect(run.stdout).not.toContain('repositories to read');
      expect(() => JSON.parse(run.stdout) as unknown).not.toThrow();
    });

    it('prices stored and reclaimable bytes at --price-per-gb-month', async () => {
      // The highest price the flag accepts: moto's kilobytes then cost fractions of a cent that still tell prices apart.
      const price = 100;

      const priced = stdoutJson<AuditReport>(
        await janitor(['audit', ...moto(), '--now', now, '--format', 'json', '--price-per-gb-month', String(price)]),
      );

      const web = row(priced, 'shop/web');
      expect(priced.pricePerGbMonth).toBe(price);
      expect(web.monthlyCostUsd).toBeCloseTo((WEB_STORED / GIB) * price, 3);
      expect(web.monthlySavingsUsd).toBeCloseTo((WEB_RECLAIMABLE / GIB) * price, 3);
      expect(priced.totals.monthlyCostUsd).toBeCloseTo(((WEB_STORED + API_STORED + WORKER_STORED) / GIB) * price, 3);
    });
  });

  describe('audit --format table', () => {
    it('prints one line per repository on stdout when no format is given', async () => {
      const table = await janitor(['audit', ...moto(), '--now', now]);

      expect(table.code).toBe(0);
      for (const name of ['shop/web', 'shop/api', 'shop/worker', 'shop/empty']) expect(table.stdout).toContain(name);
      expect(table.stdout).not.toContain('repositories to read');
    });
  });

  describe('audit --out', () => {
    const dir = tempDirEachTest();

    it('writes report.json, report.csv, report.md and report.html to DIR', async () => {
      const out = join(dir.path, 'reports');

      const written = await janitor(['audit', ...moto(), '--now', now, '--format', 'json', '--out', out]);

      expect(written.code).toBe(0);
      const json = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as AuditReport;
      expect(json).toEqual(stdoutJson<AuditReport>(written));
      const csv = (await readFile(join(out, 'report.csv'), 'utf8')).trimEnd().split('\n');
      expect(csv.length).toBeGreaterThanOrEqual(5); // a header and one row per repository
      for (const name of ['shop/web', 'shop/api', 'shop/worker', 'shop/empty']) {
        expect(csv.some((line) => line.includes(name))).toBe(true);
      }
      const markdown = await readFile(join(out, 'report.md'), 'utf8');
      expect(markdown).toContain('shop/web');
      const html = await readFile(join(out, 'report.html'), 'utf8');
      expect(html.toLowerCase()).toMatch(/^<!doctype html>/);
      expect(html).toContain('shop/web');
      expect(written.stderr).toContain(join(out, 'report.html'));
    });
  });

  describe('audit with two regions', () => {
    it('audits us-east-1 and eu-west-1 in one run when --region lists both', async () => {
      const both = await janitor(['audit', ...moto('us-east-1,eu-west-1'), '--now', now, '--format', 'json']);

      const twoRegions = stdoutJson<AuditReport>(both);
      expect(both.code).toBe(0);
      expect(twoRegions.repositories.map((r) => `${r.region}/${r.repositoryName}`).sort()).toEqual([
        'eu-west-1/eu/app',
        'us-east-1/shop/api',
        'us-east-1/shop/empty',
        'us-east-1/shop/web',
        'us-east-1/shop/worker',
      ]);
      expect(row(twoRegions, 'eu/app', 'eu-west-1')).toMatchObject({ policyStatus: 'missing', images: 1, storedBytes: EU_STORED });
      expect(twoRegions.totals).toMatchObject({ repositories: 5, storedBytes: report.totals.storedBytes + EU_STORED });
      expect(twoRegions.apiCalls).toMatchObject({
        DescribeRepositories: 2,
        DescribeImages: 5,
        ListClusters: 2,
        ListFunctions: 2,
        DescribeRegistry: 2,
        ListEventBuses: 2,
        ListSchedules: 2,
        DescribeJobDefinitions: 2,
        // The second region adds its listing, its repository's reads, its registry settings and its six in-use pages.
        GetAccountSetting: 2,
        total: 26 + 5 + 2 + 3 + 4 + 1,
      });
      expect(both.stderr).toMatch(/^eu-west-1: 1 repositor/m);
    });
  });

  describe('snapshot then audit --snapshot', () => {
    const dir = tempDirEachTest();

    it('gives the same totals and rows offline as the live audit at the same --now', async () => {
      const file = join(dir.path, 'registry.json');
      const live = stdoutJson<AuditReport>(await janitor(['audit', ...moto('us-east-1,eu-west-1'), '--now', now, '--format', 'json']));

      const captured = await janitor(['snapshot', ...moto('us-east-1,eu-west-1'), '--out', file]);
      const offline = await janitor(['audit', '--snapshot', file, '--now', now, '--format', 'json']);

      expect(captured).toMatchObject({ code: 0, stdout: '' });
      expect(captured.stderr).toContain(`wrote ${file}: 5 repositories, 7 images`);
      expect(offline.code).toBe(0);
      const report = stdoutJson<AuditReport>(offline);
      expect(report.totals).toEqual(live.totals);
      expect(report.repositories).toEqual(live.repositories);
      expect(report.apiCalls).toEqual({});
    });
  });
});
