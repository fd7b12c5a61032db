import { S3Client } from '@aws-sdk/client-s3';
import { Command, Option } from 'commander';
import { OrganizationAccounts, createOrganizationsClient } from '../../adapters/aws/accounts';
import { CallCounter } from '../../adapters/aws/call-counter';
import { baseClientConfig } from '../../adapters/aws/clients';
import { S3ReportStore } from '../../adapters/aws/s3-report-store';
import { BucketMemberReports, ReportingAccounts } from '../../adapters/report/member-reports';
import { REPORT_FORMATS, incompleteSentence, renderReport, type ReportFormat } from '../../adapters/render';
import { MAX_MEMBER_REPORT_AGE_DAYS } from '../../domain/defaults';
import type { AuditReport } from '../../domain/report';
import { JanitorError, errorCode } from '../../domain/errors';
import { buildOrganizationReport } from '../../use-cases/organization-report';
import { defaultRegion, type CliContext } from '../context';
import { EXIT, UsageError } from '../errors';
import { parseBucketFlag, parseEndpoint, parseNow, parseRegions } from '../flags';
import { checkOutputDirectory, writeReportFiles } from '../output';
import { partialFailureLine } from '../problems';

/** Flags of `org-report`. */
interface OrgReportFlags {
  bucket: string;
  org?: boolean;
  region?: string;
  endpoint?: string;
  now?: number;
  format: ReportFormat;
  out?: string;
}

/**
 * `org-report`: the organization's one report, built as the deployed consolidator builds it, from the
 * member accounts' reports in the central bucket; read-only (it writes only `--out`).
 */
export function orgReportCommand(ctx: CliContext): Command {
  return new Command('org-report')
    .description("the organization's one report, from the member accounts' reports in the central bucket (read-only)")
    .addHelpText(
      'after',
      `\nReads each account's latest accounts/<accountId>/<date>/report.json of the last ${MAX_MEMBER_REPORT_AGE_DAYS} days; an account\n` +
        'without one is listed as missing (exit 3). The deployed consolidator runs the same code and writes org/<date>/.',
    )
    .requiredOption('--bucket <name>', 'the central bucket the accounts write their reports to', parseBucketFlag)
    .option('--org', "the accounts are the organization's (Organizations ListAccounts), so those that never reported show as missing")
    .option('--region <region>', "the bucket's region (default: AWS_REGION)")
    .option('--endpoint <url>', 'AWS endpoint URL (http or https) for S3 and Organizations, e.g. a local emulator', parseEndpoint)
    .option('--now <iso-8601>', `the time the ${MAX_MEMBER_REPORT_AGE_DAYS}-day window ends (default: now)`, parseNow)
    .addOption(new Option('--format <format>', 'output on stdout').choices([...REPORT_FORMATS]).default('table'))
    .option('--out <dir>', 'also write report.json, report.csv, accounts.csv, cost-groups.csv, report.md and report.html to DIR')
    .action(async (opts: OrgReportFlags) => {
      if (opts.out !== undefined) await checkOutputDirectory(opts.out, '--out');
      const [region] = opts.region === undefined ? [defaultRegion(ctx.env)].filter((r) => r !== undefined) : parseRegions(opts.region);
      if (region === undefined) throw new UsageError("no region: pass --region with the bucket's region, or set AWS_REGION");
      const counter = new CallCounter();
      const client = { region, ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }) };
      // An emulator serves buckets by path; S3 itself redirects to the bucket's region.
      const s3 = new S3Client({ ...baseClientConfig(client), followRegionRedirects: true, forcePathStyle: opts.endpoint !== undefined });
      counter.attach(s3);
      const store = new S3ReportStore(s3, opts.bucket, region);
      const reports = new BucketMemberReports(store, store.location);
      const accounts =
        opts.org === true ? new OrganizationAccounts(createOrganizationsClient({ ...client, counter })) : new ReportingAccounts(reports);
      let report: AuditReport;
      try {
        ({ report } = await buildOrganizationReport({ accounts, reports }, opts.now ?? ctx.now()));
      } catch (error) {
        if (error instanceof JanitorError || !(error instanceof Error) || !('$metadata' in error)) throw error;
        throw new JanitorError(
          `the accounts' reports in s3://${opts.bucket} could not be read (${errorCode(error)}: ${error.message}): check the bucket's name and region, and that these credentials may list and read it`,
          { cause: error },
        );
      }
      ctx.out(renderReport(report, opts.format).trimEnd());
      if (opts.out !== undefined) ctx.err(`wrote ${(await writeReportFiles(opts.out, report)).join(', ')}`);
      const partial = partialFailureLine(report.errors, 'read', 'the report');
      if (partial !== undefined) {
        ctx.err(partial);
        ctx.exitCode = EXIT.partial;
      }
      if (!report.complete) {
        ctx.err(`the report is incomplete: ${incompleteSentence(report)} See "missingAccounts" in the report`);
        ctx.exitCode = EXIT.partial;
      }
    });
}
