import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { OrganizationAccounts, createOrganizationsClient } from '../../adapters/aws/accounts';
import { CallCounter } from '../../adapters/aws/call-counter';
import { baseClientConfig } from '../../adapters/aws/clients';
import { EventBridgePublisher } from '../../adapters/aws/eventbridge-publisher';
import { S3ReportStore } from '../../adapters/aws/s3-report-store';
import { SnsNotifier } from '../../adapters/aws/sns-notifier';
import { BucketMemberReports } from '../../adapters/report/member-reports';
import { reportRenderer } from '../../adapters/render/report-renderer';
import type { OrgReportConfig } from '../../config';
import type { OrganizationReportSources } from '../../use-cases/organization-report';
import type { PublishDeps } from '../../use-cases/publish-report';

/** What the consolidator works with: the organization's accounts, the central bucket, bus and topic. */
export type OrgReportDeps = OrganizationReportSources & { publish: PublishDeps; counter: CallCounter };

/**
 * The consolidator's adapters, built once per container: Organizations for the accounts, the central
 * bucket for the members' reports and the organization's artifacts, the central bus for its event,
 * SNS for the e-mail. Every client shares the configured timeouts and one call counter.
 *
 * @example const deps = orgReportDeps(loadOrgReportConfig(process.env));
 */
export function orgReportDeps(config: OrgReportConfig): OrgReportDeps {
  const counter = new CallCounter();
  const options = { region: config.region, connectionTimeoutMs: config.connectionTimeoutMs, requestTimeoutMs: config.requestTimeoutMs };
  const clientConfig = baseClientConfig(options);
  const s3 = new S3Client({ ...clientConfig, followRegionRedirects: true });
  const events = new EventBridgeClient(clientConfig);
  for (const client of [s3, events]) counter.attach(client);
  const store = new S3ReportStore(s3, config.centralBucket, config.region);
  let notifier: SnsNotifier | undefined;
  if (config.reportTopicArn !== undefined) {
    const sns = new SNSClient(clientConfig);
    counter.attach(sns);
    notifier = new SnsNotifier(sns, config.reportTopicArn);
  }
  return {
    accounts: new OrganizationAccounts(createOrganizationsClient({ ...options, counter })),
    reports: new BucketMemberReports(store, store.location),
    publish: {
      store,
      publisher: new EventBridgePublisher(events, config.centralEventBusArn),
      renderer: reportRenderer,
      ...(notifier === undefined ? {} : { notifier }),
    },
    counter,
  };
}
