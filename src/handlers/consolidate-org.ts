import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadOrgReportConfig } from '../config';
import type { ReportEventDetail } from '../domain/report-event';
import { consolidateOrganization } from '../use-cases/organization-report';
import { orgReportDeps, type OrgReportDeps } from './org-report-runtime';
import { lazily, logger, metrics, withPowertools } from './runtime';

/** The organization's weekly report (see `consolidateOrganization`): the members' reports as one, published centrally. */
export function makeHandler(deps: Omit<OrgReportDeps, 'counter'> & { now?: () => number }) {
  return async (): Promise<ReportEventDetail> => {
    const { report, detail, missingAccounts } = await consolidateOrganization(deps, (deps.now ?? Date.now)());
    const notRead = detail.accounts?.notRead ?? 0;
    metrics.addMetric('AccountsReported', MetricUnit.Count, report.accounts.length - notRead);
    metrics.addMetric('AccountsMissing', MetricUnit.Count, missingAccounts.length);
    metrics.addMetric('StoredBytes', MetricUnit.Bytes, report.totals.storedBytes);
    metrics.addMetric('MonthlyCostUsd', MetricUnit.NoUnit, report.totals.monthlyCostUsd);
    const missing = missingAccounts.map((a) => a.accountId);
    logger.info('organization report published', { accounts: report.accounts.length, notRead, missing, artifacts: detail.artifacts });
    return detail;
  };
}

/** The deployed handler. */
export const handler = withPowertools(lazily(() => makeHandler(orgReportDeps(loadOrgReportConfig(process.env)))));
