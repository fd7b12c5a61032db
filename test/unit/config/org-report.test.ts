import { loadOrgReportConfig } from '../../../src/config/org-report';

describe('loadOrgReportConfig', () => {
  const valid = {
    CENTRAL_BUCKET: 'org-central-reports',
    CENTRAL_EVENT_BUS_ARN: 'arn:aws:events:us-east-1:999999999999:event-bus/central',
    AWS_REGION: 'us-east-1',
  };

  it('reads the central bucket, bus and topic, with the default timeouts', () => {
    expect(loadOrgReportConfig({ ...valid, REPORT_TOPIC_ARN: ' ' })).toEqual({
      centralBucket: 'org-central-reports',
      centralEventBusArn: 'arn:aws:events:us-east-1:999999999999:event-bus/central',
      reportTopicArn: undefined,
      region: 'us-east-1',
      connectionTimeoutMs: 3000,
      requestTimeoutMs: 10000,
    });
  });

  it('names every variable that is missing or wrong', () => {
    expect(() => loadOrgReportConfig({ CENTRAL_EVENT_BUS_ARN: 'central', AWS_REGION: 'us-east-1', REPORT_TOPIC_ARN: 'topic' })).toThrow(
      /CENTRAL_BUCKET="" must be the central bucket's name\n {2}- CENTRAL_EVENT_BUS_ARN="central" must be the central event bus's ARN\n {2}- REPORT_TOPIC_ARN="topic" must be an SNS topic ARN/,
    );
  });
});
