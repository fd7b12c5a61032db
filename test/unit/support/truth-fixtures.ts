// A report of a week read with the ledger, for the tests of the truth sections in every format.
import { type AuditReport, type RepositoryReport } from '../../../src/domain/report';
import { sumRealized } from '../../../src/domain/realized';
import { PREDICTION_COUNTS, auditReport, predictionMismatch, realizedSavings, repositoryReport } from './report-fixtures';

const COUNTS = PREDICTION_COUNTS;
export const LEDGER = {
  from: '2026-10-25T06:00:00.000Z',
  to: '2026-11-01T06:00:00.000Z',
  actions: 41,
  failures: 0,
  nextForecast: { images: 12, days: 7 },
};

/** The report with its rows' realized savings added up in its totals, as the audit adds them. */
export function withRealized(report: AuditReport): AuditReport {
  return {
    ...report,
    totals: {
      ...report.totals,
      realized: sumRealized(
        report.repositories.map((r) => r.realized),
        0.1,
      ),
    },
  };
}

/** A week with a ledger: `web-api` freed 12 GiB (10 by the default rule), `batch` 2 GiB, `idle` nothing. */
export function ledgerReport(mismatches = 0): AuditReport {
  const m = Array.from({ length: mismatches }, () => predictionMismatch());
  const counts = { ...COUNTS, forecastNotActed: mismatches };
  const rows: RepositoryReport[] = [
    repositoryReport({
      repositoryName: 'team-a/web-api',
      realized: realizedSavings(12, 41, 10, 37),
      prediction: { ...counts, mismatches: m },
    }),
    repositoryReport({ repositoryName: 'team-b/batch', realized: realizedSavings(2, 3) }),
    repositoryReport({ repositoryName: 'team-c/idle', realized: realizedSavings(0, 0) }),
  ];
  return withRealized(auditReport(rows, { ledger: LEDGER, prediction: counts }));
}

export const SAVED =
  "Saved 14.0 GiB, $1.40/month: 44 images removed by lifecycle policies, 10.0 GiB ($1.00/month) of it by the janitor's default rule (37 images)";
export const ALL_MATCHED =
  'All matched: ECR acted on 37 of the 40 forecast images (3 not yet due), and did nothing the forecast contradicts.';
