import { loadOrgReportConfig } from '../config';
import type { ReportEventDetail } from '../domain/report-event';
import { consolidateOrganization } from '../use-cases/organization-report';
import { orgReportDeps, type OrgReportDeps } from './deps/org-report';
import { withPowertools } from './middleware/with-powertools';
import { lazily } from './runtime/container';
import { recordOrgReport } from './runtime/telemetry';

/** The organization's weekly report (see `consolidateOrganization`): the members' reports as one, published centrally. */
export function makeHandler(deps: Omit<OrgReportDeps, 'counter'> & { now?: () => number }) {
  return async (): Promise<ReportEventDetail> => {
    const outcome = await consolidateOrganization(deps, (deps.now ?? Date.now)());
    recordOrgReport(outcome);
    return outcome.detail;
  };
}

/** The deployed handler (in org.json, not serverless.yml: it runs once, in the organization's central account). */
export const handler = withPowertools(lazily(() => makeHandler(orgReportDeps(loadOrgReportConfig(process.env)))));
