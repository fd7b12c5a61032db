import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CumulativeRealized, RealizedSavings } from '../../../src/domain/realized';
import type { AuditReport, RepositoryReport } from '../../../src/domain/report';
import { GIB } from '../../../src/domain/report';
import type { HistoryEntry } from '../../../src/domain/report-event';
import { REPORT_PRICE, auditReport, predictionMismatch, realizedSavings, repositoryReport } from '../support/report-fixtures';
import {
  EVENT_SIZE_LIMIT,
  REPORT_EVENT_DETAIL_TYPE,
  REPORT_EVENT_SOURCE,
  buildReportEventDetail,
  eventEntrySize,
  historyEntryOf,
  remediationTally,
} from '../../../src/domain/report-event';
import { costGroupsOf } from '../../../src/domain/cost-groups';

const PRICE = REPORT_PRICE;
const ARTIFACTS = {
  location: 's3://ecr-janitor-prod-reportbucket-1a2b3c4d',
  json: 'reports/2025-06-09/report.json',
  csv: 'reports/2025-06-09/report.csv',
  costGroupsCsv: 'reports/2025-06-09/cost-groups.csv',
  markdown: 'reports/2025-06-09/report.md',
  html: 'reports/2025-06-09/report.html',
};

function repository(
  name: string,
  storedBytes: number,
  reclaimableBytes: number,
  overrides: Partial<RepositoryReport> = {},
): RepositoryReport {
  return repositoryReport({
    repositoryName: name,
    images: 10,
    untaggedImages: 4,
    doomedImages: 4,
    storedBytes,
    naiveBytes: storedBytes,
    reclaimableBytes,
    ...overrides,
  });
}

function report(repositories: RepositoryReport[], generatedAt = '2025-06-09T06:00:12.000Z'): AuditReport {
  return auditReport(repositories, { generatedAt, now: generatedAt, days: 7, apiCalls: { total: 0 } });
}

/** The running total of nine weeks whose sum is `sum`. */
function cumulativeOf({ archivedImages: _a, unmeasuredImages: _u, ...sum }: RealizedSavings): CumulativeRealized {
  return { since: '2025-04-07', weeks: 9, ...sum };
}

function previousOf(r: AuditReport): HistoryEntry {
  return historyEntryOf(r);
}

