// The consolidator's adapters, built from its configuration: the central bucket for the members'
// reports and the organization's artifacts, the central bus, and SNS only when there is a topic.
import { loadOrgReportConfig } from '../../../../src/config';
import { orgReportDeps } from '../../../../src/handlers/deps/org-report';

describe('handlers/deps/org-report', () => {
  it('builds its adapters from the configuration, with an e-mail only when a topic is set', () => {
    const env = {
      CENTRAL_BUCKET: 'org-central-reports',
      CENTRAL_EVENT_BUS_ARN: 'arn:aws:events:us-east-1:999999999999:event-bus/ecr-janitor-central',
      AWS_REGION: 'us-east-1',
    };

    const withoutTopic = orgReportDeps(loadOrgReportConfig(env));
    const withTopic = orgReportDeps(loadOrgReportConfig({ ...env, REPORT_TOPIC_ARN: 'arn:aws:sns:us-east-1:999999999999:org-report' }));

    expect(withoutTopic.publish.notifier).toBeUndefined();
    expect(withTopic.publish.notifier).toBeDefined();
    expect(withoutTopic.publish.store.location).toBe('s3://org-central-reports');
    expect(withoutTopic.reports.location).toBe('s3://org-central-reports');
  });
});
