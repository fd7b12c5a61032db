import * as z from 'zod';
import { InvalidInputError } from '../../domain/errors';
import type { FindingCode, FindingSeverity } from '../../domain/policy/lint';
import type { AuditReport, PolicyStatus } from '../../domain/report';
import type { NotReachedReason, ReportWarningCode } from '../../domain/report-problems';

// The JSON report (`audit --format json`, the weekly run's report.json) read back: the organization's
// report reads each member account's. The shape is checked field by field, so that a file that is not
// a report (or is cut short) is refused with its place named; codes are read as text, so that a member
// running a newer janitor, with codes this one does not know yet, still reads; fields this one does not
// know are kept.

const count = z.number().int().min(0);
const bytes = z.number().min(0);
const usd = z.number();
/** A code of a union the janitor may grow (warnings, findings, reasons): whatever text is stored, read as the union. */
const code = <T extends string>() => z.custom<T>((value) => typeof value === 'string', { error: 'must be a code (text)' });

const finding = z.looseObject({
  code: code<FindingCode>(),
  severity: code<FindingSeverity>(),
  rulePriority: z.number().optional(),
  message: z.string(),
});

const repository = z.looseObject({
  accountId: z.string(),
  region: z.string(),
  repositoryName: z.string(),
  policyStatus: code<PolicyStatus>(),
  optedOut: z.boolean(),
  excluded: z.boolean(),
  images: count,
  untaggedImages: count,
  indexChildren: count,
  referrers: count,
  referrersAtRisk: count,
  archivedImages: count,
  doomedImages: count,
  storedBytes: bytes,
  naiveBytes: bytes,
  reclaimableBytes: bytes,
  monthlyCostUsd: usd,
  monthlySavingsUsd: usd,
  archivableBytes: bytes,
  archiveRuleSuggestion: z.string().nullable(),
  costAllocationTags: z.record(z.string(), z.string()),
  findings: z.array(finding),
  untaggedRetentionDays: z.number().nullable(),
  inUseImages: count,
  inUseAtRisk: count,
  heldInUse: z.boolean(),
});

const totals = z.looseObject({
  repositories: count,
  repositoriesWithoutLifecyclePolicy: count,
  repositoriesWithoutUntaggedCleanup: count,
  repositoriesWithFindings: count,
  images: count,
  untaggedImages: count,
  referrersAtRisk: count,
  inUseImages: count,
  inUseAtRisk: count,
  repositoriesHeld: count,
  storedBytes: bytes,
  naiveBytes: bytes,
  reclaimableBytes: bytes,
  monthlyCostUsd: usd,
  monthlySavingsUsd: usd,
  archivableBytes: bytes,
  monthlyArchiveSavingsUsd: usd.nullable(),
});

const error = z.looseObject({
  accountId: z.string().optional(),
  region: z.string(),
  repositoryName: z.string().optional(),
  source: z.enum(['ecs', 'lambda', 'list']).optional(),
  code: z.string(),
  message: z.string(),
});

const counts = z.record(z.string(), z.number());

/** The JSON report's schema: what the renderers and the organization's report need of it. */
const reportSchema = z.looseObject({
  generatedAt: z.string(),
  now: z.string().refine((value) => Number.isFinite(Date.parse(value)), { error: 'must be an ISO-8601 time' }),
  days: z.number(),
  pricePerGbMonth: z.number().min(0),
  archiveAfterDays: z.number(),
  archivePricePerGbMonth: z.number().nullable(),
  costAllocationTagKeys: z.array(z.string()),
  accounts: z
    .array(
      z.looseObject({
        accountId: z.string(),
        name: z.string().nullable(),
        regions: z.array(z.string()),
        complete: z.boolean(),
        totals,
        errors: z.array(error),
      }),
    )
    .optional(),
  totals,
  costGroups: z.array(
    z.looseObject({
      by: z.custom<AuditReport['costGroups'][number]['by']>((value) => typeof value === 'string'),
      value: z.string(),
      repositories: count,
      storedBytes: bytes,
      reclaimableBytes: bytes,
      monthlyCostUsd: usd,
      monthlySavingsUsd: usd,
    }),
  ),
  repositories: z.array(repository),
  apiCalls: counts,
  apiRetries: counts,
  errors: z.array(error),
  complete: z.boolean(),
  notReached: z.array(
    z.looseObject({
      accountId: z.string().optional(),
      region: z.string(),
      repositoryName: z.string().optional(),
      reason: code<NotReachedReason>(),
    }),
  ),
  warnings: z.array(
    z.looseObject({
      accountId: z.string().optional(),
      region: z.string(),
      repositoryName: z.string(),
      code: code<ReportWarningCode>(),
      message: z.string(),
    }),
  ),
  guard: z.looseObject({ mode: z.enum(['on', 'off']), horizonDays: z.number(), sources: z.array(z.string()) }).optional(),
  inUseAtRiskImages: z
    .array(
      z.looseObject({
        accountId: z.string().optional(),
        region: z.string(),
        repositoryName: z.string(),
        imageDigest: z.string(),
        consumers: z.array(z.string()),
        rule: z.string(),
        policy: z.enum(['with-default-rule', 'own']),
        held: z.boolean(),
      }),
    )
    .optional(),
});

/** How many problems the error lists; the rest are counted. */
const PROBLEMS_SHOWN = 5;

/**
 * Reads a JSON report (`audit --format json`, a weekly run's report.json). A report of a janitor
 * from before `accounts` was added gets its one entry, as a report of one account.
 *
 * @throws InvalidInputError naming `source` and each problem's path when the text is not such a report
 * @example const report = parseReportJson(await bucket.get(key), `s3://central/${key}`);
 */
export function parseReportJson(text: string, source: string): AuditReport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${source} is not JSON (${(error as Error).message})`, { cause: error });
  }
  const result = reportSchema.safeParse(doc);
  if (!result.success) {
    const issues = result.error.issues.slice(0, PROBLEMS_SHOWN).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    const more = result.error.issues.length > PROBLEMS_SHOWN ? `; and ${result.error.issues.length - PROBLEMS_SHOWN} more` : '';
    throw new InvalidInputError(`${source} is not an ecr-janitor JSON report: ${issues.join('; ')}${more}`);
  }
  const { accounts, ...report } = result.data;
  const accountId = report.repositories.find((r) => r.accountId !== '')?.accountId ?? '';
  const regions = [...new Set([...report.repositories, ...report.errors].map((r) => r.region).filter((r) => r !== ''))].sort();
  return {
    ...report,
    accounts: accounts ?? [{ accountId, name: null, regions, complete: report.complete, totals: report.totals, errors: report.errors }],
  };
}
