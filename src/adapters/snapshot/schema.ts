import * as z from 'zod';
import { InvalidInputError } from '../../domain/errors';
import { IN_USE_WARNING_CODES, WORKLOAD_SOURCES } from '../../domain/in-use';
import { REGION_NAME } from '../../domain/region';
import { toEpochMs } from '../../domain/time';
import { SNAPSHOT_FORMAT, type SnapshotFile } from './format';

// The file is checked for sense as well as shape. The rule: what no registry can hold and no
// capture can produce (a negative or fractional size, a time that does not exist, a region or a
// repository twice, an invalid region name, a manifest that gives a blob a negative size) refuses
// the whole file, because every figure computed from it would be suspect. What a real capture can
// hold (a manifest it could not fetch, an index whose child is gone, sizes as an emulator reports
// them) loads, and the audit says so in its warnings.

/** A time as ECR tools write it: ISO-8601 (a date that exists) or epoch seconds. */
const timestamp = z.union([z.string(), z.number()]).refine((value) => Number.isFinite(toEpochMs(value)), {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a time that exists; write ISO-8601 such as 2026-01-31T00:00:00Z, or epoch seconds`,
});

/** An ISO-8601 time that exists (strictly, as `--now` reads it). */
const isoTime = z.string().refine((value) => Number.isFinite(toEpochMs(value)), {
  error: (issue) => `${JSON.stringify(issue.input)} is not an ISO-8601 time that exists; write e.g. 2026-01-31T00:00:00Z`,
});

const size = z.number({ error: 'must be a number of bytes' }).refine((n) => Number.isSafeInteger(n) && n >= 0, {
  error: (issue) => `${String(issue.input)} is not a size in bytes: it must be a whole number of 0 or more`,
});

/** The blob sizes of a manifest text, when it is JSON of a manifest; problems name the descriptor. */
function manifestSizeProblems(text: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return []; // unreadable: a warning of the audit (ManifestMissing), not a reason to refuse the file
  }
  if (typeof doc !== 'object' || doc === null) return [];
  const m = doc as { config?: unknown; layers?: unknown; manifests?: unknown };
  const descriptors: Array<[string, unknown]> = [];
  if (typeof m.config === 'object' && m.config !== null) descriptors.push(['config', m.config]);
  for (const key of ['layers', 'manifests'] as const) {
    const list = m[key];
    if (Array.isArray(list)) list.forEach((d, i) => descriptors.push([`${key}[${i}]`, d]));
  }
  const problems: string[] = [];
  for (const [where, descriptor] of descriptors) {
    const value = typeof descriptor === 'object' && descriptor !== null ? (descriptor as { size?: unknown }).size : undefined;
    if (value !== undefined && !(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0))
      problems.push(`the manifest's ${where}.size ${JSON.stringify(value)} is not a size in bytes (a whole number of 0 or more)`);
  }
  return problems;
}

// A file with hundreds of thousands of bad entries must get the same clear error as one with a few.
// zod gathers every issue of an array and hands them up one level at a time by spreading them into
// one call, which overflows the stack from about 100,000 issues; so every list here is checked item
// by item, keeps the first PROBLEMS_SHOWN problems and counts the rest in one issue of its own.

/** How many problems the error lists, and each list keeps; the rest are counted. */
const PROBLEMS_SHOWN = 10;

/** The problems an issue stands for beyond itself: a count of the problems left out, or none. */
function leftOut(issue: z.core.$ZodIssue): number | undefined {
  const more = issue.code === 'custom' ? (issue.params as { leftOut?: unknown } | undefined)?.leftOut : undefined;
  return typeof more === 'number' ? more : undefined;
}

/** Keeps the first problems of a list as issues and counts the others; `flush` adds the count. */
function problemKeeper(ctx: z.core.$RefinementCtx) {
  let kept = 0;
  let dropped = 0;
  return {
    add(issue: { path: PropertyKey[]; message: string; input?: unknown }): void {
      if (kept < PROBLEMS_SHOWN) {
        kept++;
        ctx.addIssue({ code: 'custom', ...issue });
      } else dropped++;
    },
    drop(count: number): void {
      dropped += count;
    },
    flush(): void {
      if (dropped > 0) ctx.addIssue({ code: 'custom', message: `and ${dropped} more problems`, params: { leftOut: dropped } });
    },
  };
}

