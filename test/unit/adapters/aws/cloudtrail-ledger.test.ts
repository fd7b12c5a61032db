import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { LOOKUP_EVENTS_PAGE_SIZE, policyExecutionRecords } from '../../../../src/adapters/aws/cloudtrail-ledger';
import { TEST_CREDENTIALS } from '../../support/fake-ecr-http';

describe('policyExecutionRecords', () => {
  const client = new CloudTrailClient({ region: 'eu-west-1', credentials: TEST_CREDENTIALS });
  const cloudtrail = mockClient(client);
  beforeEach(() => cloudtrail.reset());

  it('asks for PolicyExecutionEvent from `since`, pages to the end and yields each record’s JSON', async () => {
    cloudtrail
      .on(LookupEventsCommand)
      .resolvesOnce({ Events: [{ CloudTrailEvent: '{"eventID":"a"}' }, { CloudTrailEvent: '{"eventID":"b"}' }], NextToken: 'next' })
      .resolvesOnce({ Events: [{ CloudTrailEvent: '{"eventID":"c"}' }, {}] });
    const since = new Date('2026-10-01T00:00:00Z');

    const records: string[] = [];
    for await (const record of policyExecutionRecords(client, { since })) records.push(record);

    expect(records).toEqual(['{"eventID":"a"}', '{"eventID":"b"}', '{"eventID":"c"}']);
    expect(cloudtrail).toHaveReceivedCommandTimes(LookupEventsCommand, 2);
    expect(cloudtrail).toHaveReceivedNthCommandWith(1, LookupEventsCommand, {
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'PolicyExecutionEvent' }],
      StartTime: since,
      MaxResults: LOOKUP_EVENTS_PAGE_SIZE,
    });
    expect(cloudtrail).toHaveReceivedNthCommandWith(2, LookupEventsCommand, { NextToken: 'next' });
  });
});
