/**
 * Writes the demo's week with the janitor deployed, in `demo/week/`: `previous.json`, the demo
 * registries of `demo/snapshot.json` once the janitor has merged its default rule into every policy
 * that lacked untagged cleanup (as the weekly run does, opted-out repositories left alone);
 * `next.json`, the same registries a week later, once ECR has run their lifecycle policies; and
 * `ledger.jsonl`, the `PolicyExecutionEvent`s of that week, as `ecr-janitor ledger` writes them.
 * `npm start` audits `next.json` with `--previous-snapshot previous.json --ledger ledger.jsonl`, so the
 * demo report shows a realized-savings week, the default rule's share and the prediction.
 *
 * What ECR does in it: every image the janitor forecast at the first capture (the policies it held,
 * seven days ahead) is acted on 6 to 18 hours after it became eligible, as ECR evaluates about once a
 * day; images that become eligible in the last 30 hours are not yet acted on (not yet due). One image,
 * the first the janitor's default rule was to expire at least three days before the second capture, is
 * deliberately left alone, so the report shows one prediction mismatch with both timelines.
 * Deterministic: same snapshot, same files.
 *
 * Run: node dist/make-demo-week.js [--if-missing] [snapshot-file] [out-dir]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SnapshotFile } from '../src/adapters/snapshot/format';
import { parseSnapshot } from '../src/adapters/snapshot/schema';
import type { ForecastEntry } from '../src/domain/forecast';
import { DEFAULT_OPT_OUT_TAG, DEFAULT_UNTAGGED_DAYS } from '../src/domain/defaults';
import { parsePolicy, remediatedPolicy } from '../src/domain/policy';
import { isOptedOut } from '../src/domain/selection';
import { forecastFromState } from '../src/use-cases/truth';
import { serialiseSnapshot } from './make-demo-snapshot';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Images that become eligible this close to the second capture are not acted on yet. */
const NOT_YET = 30 * HOUR;
/** The deliberate mismatch: eligible at least this long before the second capture, well past ECR's 48 hours. */
const OVERDUE = 3 * DAY;

/** A number in [0, 1) that depends only on `text`. */
function unit(text: string): number {
  return Number.parseInt(createHash('sha256').update(text).digest('hex').slice(0, 8), 16) / 0x1_0000_0000;
}