/**
 * A list whose items `element` checks one by one: the problems of the first items are kept (with
 * their paths), the others counted; the output is the list of checked items.
 */
function listOf<T extends z.ZodType>(element: T) {
  return z.array(z.unknown()).transform((items, ctx) => {
    const out: Array<z.output<T>> = [];
    const problems = problemKeeper(ctx);
    items.forEach((item, i) => {
      const result = element.safeParse(item);
      if (result.success) {
        out.push(result.data);
        return;
      }
      for (const issue of result.error.issues) {
        const more = leftOut(issue);
        if (more !== undefined) problems.drop(more);
        else problems.add({ path: [i, ...issue.path], message: issue.message, input: item });
      }
    });
    problems.flush();
    return out;
  });
}

/** Adds an issue for each value of `key` that appears more than once in `items` (the first few; the others counted). */
function noDuplicates<T>(key: (item: T) => string, field: string, what: string, shown: (item: T) => string = key) {
  return (items: T[], ctx: z.core.$RefinementCtx): void => {
    const first = new Map<string, number>();
    const problems = problemKeeper(ctx);
    items.forEach((item, i) => {
      const value = key(item);
      const seen = first.get(value);
      if (seen === undefined) first.set(value, i);
      else
        problems.add({
          path: [i, field],
          message: `${what} ${JSON.stringify(shown(item))} appears again (first at index ${seen}); each may appear once`,
        });
    });
    problems.flush();
  };
}

const imageSchema = z
  .looseObject({
    imageDigest: z.string().startsWith('sha256:', 'must be a sha256 digest'),
    imageTags: listOf(z.string()).optional(),
    imageSizeInBytes: size.optional(),
    imagePushedAt: timestamp.optional(),
    lastRecordedPullTime: timestamp.optional(),
    lastArchivedAt: timestamp.optional(),
    lastActivatedAt: timestamp.optional(),
    imageManifestMediaType: z.string().optional(),
    artifactMediaType: z.string().optional(),
    subjectManifestDigest: z.string().optional(),
    imageStatus: z.string().optional(),
    imageManifest: z.string().optional(),
  })
  .superRefine((image, ctx) => {
    if (image.imageManifest === undefined) return;
    const problems = problemKeeper(ctx);
    for (const message of manifestSizeProblems(image.imageManifest)) problems.add({ path: ['imageManifest'], message });
    problems.flush();
  });

const repositorySchema = z.object({
  repositoryName: z.string().min(1),
  repositoryArn: z.string(),
  createdAt: isoTime.nullable(),
  tags: listOf(z.object({ Key: z.string(), Value: z.string() })),
  lifecyclePolicyText: z.string().nullable(),
  images: listOf(imageSchema).superRefine(noDuplicates((i) => i.imageDigest, 'imageDigest', 'image digest')),
});

const regionName = z.string().refine((value) => REGION_NAME.test(value), {
  error: (issue) => `${JSON.stringify(issue.input)} is not an AWS region name such as eu-west-1`,
});

