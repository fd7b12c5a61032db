import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordHistory } from '../../../src/cli/history';
import { combineAccountReports } from '../../../src/domain/accounts';
import { HISTORY_FORMAT } from '../../../src/domain/history-file';
import { auditReport, historyEntry, repositoryReport } from '../support/report-fixtures';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecr-janitor-cli-history-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('cli/history', () => {
  describe('recordHistory', () => {
    it('creates the file on the first run, and the report has no history yet', async () => {
      const path = join(dir, 'history.json');
      const warnings: string[] = [];

      const forReport = await recordHistory(path, auditReport([repositoryReport()]), (line) => warnings.push(line));

      expect(forReport.history).toHaveLength(1);
      expect(forReport.previous).toBeUndefined();
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ format: HISTORY_FORMAT, weeks: [{ date: '2026-11-01' }] });
      expect(warnings).toEqual([]);
    });

    it('adds this week to what the file holds and hands last week to the report', async () => {
      const path = join(dir, 'history.json');
      writeFileSync(path, JSON.stringify([historyEntry('2026-10-25', 5)]));

      const forReport = await recordHistory(path, auditReport([repositoryReport()]), () => undefined);

      expect(forReport.history.map((p) => p.date)).toEqual(['2026-10-25', '2026-11-01']);
      expect(forReport.previous?.date).toBe('2026-10-25');
      expect((JSON.parse(readFileSync(path, 'utf8')) as { weeks: unknown[] }).weeks).toHaveLength(2);
      expect(existsSync(`${path}.tmp`)).toBe(false);
    });

    it("hands each account's trend to the report when it covers several accounts, and none for one account", async () => {
      const path = join(dir, 'history.json');
      const lastWeek = {
        '111111111111': {
          repositories: 1,
          images: 1,
          untaggedImages: 0,
          storedBytes: 3,
          reclaimableBytes: 0,
          monthlyCostUsd: 0,
          monthlySavingsUsd: 0,
        },
      };
      writeFileSync(path, JSON.stringify([historyEntry('2026-10-25', 5, { accounts: lastWeek })]));
      const a = auditReport([repositoryReport({ accountId: '111111111111' })]);
      const b = auditReport([repositoryReport({ accountId: '222222222222' })]);
      const report = combineAccountReports(
        [
          { accountId: '111111111111', regions: ['us-east-1'], report: a },
          { accountId: '222222222222', regions: ['us-east-1'], report: b },
        ],
        a,
      );

      const forReport = await recordHistory(path, report, () => undefined);

      expect(forReport.accountTrends?.['111111111111']?.map((p) => p.storedBytes)).toEqual([3, a.totals.storedBytes]);
      expect(forReport.accountTrends?.['222222222222']).toHaveLength(1);
      expect((await recordHistory(join(dir, 'one.json'), a, () => undefined)).accountTrends).toBeUndefined();
    });

    it('keeps an unreadable file aside, starts again and says so, without stopping the report', async () => {
      const path = join(dir, 'history.json');
      writeFileSync(path, '{ not json');
      const warnings: string[] = [];

      const forReport = await recordHistory(path, auditReport([repositoryReport()]), (line) => warnings.push(line));

      expect(forReport.history).toHaveLength(1);
      expect(readFileSync(`${path}.unreadable`, 'utf8')).toBe('{ not json');
      expect(warnings.join('\n')).toContain('not JSON');
      expect(warnings.join('\n')).toContain(`${path}.unreadable`);
    });

    it('fails with a usage error naming the file when it cannot be written', async () => {
      const path = join(dir, 'missing-dir', 'history.json');

      await expect(recordHistory(path, auditReport([repositoryReport()]), () => undefined)).rejects.toThrow(
        `--history ${path} cannot be written`,
      );
    });

    it('fails with a usage error naming the file when it is a directory', async () => {
      await expect(recordHistory(dir, auditReport([repositoryReport()]), () => undefined)).rejects.toThrow(
        `--history ${dir} cannot be read`,
      );
    });
  });
});