describe('report-event', () => {
  describe('buildReportEventDetail', () => {
    it('stays under 256 KB for 100,000 repositories with 256-character names, listing the top 10', () => {
      const repositories = Array.from({ length: 100_000 }, (_, i) => {
        const suffix = `-${String(i).padStart(6, '0')}`;
        return repository(`${'r'.repeat(256 - suffix.length)}${suffix}`, 1_000_000 + i, i * 1_000, { policyStatus: 'no-untagged-rule' });
      });
      const detail = buildReportEventDetail(report(repositories), undefined, { applied: 100_000 }, ARTIFACTS);
      expect(eventEntrySize(detail)).toBeLessThan(EVENT_SIZE_LIMIT);
      expect(detail.topRepositories).toHaveLength(10);
      expect(detail.topRepositories.every((r) => r.repositoryName.length === 256)).toBe(true);
      // The most reclaimable first: the last ten pushed have the most.
      expect(detail.topRepositories.map((r) => r.reclaimableBytes)).toEqual(Array.from({ length: 10 }, (_, i) => (99_999 - i) * 1_000));
      expect(detail.totals.repositories).toBe(100_000);
    });

    it('drops repository rows from the end if the entry would still pass the limit', () => {
      // Names ECR would never accept, to force the guard: ten 40,000-character rows are ~400 KB.
      const repositories = Array.from({ length: 10 }, (_, i) => repository(`${String(i)}${'x'.repeat(40_000)}`, 1_000, 10 - i));
      const detail = buildReportEventDetail(report(repositories), undefined, {}, ARTIFACTS);
      expect(eventEntrySize(detail)).toBeLessThanOrEqual(EVENT_SIZE_LIMIT);
      expect(detail.topRepositories.length).toBeGreaterThan(0);
      expect(detail.topRepositories.length).toBeLessThan(10);
      expect(detail.topRepositories[0]?.repositoryName.startsWith('0')).toBe(true);
      expect(detail.totals.repositories).toBe(10);
    });

    it('carries the 10 largest cost groups of each grouping', () => {
      const repositories = Array.from({ length: 15 }, (_, i) =>
        repository(`owner-${String(i).padStart(2, '0')}/svc`, (i + 1) * GIB, 0, { costAllocationTags: { team: `t${i % 2}` } }),
      );
      const r = { ...report(repositories), costAllocationTagKeys: ['team'], costGroups: costGroupsOf(repositories, ['team'], PRICE) };

      const detail = buildReportEventDetail(r, undefined, {}, ARTIFACTS);

      const prefixes = detail.costGroups.filter((g) => g.by === 'name-prefix');
      expect(prefixes.map((g) => g.value)).toEqual(Array.from({ length: 10 }, (_, i) => `owner-${String(14 - i).padStart(2, '0')}`));
      expect(detail.costGroups.filter((g) => g.by === 'tag:team').map((g) => g.value)).toEqual(['t0', 't1']);
    });

    it('drops group rows too, from the end of the longer list, when long tag values would pass the limit', () => {
      const repositories = Array.from({ length: 12 }, (_, i) =>
        repository(`r${i}`, 1_000 + i, 10, { costAllocationTags: { team: `${String(i).padStart(2, '0')}${'v'.repeat(30_000)}` } }),
      );
      const r = { ...report(repositories), costAllocationTagKeys: ['team'], costGroups: costGroupsOf(repositories, ['team'], PRICE) };

      const detail = buildReportEventDetail(r, undefined, {}, ARTIFACTS);

      expect(eventEntrySize(detail)).toBeLessThanOrEqual(EVENT_SIZE_LIMIT);
      expect(detail.topRepositories).toHaveLength(10);
      const team = detail.costGroups.filter((g) => g.by === 'tag:team');
      expect(team.length).toBeGreaterThan(0);
      expect(team.length).toBeLessThan(10);
      expect(team[0]?.value.startsWith('11')).toBe(true);
    });

    it('names the repositories the in-use guard holds, most images at risk first, with their consumers', () => {
      // Arrange
      const repositories = [
        repository('held-one', GIB, 0, { heldInUse: true, inUseAtRisk: 1 }),
        repository('held-three', GIB, 0, { heldInUse: true, inUseAtRisk: 3 }),
        repository('written', GIB, GIB, { inUseAtRisk: 0 }),
      ];
      const atRisk = (repositoryName: string, consumers: string[], held = true) => ({
        region: 'us-east-1',
        repositoryName,
        imageDigest: `sha256:${'a'.repeat(64)}`,
        consumers,
        rule: 'rule 1',
        policy: 'with-default-rule' as const,
        held,
      });
      const withImages = auditReport(repositories, {
        inUseAtRiskImages: [
          atRisk('held-three', ['ecs:service/prod/web', 'ecs:task/prod/1']),
          atRisk('held-three', ['lambda:api:3', 'ecs:service/prod/web']),
          atRisk('held-one', ['list:eks.txt']),
          atRisk('written', ['lambda:x:1'], false),
        ],
      });

      // Act
      const detail = buildReportEventDetail(withImages, undefined, { 'held-in-use': 2 }, ARTIFACTS);

      // Assert
      expect(detail.heldRepositories).toEqual([
        {
          region: 'us-east-1',
          repositoryName: 'held-three',
          inUseAtRisk: 3,
          consumers: ['ecs:service/prod/web', 'ecs:task/prod/1', 'lambda:api:3'],
        },
        { region: 'us-east-1', repositoryName: 'held-one', inUseAtRisk: 1, consumers: ['list:eks.txt'] },
      ]);
      expect(detail.totals).toMatchObject({ repositoriesHeld: 2, inUseAtRisk: 4 });
      expect(detail.summary).toMatch(/; 2 repositories held by the in-use guard$/);
    });

    it('lists at most 10 held repositories with 5 consumers each and stays under the limit with huge names', () => {
      // Arrange: 50 held repositories with 40,000-character names, each image with 20 consumers.
      const repositories = Array.from({ length: 50 }, (_, i) =>
        repository(`${String(i).padStart(2, '0')}${'h'.repeat(40_000)}`, 1_000, 0, { heldInUse: true, inUseAtRisk: 50 - i }),
      );
      const withImages = auditReport(repositories, {
        inUseAtRiskImages: repositories.map((r) => ({
          region: r.region,
          repositoryName: r.repositoryName,
          imageDigest: `sha256:${'b'.repeat(64)}`,
          consumers: Array.from({ length: 20 }, (_, c) => `ecs:task/prod/${c}`),
          rule: 'rule 1',
          policy: 'with-default-rule' as const,
          held: true,
        })),
      });

      // Act
      const detail = buildReportEventDetail(withImages, undefined, {}, ARTIFACTS);

      // Assert
      expect(eventEntrySize(detail)).toBeLessThanOrEqual(EVENT_SIZE_LIMIT);
      expect(detail.heldRepositories.length).toBeGreaterThan(0);
      expect(detail.heldRepositories.length).toBeLessThanOrEqual(10);
      expect(detail.heldRepositories[0]?.repositoryName.startsWith('00')).toBe(true);
      expect(detail.heldRepositories.every((r) => r.consumers.length === 5)).toBe(true);
    });

    it('has no change on the first report', () => {
      expect(buildReportEventDetail(report([repository('a', GIB, 0)]), undefined, {}, ARTIFACTS).change).toBeNull();
    });

    it('computes the change since the previous report', () => {
      const lastWeek = report([repository('a', GIB, GIB / 4), repository('b', GIB / 2, 0)], '2025-06-02T06:00:09.000Z');
      const thisWeek = report([
        repository('a', 2 * GIB, GIB / 2),
        repository('b', GIB / 2, 0),
        repository('c', GIB / 4, 0, { images: 3, untaggedImages: 1 }),
      ]);
      const detail = buildReportEventDetail(thisWeek, previousOf(lastWeek), {}, ARTIFACTS);
      expect(detail.change).toEqual({
        since: '2025-06-02T06:00:09.000Z',
        repositories: 1,
        images: 3,
        untaggedImages: 1,
        storedBytes: 1.25 * GIB,
        reclaimableBytes: GIB / 4,
        monthlyCostUsd: 0.125,
        monthlySavingsUsd: 0.025,
      });
    });

    it('writes a readable one-line summary', () => {
      const r = report([repository('a', 1.5 * GIB, 0.5 * GIB), repository('b', 0, 0, { policyStatus: 'ok' })]);
      const detail = buildReportEventDetail(r, undefined, {}, ARTIFACTS);
      expect(detail.summary).toBe(
        '2 repositories, 1 without untagged cleanup; stored 1.50 GiB ($0.15/month), reclaimable 0.50 GiB ($0.05/month)',
      );
    });

    it.each([
      [2 * GIB, 'stored +0.50 GiB since 2025-06-02'],
      [GIB, 'stored -0.50 GiB since 2025-06-02'],
      [1.5 * GIB, 'stored +0.00 GiB since 2025-06-02'],
    ])('adds the change in stored bytes to the summary (now %d bytes)', (storedBytes, expected) => {
      const lastWeek = report([repository('a', 1.5 * GIB, 0)], '2025-06-02T06:00:09.000Z');
      const detail = buildReportEventDetail(report([repository('a', storedBytes, 0)]), previousOf(lastWeek), {}, ARTIFACTS);
      expect(detail.summary.endsWith(`; ${expected}`)).toBe(true);
    });

    it('carries the remediation counts, the error count and the artifact keys', () => {
      const r = {
        ...report([repository('a', GIB, 0)]),
        errors: [{ region: 'us-east-1', repositoryName: 'a', code: 'AccessDeniedException', message: 'denied' }],
      };
      const detail = buildReportEventDetail(r, undefined, { applied: 3, compliant: 9 }, ARTIFACTS);
      expect(detail).toMatchObject({
        remediation: { applied: 3, compliant: 9 },
        errorCount: 1,
        artifacts: ARTIFACTS,
        days: 7,
        pricePerGbMonth: PRICE,
      });
    });

    it('carries the number of policy findings and the repositories that have them', () => {
      const finding = { code: 'ShadowedRule', severity: 'warning', rulePriority: 2, message: 'rule 2 can never act' } as const;
      const detail = buildReportEventDetail(
        report([
          repository('a', GIB, 0, { findings: [finding, { ...finding, rulePriority: 3 }] }),
          repository('b', GIB, 0, { findings: [finding] }),
          repository('c', GIB, 0),
        ]),
        undefined,
        {},
        ARTIFACTS,
      );
      expect(detail.findingCount).toBe(3);
      expect(detail.totals.repositoriesWithFindings).toBe(2);
    });

    it('lists only the top-row fields, not the report internals', () => {
      const detail = buildReportEventDetail(report([repository('a', GIB, 0)]), undefined, {}, ARTIFACTS);
      expect(Object.keys(detail.topRepositories[0] ?? {}).sort()).toEqual(
        [
          'images',
          'monthlyCostUsd',
          'monthlySavingsUsd',
          'policyStatus',
          'reclaimableBytes',
          'region',
          'repositoryName',
          'storedBytes',
          'untaggedImages',
        ].sort(),
      );
    });
  });

  describe('remediationTally', () => {
    it('adds up applied, held (planned, unmergeable, changed while running) and failed, ignoring the rest', () => {
      expect(
        remediationTally({ applied: 3, planned: 2, unmergeable: 1, 'skipped-changed': 1, failed: 4, compliant: 9, 'skipped-opt-out': 1 }),
      ).toEqual({
        applied: 3,
        held: 4,
        heldBy: { planned: 2, unmergeable: 1, 'skipped-changed': 1 },
        failed: 4,
      });
      expect(remediationTally({})).toEqual({ applied: 0, held: 0, heldBy: {}, failed: 0 });
    });
  });

  describe('eventEntrySize', () => {
    it('counts source, detail-type and detail in UTF-8 bytes', () => {
      const detail = { name: 'dépôt' };
      expect(eventEntrySize(detail)).toBe(
        Buffer.byteLength(REPORT_EVENT_SOURCE) + Buffer.byteLength(REPORT_EVENT_DETAIL_TYPE) + '{"name":"dépôt"}'.length + 2,
      );
    });
  });

  describe('historyEntryOf', () => {
    it('keys the entry by the report date', () => {
      expect(historyEntryOf(report([repository('a', GIB, 0)]))).toMatchObject({
        date: '2025-06-09',
        generatedAt: '2025-06-09T06:00:12.000Z',
        storedBytes: GIB,
        repositories: 1,
      });
    });
  });

  describe('the truth loop', () => {
    it('opens the summary with what was saved and carries the total since the first week and the prediction', () => {
      const counts = {
        forecastImages: 4,
        actedAsForecast: 3,
        actedNotForecast: 1,
        forecastNotActed: 1,
        notYetDue: 0,
        pushedAfterForecast: 0,
      };
      const r: AuditReport = {
        ...report([
          repository('a', GIB, 0, {
            realized: realizedSavings(3, 41, 2.5, 37),
            prediction: { ...counts, mismatches: [predictionMismatch(), predictionMismatch({ kind: 'not-forecast' })] },
          }),
        ]),
        prediction: counts,
        cumulativeRealized: cumulativeOf(realizedSavings(27, 350, 22, 300)),
      };

      const detail = buildReportEventDetail(r, undefined, {}, ARTIFACTS);

      expect(detail.summary).toMatch(
        /^saved 3\.00 GiB \(\$0\.30\/month\) last week, 2\.50 GiB \(\$0\.25\/month\) by the janitor's rule; 1 repositories/,
      );
      expect(detail.totals.realized?.freedBytes).toBe(3 * GIB);
      expect(detail.cumulativeRealized).toMatchObject({
        since: '2025-04-07',
        freedBytes: 27 * GIB,
        byDefaultRule: { freedBytes: 22 * GIB },
      });
      expect(detail.prediction).toEqual({ ...counts, mismatches: 2 });
    });

    it('leaves the savings out of a report that read no ledger', () => {
      const detail = buildReportEventDetail(report([repository('a', GIB, 0)]), undefined, {}, ARTIFACTS);

      expect(detail.summary).toMatch(/^1 repositories/);
      expect(detail).not.toHaveProperty('cumulativeRealized');
      expect(detail).not.toHaveProperty('prediction');
    });
  });

  describe('events/cost-report.json', () => {
    it('has the shape buildReportEventDetail produces, in the EventBridge envelope', () => {
      const sample = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '..', 'events', 'cost-report.json'), 'utf8')) as {
        source: string;
        'detail-type': string;
        detail: Record<string, unknown>;
      };
      expect(sample.source).toBe(REPORT_EVENT_SOURCE);
      expect(sample['detail-type']).toBe(REPORT_EVENT_DETAIL_TYPE);
      const lastWeek = report([repository('a', GIB, 0)], '2025-06-02T06:00:09.000Z');
      const counts = {
        forecastImages: 4,
        actedAsForecast: 3,
        actedNotForecast: 1,
        forecastNotActed: 0,
        notYetDue: 1,
        pushedAfterForecast: 0,
      };
      const held: AuditReport = {
        ...report([
          repository('a', GIB, 0, {
            heldInUse: true,
            inUseAtRisk: 1,
            realized: realizedSavings(3, 41, 2.5, 37),
            prediction: { ...counts, mismatches: [predictionMismatch({ repositoryName: 'a' })] },
          }),
        ]),
        prediction: counts,
        cumulativeRealized: cumulativeOf(realizedSavings(27, 350, 22, 300)),
      };
      held.inUseAtRiskImages = [
        {
          region: 'us-east-1',
          repositoryName: 'a',
          imageDigest: `sha256:${'c'.repeat(64)}`,
          consumers: ['ecs:service/prod/a'],
          rule: 'rule 1',
          policy: 'with-default-rule',
          held: true,
        },
      ];
      const built = buildReportEventDetail(held, previousOf(lastWeek), { applied: 1 }, ARTIFACTS);
      const shape = (value: unknown): unknown =>
        Array.isArray(value)
          ? value.slice(0, 1).map(shape)
          : typeof value === 'object' && value !== null
            ? Object.fromEntries(
                Object.entries(value)
                  .filter(([k]) => k !== 'remediation')
                  .map(([k, v]) => [k, shape(v)])
                  .sort(([a], [b]) => String(a).localeCompare(String(b))),
              )
            : typeof value;
      expect(shape(sample.detail)).toEqual(shape(built));
    });
  });
});