/** Schema of the snapshot file (`ecr-janitor-snapshot/1`), sense checks included. */
export const snapshotSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT, { error: `must be "${SNAPSHOT_FORMAT}"` }),
  capturedAt: isoTime,
  errors: listOf(
    z
      .object({
        accountId: z
          .string()
          .regex(/^\d{12}$/, 'must be a 12-digit account id')
          .optional(),
        // Empty for an account that could not be read at all (its accountId says which).
        region: z.union([regionName, z.literal('')]),
        repositoryName: z.string().min(1).optional(),
        code: z.string(),
        message: z.string(),
      })
      .refine((e) => e.region !== '' || (e.accountId !== undefined && e.repositoryName === undefined), {
        error: 'an error without a region is the failure of a whole account: it needs an accountId and no repositoryName',
      }),
  ).optional(),
  accounts: listOf(
    z.object({
      accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
      name: z.string().nullable(),
      regions: z.array(regionName),
    }),
  )
    .superRefine(noDuplicates((a) => a.accountId, 'accountId', 'account'))
    .optional(),
  registries: listOf(
    z.object({
      accountId: z.string(),
      region: regionName,
      repositories: listOf(repositorySchema).superRefine(noDuplicates((r) => r.repositoryName, 'repositoryName', 'repository')),
      inUse: listOf(
        z.object({
          repositoryName: z.string().min(1),
          imageDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be a sha256 digest'),
          consumer: z.string().min(1),
        }),
      ).optional(),
      inUseErrors: listOf(z.object({ source: z.enum([...WORKLOAD_SOURCES, 'list']), code: z.string(), message: z.string() })).optional(),
      inUseWarnings: listOf(
        z.object({
          source: z.enum(WORKLOAD_SOURCES),
          code: z.enum(IN_USE_WARNING_CODES),
          message: z.string(),
        }),
      ).optional(),
      blobMounting: z.enum(['ENABLED', 'DISABLED', 'unknown']).optional(),
    }),
  )
    // One registry per account and region: a snapshot of several accounts holds each region once per account.
    .superRefine(
      noDuplicates(
        (r) => `${r.accountId}/${r.region}`,
        'region',
        'region',
        (r) => r.region,
      ),
    ),
});

/**
 * Names the place of a path in the document the way a person finds it: the registry's region, the
 * repository's name and the image's digest (`registries.0.repositories.1` → `region eu-west-1,
 * repository "bare"`); empty when the path names none of them.
 */
function placeOf(doc: unknown, path: ReadonlyArray<PropertyKey>): string {
  const names: string[] = [];
  let node: unknown = doc;
  for (const [i, key] of path.entries()) {
    if (typeof node !== 'object' || node === null) break;
    node = (node as Record<PropertyKey, unknown>)[key];
    const parent = path[i - 1];
    if (typeof key !== 'number' || typeof node !== 'object' || node === null) continue;
    const item = node as { region?: unknown; repositoryName?: unknown; imageDigest?: unknown };
    if (parent === 'registries' && typeof item.region === 'string') names.push(`region ${item.region}`);
    else if (parent === 'repositories' && typeof item.repositoryName === 'string')
      names.push(`repository ${JSON.stringify(item.repositoryName)}`);
    else if (parent === 'images' && typeof item.imageDigest === 'string') names.push(`image ${item.imageDigest}`);
  }
  return names.join(', ');
}

/**
 * Checks a parsed snapshot document for shape and for sense; the error names the file and, for each
 * problem, its path and place (region, repository, image digest). Files written before `errors`
 * was recorded load as they are.
 *
 * @example const snapshot = parseSnapshot(JSON.parse(text), 'snap.json');
 */
export function parseSnapshot(doc: unknown, source: string): SnapshotFile {
  const result = snapshotSchema.safeParse(doc);
  if (!result.success) {
    // The lists keep their first problems and count the others: add the counts up.
    const found = result.error.issues.filter((i) => leftOut(i) === undefined);
    const counted = result.error.issues.reduce((n, i) => n + (leftOut(i) ?? 0), 0);
    const issues = found.slice(0, PROBLEMS_SHOWN).map((i) => {
      const place = placeOf(doc, i.path);
      return `${i.path.map(String).join('.') || '(root)'}${place === '' ? '' : ` (${place})`}: ${i.message}`;
    });
    const others = found.length - issues.length + counted;
    const more = others > 0 ? `\n  … and ${others} more` : '';
    throw new InvalidInputError(
      `snapshot file ${source} is not an ecr-janitor snapshot that makes sense (write one with "ecr-janitor snapshot --out FILE"):\n  - ${issues.join('\n  - ')}${more}`,
    );
  }
  return result.data as SnapshotFile;
}
