// The demo account that `npm run emulator` seeds, audited and remediated with the real CLI against
// moto: it must hold what the emulator says it holds, so that a newcomer sees every situation the
// janitor tells apart. Push times are moto's clock, so the policies act only with --now ahead.
import { DEMO_REGION, seedDemoAccount, type DemoRepository } from '../../../scripts/emulator/account';
import type { AuditReport, RepositoryReport } from '../../../src/domain/report';
import { DAY_MS, janitor, moto, stdoutJson, useMotoCredentials, type RemediationJson, outcomes } from '../cli/support/cli';
import { ecrClientForMoto, resetMoto } from '../support/moto';

/** The fields this test asserts, by repository name. */
function byName(report: AuditReport, pick: (r: RepositoryReport) => unknown): Record<string, unknown> {
  return Object.fromEntries(report.repositories.map((r) => [r.repositoryName, pick(r)]));
}

describe('emulator demo account (scripts/emulator/account.ts)', () => {
  let restoreEnv: () => void;
  let seeded: DemoRepository[];
  let seededAt: number;

  beforeAll(async () => {
    restoreEnv = useMotoCredentials();
    await resetMoto();
    const ecr = ecrClientForMoto(DEMO_REGION);
    try {
      seededAt = Date.now();
      seeded = await seedDemoAccount(ecr);
    } finally {
      ecr.destroy();
    }
  });

  afterAll(() => {
    restoreEnv();
  });

  describe('audited as it is', () => {
    let report: AuditReport;
    let code: number;

    beforeAll(async () => {
      const run = await janitor(['audit', ...moto(DEMO_REGION), '--format', 'json']);
      code = run.code;
      report = stdoutJson<AuditReport>(run);
    });

    it('holds the repositories and image counts the emulator announces', () => {
      expect(code).toBe(0);
      expect(report.errors).toEqual([]);
      expect(byName(report, (r) => r.images)).toEqual(Object.fromEntries(seeded.map((r) => [r.repositoryName, r.images])));
      expect(report.totals).toMatchObject({ repositories: 4, images: 17, untaggedImages: 7 });
    });

    it('has one policy of each kind, and an opted-out repository', () => {
      expect(byName(report, (r) => [r.policyStatus, r.optedOut])).toEqual({
        'shop/web': ['ok', false],
        'shop/api': ['missing', false],
        'data/etl': ['no-untagged-rule', false],
        'sandbox/scratch': ['missing', true],
      });
    });

    it('has untagged images, a multi-arch index with its children and a signature', () => {
      expect(byName(report, (r) => [r.untaggedImages, r.indexChildren, r.referrers])).toEqual({
        'shop/web': [2, 0, 0],
        'shop/api': [1, 2, 1],
        'data/etl': [3, 0, 0],
        'sandbox/scratch': [1, 0, 0],
      });
    });

    it('stores shared layers once per repository', () => {
      // shop/web: debian 29 MB + node 48 MB once, four configs of 6,500 bytes, four code layers.
      expect(byName(report, (r) => r.storedBytes)['shop/web']).toBe(29_000_000 + 48_000_000 + 4 * 6_500 + 12_600_000);
    });

    it("warns only about moto's image sizes, the creation templates moto cannot answer and the BLOB_MOUNTING setting it does not know", () => {
      expect(report.warnings.map((w) => [w.repositoryName, w.code])).toEqual([
        ['', 'BlobMountingUnknown'],
        ...['data/etl', 'sandbox/scratch', 'shop/api', 'shop/web'].map((name) => [name, 'ImageSizeBelowBlobs']),
        ['', 'RegistrySettingsUnread'],
      ]);
    });
  });

  it('shows what the policies remove 30 days on, the signature at risk included', async () => {
    const run = await janitor(['audit', ...moto(DEMO_REGION), '--format', 'json', '--now', new Date(seededAt + 30 * DAY_MS).toISOString()]);

    const report = stdoutJson<AuditReport>(run);
    expect(byName(report, (r) => [r.doomedImages, r.referrersAtRisk])).toEqual({
      'shop/web': [2, 0],
      'shop/api': [2, 1],
      'data/etl': [3, 0],
      'sandbox/scratch': [0, 0],
    });
    // shop/web's two untagged builds: their configs and code layers; the shared layers stay.
    expect(byName(report, (r) => r.reclaimableBytes)['shop/web']).toBe(2 * 6_500 + 3_100_000 + 3_300_000);
  });

  it('is remediated as the emulator suggests: the default rule where it is missing, never in the opted-out repository', async () => {
    const applied = await janitor(['remediate', ...moto(DEMO_REGION), '--apply', '--format', 'json']);
    const after = stdoutJson<AuditReport>(await janitor(['audit', ...moto(DEMO_REGION), '--format', 'json']));

    expect(applied.code).toBe(0);
    expect(outcomes(stdoutJson<RemediationJson>(applied))).toEqual({
      [`${DEMO_REGION}/data/etl`]: 'applied',
      [`${DEMO_REGION}/sandbox/scratch`]: 'skipped-opt-out',
      [`${DEMO_REGION}/shop/api`]: 'applied',
      [`${DEMO_REGION}/shop/web`]: 'compliant',
    });
    expect(byName(after, (r) => r.policyStatus)).toEqual({
      'shop/web': 'ok',
      'shop/api': 'ok',
      'data/etl': 'ok',
      'sandbox/scratch': 'missing',
    });
  });
});