/** A UUID-shaped id that depends only on `text`. */
function idOf(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

interface Acted extends ForecastEntry {
  at: number;
}

/** One PolicyExecutionEvent, as EventBridge delivers it: the evaluation of one repository at `at`. */
function policyExecutionEvent(input: {
  accountId: string;
  region: string;
  repositoryName: string;
  policyText: string;
  at: number;
  acted: readonly Acted[];
}): object {
  const parsed = parsePolicy(input.policyText);
  const rules = parsed.ok
    ? parsed.policy.rules.map((r) => ({ rulePriority: r.rulePriority, description: r.description ?? '', action: r.action.type }))
    : [];
  const time = new Date(input.at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const key = `${input.region}/${input.repositoryName}/${time}`;
  return {
    version: '0',
    id: idOf(`envelope:${key}`),
    'detail-type': 'AWS Service Event via CloudTrail',
    source: 'aws.ecr',
    account: input.accountId,
    time,
    region: input.region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: { accountId: input.accountId, invokedBy: 'AWS Internal' },
      eventTime: time,
      eventSource: 'ecr.amazonaws.com',
      eventName: 'PolicyExecutionEvent',
      awsRegion: input.region,
      sourceIPAddress: 'AWS Internal',
      userAgent: 'AWS Internal',
      requestParameters: null,
      responseElements: null,
      eventID: idOf(`event:${key}`),
      readOnly: true,
      eventType: 'AwsServiceEvent',
      managementEvent: true,
      recipientAccountId: input.accountId,
      serviceEventDetails: {
        repositoryName: input.repositoryName,
        lifecycleEventPolicy: { lifecycleEventRules: rules, lastEvaluatedAt: input.at, policyVersion: 1, policyId: idOf(`policy:${key}`) },
        lifecycleEventImageActions: input.acted.map((a) => ({
          lifecycleEventImage: {
            digest: a.imageDigest,
            tagStatus: a.imageTags.length === 0 ? 'Untagged' : 'Tagged',
            tagList: a.imageTags,
            pushedAt: a.pushedAt === null ? null : Date.parse(a.pushedAt),
          },
          rulePriority: a.rulePriority,
        })),
        lifecycleEventFailureDetails: [],
      },
      eventCategory: 'Management',
    },
  };
}

/**
 * The demo's next week: the later capture and the ledger between the two (see the file's comment).
 *
 * @example const { snapshot, ledger, left } = makeDemoWeek(parseSnapshot(JSON.parse(text), 'demo/snapshot.json'));
 */
export function makeDemoWeek(captured: SnapshotFile): {
  previous: SnapshotFile;
  snapshot: SnapshotFile;
  ledger: string;
  left: string | undefined;
} {
  const previous = remediated(captured);
  const from = Date.parse(previous.capturedAt);
  const to = from + 7 * DAY;
  const events: Array<{ at: number; line: string }> = [];
  const keyOf = (region: string, repositoryName: string, digest: string) => `${region}/${repositoryName}@${digest}`;
  // What the janitor forecast at the first capture, of every repository, due before the second.
  const dueOf = new Map<string, ForecastEntry[]>();
  for (const registry of previous.registries)
    for (const repository of registry.repositories) {
      const { entries } = forecastFromState({ ...repository, region: registry.region }, from);
      dueOf.set(
        `${registry.region}/${repository.repositoryName}`,
        (entries ?? []).filter((e) => Date.parse(e.eligibleAt) <= to - NOT_YET),
      );
    }
  // The image ECR leaves alone: the default rule's, overdue at the second capture, preferably one that
  // became eligible during the week (both timelines then fall in it).
  const candidates = [...dueOf].flatMap(([where, due]) =>
    due
      .filter((e) => e.defaultRule && e.action === 'expire' && Date.parse(e.eligibleAt) <= to - OVERDUE)
      .map((e) => `${where}@${e.imageDigest}`),
  );
  const inWeek = [...dueOf].flatMap(([where, due]) =>
    due
      .filter((e) => e.defaultRule && e.action === 'expire' && Date.parse(e.eligibleAt) >= from && Date.parse(e.eligibleAt) <= to - OVERDUE)
      .map((e) => `${where}@${e.imageDigest}`),
  );
  const left = inWeek[0] ?? candidates[0];
  const registries = previous.registries.map((registry) => ({
    ...registry,
    repositories: registry.repositories.map((repository) => {
      const due = dueOf.get(`${registry.region}/${repository.repositoryName}`) ?? [];
      const acted: Acted[] = due
        .filter((e) => keyOf(registry.region, repository.repositoryName, e.imageDigest) !== left)
        .map((e) => {
          const eligible = Math.max(Date.parse(e.eligibleAt), from);
          return { ...e, at: eligible + 6 * HOUR + Math.floor(unit(`${repository.repositoryName}${e.imageDigest}`) * 12) * HOUR };
        });
      // One evaluation a day per repository: the actions of a day in one event, at that day's first.
      const byDay = new Map<number, Acted[]>();
      for (const a of acted) byDay.set(Math.floor(a.at / DAY), [...(byDay.get(Math.floor(a.at / DAY)) ?? []), a]);
      for (const day of [...byDay.values()]) {
        const at = Math.min(...day.map((a) => a.at));
        const event = policyExecutionEvent({
          ...registry,
          repositoryName: repository.repositoryName,
          policyText: repository.lifecyclePolicyText ?? '',
          at,
          acted: day,
        });
        events.push({ at, line: JSON.stringify(event) });
      }
      const expired = new Set(acted.filter((a) => a.action === 'expire').map((a) => a.imageDigest));
      const archived = new Map(acted.filter((a) => a.action === 'transition').map((a) => [a.imageDigest, a.at]));
      return {
        ...repository,
        images: repository.images
          .filter((image) => !expired.has(image.imageDigest))
          .map((image) => {
            const at = archived.get(image.imageDigest);
            return at === undefined ? image : { ...image, imageStatus: 'ARCHIVED', lastArchivedAt: new Date(at).toISOString() };
          }),
      };
    }),
  }));
  const ledger = events
    .sort((a, b) => a.at - b.at)
    .map((e) => `${e.line}\n`)
    .join('');
  return { previous, snapshot: { ...previous, capturedAt: new Date(to).toISOString(), registries }, ledger, left };
}

/** The capture with the janitor's default rule merged into every policy without untagged cleanup, opted-out repositories left alone. */
function remediated(snapshot: SnapshotFile): SnapshotFile {
  return {
    ...snapshot,
    registries: snapshot.registries.map((registry) => ({
      ...registry,
      repositories: registry.repositories.map((repository) => {
        if (isOptedOut(repository.tags, DEFAULT_OPT_OUT_TAG)) return repository;
        try {
          // What the weekly run writes: the default rule merged where untagged images never expire.
          const next = remediatedPolicy(repository.lifecyclePolicyText ?? undefined, { days: DEFAULT_UNTAGGED_DAYS });
          return next.changed ? { ...repository, lifecyclePolicyText: next.text } : repository;
        } catch {
          // A policy the janitor cannot merge into is left as it is.
          return repository;
        }
      }),
    })),
  };
}

function main(): void {
  const args = process.argv.slice(2);
  const files = args.filter((a) => !a.startsWith('--'));
  const source = resolve(files[0] ?? 'demo/snapshot.json');
  const dir = resolve(files[1] ?? 'demo/week');
  const written = ['previous.json', 'next.json', 'ledger.jsonl'].map((name) => join(dir, name));
  if (args.includes('--if-missing') && written.every((file) => existsSync(file))) return;
  const captured = parseSnapshot(JSON.parse(readFileSync(source, 'utf8')) as unknown, source);
  const { previous, snapshot, ledger } = makeDemoWeek(captured);
  mkdirSync(dir, { recursive: true });
  const [previousFile, nextFile, ledgerFile] = written as [string, string, string];
  writeFileSync(previousFile, serialiseSnapshot(previous));
  writeFileSync(nextFile, serialiseSnapshot(snapshot));
  writeFileSync(ledgerFile, ledger);
}

if (typeof require !== 'undefined' && require.main === module) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
