import * as z from 'zod';
import type { AdviceFile } from '../../domain/advice';
import { ADVICE_FORMAT } from '../../domain/advice';
import { InvalidInputError } from '../../domain/errors';
import { parsePolicy, problemLines } from '../../domain/policy';

const figures = z.object({ images: z.number().int().nonnegative(), bytes: z.number().nonnegative() });
const check = z.object({ images: z.number(), actedOnNow: z.number(), actedOnIn30Days: z.number() });

const entryShape = z.object({
  accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  region: z.string().min(1),
  repositoryName: z.string().min(1),
  advice: z.enum(['policy', 'none']),
  reason: z.string(),
  currentPolicyText: z.string().nullable(),
  recommendedPolicyText: z.string().nullable(),
  removedNow: figures,
  removedIn30Days: figures,
  monthlyExtraSavingsUsd: z.number(),
  monthlyArchiveSavingsUsd: z.number().nullable(),
  checks: z.object({
    validation: z.object({ passed: z.boolean(), problems: z.array(z.string()) }),
    lint: z.object({ passed: z.boolean(), findings: z.array(z.string()) }),
    simulatedAt: z.array(z.string()),
    inUse: check,
    pulledRecently: check.extend({ days: z.number() }),
    indexChildrenOfKept: check,
    referrersOfKept: check,
    fixedNames: check,
  }),
});

const fileShape = z.object({
  format: z.literal(ADVICE_FORMAT),
  generatedAt: z.string(),
  now: z.string(),
  settings: z.object({
    keepPulledDays: z.number(),
    rollbackMargin: z.number(),
    days: z.number(),
    maxUntaggedDays: z.number(),
    pricePerGbMonth: z.number(),
    archiveAfterDays: z.number(),
    archivePricePerGbMonth: z.number().nullable(),
  }),
  repositories: z.array(entryShape),
  totals: z.object({
    repositories: z.number(),
    withAdvice: z.number(),
    withheld: z.number(),
    removedNow: figures,
    removedIn30Days: figures,
    monthlyExtraSavingsUsd: z.number(),
    monthlyArchiveSavingsUsd: z.number().nullable(),
  }),
  errors: z.array(z.object({ region: z.string(), repositoryName: z.string().optional(), code: z.string(), message: z.string() })),
});

/**
 * Reads an advice file (`advise --format json`) for adoption: its shape, then every policy it would
 * have written, validated again against ECR's rules — a file edited by hand is not trusted more than
 * one the janitor wrote. Nothing is adopted from a file with any problem.
 *
 * @throws InvalidInputError naming the file, the entry and what is wrong
 * @example const file = parseAdviceFile(await readJsonFile(path, 'advice'), path);
 */
export function parseAdviceFile(doc: unknown, source: string): AdviceFile {
  const format = typeof doc === 'object' && doc !== null ? (doc as { format?: unknown }).format : undefined;
  if (format !== ADVICE_FORMAT)
    throw new InvalidInputError(
      `advice file ${source} is not of format ${ADVICE_FORMAT} (its format is ${JSON.stringify(format)}); write it with "ecr-janitor advise --format json"`,
    );
  const parsed = fileShape.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new InvalidInputError(
      `advice file ${source}: ${where === '' ? '' : `${where} `}${issue?.message ?? 'is not valid'}; write it again with "ecr-janitor advise --format json"`,
    );
  }
  const seen = new Set<string>();
  parsed.data.repositories.forEach((entry, i) => {
    const id = `${entry.accountId}/${entry.region}/${entry.repositoryName}`;
    if (seen.has(id)) throw new InvalidInputError(`advice file ${source}: repositories[${i}] (${id}) is in the file twice`);
    seen.add(id);
    if (entry.advice === 'none') return;
    if (entry.recommendedPolicyText === null)
      throw new InvalidInputError(`advice file ${source}: repositories[${i}] (${id}) advises a policy but has no recommendedPolicyText`);
    const policy = parsePolicy(entry.recommendedPolicyText);
    if (!policy.ok)
      throw new InvalidInputError(
        `advice file ${source}: repositories[${i}] (${id}) recommends a policy ECR would refuse:\n  - ${problemLines(policy).join('\n  - ')}`,
      );
  });
  const file: AdviceFile = parsed.data;
  return file;
}
