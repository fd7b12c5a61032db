import pLimit from 'p-limit';
import { policyStatusOf } from '../domain/analysis';
import { JanitorError, PolicyWriteError, errorCode } from '../domain/errors';
import type { ImageDetail } from '../domain/image';
import type { AtRiskImage, InUseCatalog } from '../domain/in-use';
import { describeAtRisk, guardContextOf, guardImagesOf, judgeWrite, referrersAtRiskOf, removedBy } from '../domain/in-use';
import type { LifecyclePolicy } from '../domain/policy';
import { remediatedPolicy, type RemediationSettings } from '../domain/policy';
import type { RepositoryRef, RepositoryState, Tag } from '../domain/registry';
import type { RemediationAction, RemediationResult } from '../domain/remediation';
import type { ReportError } from '../domain/report';
import type { Selection } from '../domain/selection';
import { excludeMatcher, isOptedOut } from '../domain/selection';
import type { PolicyWriter, RegistryReader } from '../ports/registry';
import type { ScanProgress } from './audit';
import { regionFailure, toReportError } from './errors';
import { readGuardImages } from './read-repository';

export type { RemediationAction, RemediationOutcome, RemediationResult } from '../domain/remediation';

/** Settings of a remediation run. */
export interface RemediateOptions {
  /** Age in days for the default untagged-image rule. @default 7 */
  days: number;
  selection: Selection;
  /** Write policies; without it the run only plans. @default false */
  apply: boolean;
  /** Repositories handled at the same time. @default 8 */
  concurrency: number;
  /** Overrides of the write loop's pacing (tests, benchmarks). @default {@link DEFAULT_WRITE_PACING} */
  pacing?: Partial<WritePacing>;
  /**
   * Stops the run: no repository starts after it fires, a write loop starts no new round, and
   * repositories still in hand are no longer waited for; all are recorded as `not-reached`. @default never
   */
  signal?: AbortSignal;
  /** Called once per region when it is listed (done = 0, or its listing error), then after each repository. */
  onProgress?: (progress: ScanProgress) => void;
  /** When set, an untagged rule that expires images later than this many days after push is shortened to it. @default undefined (off) */
  maxUntaggedDays?: number;
  /**
   * The in-use guard. With it, a repository where a write is due has its images read (or taken from
   * the audit) and the write judged: one that would remove an image in use within the horizon is
   * held (`held-in-use`). @default none: no images are read and nothing is held (onRepositoryCreated:
   * a new repository has no images)
   */
  guard?: GuardOptions;
}

/** How the in-use guard judges writes. */
export interface GuardOptions {
  /** Hold writes that would put an in-use image at risk. False (`--guard off`): judge and report, write anyway. */
  enabled: boolean;
  /** Days ahead a policy is evaluated for images in use. @default 7 */
  horizonDays: number;
  /** What is in use in a region, read when a write is first due there. */
  inUse: { forRegion(region: string): Promise<InUseCatalog> };
  /** The time the guard judges from, epoch ms. @default Date.now */
  now?: () => number;
}

/**
 * What an audit already read about a repository: enough to decide its remediation without reading
 * it again. (The images are left out, so holding every repository of a run costs little.)
 */
export interface AuditedRepository extends RepositoryRef {
  tags: Tag[];
  /** The lifecycle policy text as the audit read it, or null when there was none. */
  lifecyclePolicyText: string | null;
  /** The images as the guard keeps them (see `guardImagesOf`), only where a write may be due. */
  images?: ImageDetail[];
}

/**
 * The part of a repository's state that remediation needs. With `keepImagesFor`, a repository where
 * a write may be due (neither opted out nor excluded, and its policy lacks untagged cleanup or, with
 * `settings.maxUntaggedDays`, keeps untagged images longer) keeps its images in the compact form the
 * in-use guard judges from, so the guard reads nothing again.
 *
 * @example const audited: AuditedRepository[] = []; await audit(readers, { …, onRepositoryState: (s) => audited.push(auditedRepositoryOf(s, { keepImagesFor: selection, settings: { days: 7 } })) });
 */
export function auditedRepositoryOf(
  state: RepositoryState,
  options: { keepImagesFor?: Selection; settings?: Omit<RemediationSettings, 'basedOnReadAt'> } = {},
): AuditedRepository {
  const { images, ...audited } = state;
  const selection = options.keepImagesFor;
  if (selection === undefined) return audited;
  const mayWrite =
    !isOptedOut(state.tags, selection.optOutTag) &&
    !excludeMatcher(selection.exclude)(state.repositoryName) &&
    writeMayBeDue(state.lifecyclePolicyText, options.settings);
  return mayWrite ? { ...audited, images: guardImagesOf(images) } : audited;
}

/** Whether remediation would change this policy text (false when it cannot: an invalid policy is reported, not written). */
function writeMayBeDue(text: string | null, settings: Omit<RemediationSettings, 'basedOnReadAt'> | undefined): boolean {
  if (settings === undefined) {
    const { status, invalid } = policyStatusOf(text);
    return status !== 'ok' && invalid === undefined;
  }
  try {
    return remediatedPolicy(text ?? undefined, settings).changed;
  } catch {
    return false;
  }
}

/** How the write loop paces itself: rounds of re-read → compare → write, with backoff between them. */
export interface WritePacing {
  /** Rounds before giving up (`skipped-changed` when the policy kept changing). @default 5 */
  rounds: number;
  /** Longest pause before the second round, in ms; it doubles each round (full jitter). @default 300 */
  baseDelayMs: number;
  /** Longest pause between rounds, in ms. @default 5000 */
  maxDelayMs: number;
  /** Waits `ms` milliseconds. @default setTimeout */
  sleep: (ms: number) => Promise<void>;
  /** The wall clock (epoch ms): the read time recorded in the janitor's rule. @default Date.now */
  now: () => number;
  /** A number in [0, 1) for the jitter. @default Math.random */
  random: () => number;
}

/** The write loop's defaults: at most about 0.3 + 0.6 + 1.2 + 2.4 s of pauses over five rounds. */
const DEFAULT_WRITE_PACING: WritePacing = {
  rounds: 5,
  baseDelayMs: 300,
  maxDelayMs: 5_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  random: () => Math.random(),
};

/** What a caller already read about a repository, so remediation need not read it again. */
export interface KnownState {
  /** The repository's tags; listed when a write is due otherwise. */
  tags?: readonly Tag[];
  /** The policy text (null: none). Read otherwise; either way read again just before a write. */
  policyText?: string | null;
  /** The repository's images (the guard's compact form is enough); read when a write is due and the guard is on otherwise. */
  images?: readonly ImageDetail[];
}

/** A registry to remediate through: a reader, and a writer unless the run is read-only. */
export interface RemediationTarget {
  reader: RegistryReader;
  writer?: PolicyWriter | undefined;
}

/** What the guard found about a write, carried into the action that records it. */
export type WriteNotes = Pick<RemediationAction, 'inUseAtRisk' | 'referrersAtRisk' | 'message'> & {
  /** Recorded as held although written: a team's own text put back without the default rule. */
  outcome?: 'held-in-use';
};

/** What a round decides from the policy it has just read: the text to write, or the final outcome. */
export type Decision =
  { write: string; renumbered?: boolean; shortened?: RemediationAction['shortened']; notes?: WriteNotes } | { done: RemediationAction };

/** What a decision to write adds to its action: priorities renumbered, an untagged rule shortened. */
function changesOf(decision: { renumbered?: boolean; shortened?: RemediationAction['shortened'] }): Partial<RemediationAction> {
  return { ...(decision.renumbered ? { renumbered: true } : {}), ...(decision.shortened ? { shortened: decision.shortened } : {}) };
}

/** What one call of {@link writeLoop} needs. */
export interface WriteLoopInput {
  target: Required<RemediationTarget>;
  ref: RepositoryRef;
  /** The policy text the caller's decision was made from (null: none). */
  base: string | null;
  /** Decides from the policy read in a round that agrees with the one before it; `readAt` is that read's time. */
  decide: (current: string | null, readAt: number) => Decision;
  /** Tags came from an earlier read: read them again in the first round, so an opt-out added since wins. */
  recheckTags: boolean;
  selection: RemediateOptions['selection'];
  pacing: WritePacing;
  signal?: AbortSignal | undefined;
}

/**
 * Writes a policy without ever sending a text decided from a stale read. Each round takes the write
 * rate-limit slot, re-reads the policy (and, once, the tags), and compares it with the text the
 * decision was made from: when it changed, the decision is void — the new text becomes the base
 * and the next round, after a pause, reads again; only a read that agrees with the one before it is
 * followed by a write, at once, in one attempt. A throttled write waits and goes round again; a write
 * whose outcome is unknown (a 5xx, a timeout) is settled by reading the policy back, never by writing
 * blindly. After a write the policy is read back and what was seen is recorded.
 *
 * ECR has no conditional write, so a team's write that lands in the milliseconds between the re-read
 * and the write can still be lost; the janitor's rule records the time of the read it merged into,
 * and `onPolicyChanged` repairs such a loss from the team's CloudTrail event (see janitor-write.ts).
 */
export async function writeLoop(input: WriteLoopInput): Promise<RemediationAction> {
  const { target, ref, decide, pacing } = input;
  const name = ref.repositoryName;
  const head = { region: target.reader.region, repositoryName: name };
  let base = input.base;
  let lastFailure: { reason: 'changed' } | { reason: 'failed'; error: unknown } = { reason: 'changed' };
  let throttled = 0;
  for (let round = 1; round <= pacing.rounds; round++) {
    if (round > 1) {
      const ceiling = Math.min(pacing.maxDelayMs, pacing.baseDelayMs * 2 ** (round - 2));
      if (!input.signal?.aborted) await pacing.sleep(Math.floor(pacing.random() * ceiling));
      if (input.signal?.aborted) {
        const message = `the run stopped after ${round - 1} write round(s); nothing more was written`;
        return { ...head, outcome: 'not-reached', before: base, message };
      }
    }
    await target.writer.acquireWriteSlot?.();
    const readAt = pacing.now();
    const [current, tags] = await Promise.all([
      target.reader.getLifecyclePolicy(name).then((text) => text ?? null),
      input.recheckTags && round === 1 ? target.reader.listTags(ref) : Promise.resolve(undefined),
    ]);
    if (tags !== undefined && isOptedOut(tags, input.selection.optOutTag)) {
      return { ...head, outcome: 'skipped-opt-out', before: null, message: `tagged ${input.selection.optOutTag}=true (since it was read)` };
    }
    if (current !== base) {
      base = current;
      lastFailure = { reason: 'changed' };
      continue;
    }
    const decision = decide(current, readAt);
    if ('done' in decision) return decision.done;
    const { outcome = 'applied', message: note, ...notes } = decision.notes ?? {};
    const written = { ...head, before: current, after: decision.write, ...changesOf(decision), ...notes };
    try {
      await target.writer.putLifecyclePolicy(name, decision.write);
    } catch (error) {
      const failure = error instanceof PolicyWriteError ? error.failure : 'unknown';
      if (failure === 'rejected') throw error;
      lastFailure = { reason: 'failed', error };
      if (failure === 'throttled') {
        throttled++;
        continue;
      }
      // The write may have landed: only a read tells. A read that fails too leaves it unknown: throw the write's error.
      const stored = await target.reader.getLifecyclePolicy(name).then(
        (text) => text ?? null,
        () => {
          throw error;
        },
      );
      if (stored === decision.write) {
        return {
          ...written,
          outcome,
          readBack: 'matches',
          writeAttempts: round,
          message: [note, `the write answered ${errorCode(error)}; reading the policy back showed it was applied`]
            .filter(Boolean)
            .join('; '),
        };
      }
      continue;
    }
    let readBack: 'matches' | 'changed' | 'unreadable';
    try {
      readBack = ((await target.reader.getLifecyclePolicy(name)) ?? null) === decision.write ? 'matches' : 'changed';
    } catch {
      readBack = 'unreadable';
    }
    const messages = [
      note ?? '',
      throttled > 0 ? `${throttled} write${throttled === 1 ? ' was' : 's were'} throttled first` : '',
      readBack === 'changed' ? 'another writer replaced the policy right after this write' : '',
      readBack === 'unreadable' ? 'the policy could not be read back after the write' : '',
    ].filter((m) => m !== '');
    return { ...written, outcome, readBack, writeAttempts: round, ...(messages.length > 0 ? { message: messages.join('; ') } : {}) };
  }
  if (lastFailure.reason === 'failed') throw lastFailure.error;
  return {
    ...head,
    outcome: 'skipped-changed',
    before: base,
    message: `the policy kept changing over ${pacing.rounds} reads; not overwritten, the next run decides again`,
  };
}

/** The run's pacing: the defaults with the caller's overrides. */
export function pacingOf(options: Pick<RemediateOptions, 'pacing'>): WritePacing {
  return { ...DEFAULT_WRITE_PACING, ...options.pacing };
}

/** What the guard says about writing one policy to a repository. */
export interface Judgement {
  hold: boolean;
  atRisk: AtRiskImage[];
  referrersAtRisk: number;
}

/**
 * Reads what the guard needs about a repository where a write is due — its images (unless the audit
 * kept them) and what is in use in its region — and returns the judge of a policy about to be
 * written. The judge is pure, so the write loop calls it again on every text it is about to send.
 */
export async function guardOf(
  reader: RegistryReader,
  ref: RepositoryRef,
  guard: GuardOptions,
  known?: readonly ImageDetail[],
): Promise<(policy: LifecyclePolicy) => Judgement> {
  const [images, catalog] = await Promise.all([known ?? readGuardImages(reader, ref.repositoryName), guard.inUse.forRegion(reader.region)]);
  const context = guardContextOf(images, catalog.referencesOf(ref), catalog.failuresIn(reader.region));
  const now = (guard.now ?? Date.now)();
  return (policy) => {
    const verdict = judgeWrite(policy, context, { now, horizonDays: guard.horizonDays });
    const { expired, doomed } = removedBy(policy, images, context.graph, now);
    return {
      hold: guard.enabled && verdict.hold,
      atRisk: verdict.atRisk,
      referrersAtRisk: referrersAtRiskOf(context.graph, expired, doomed),
    };
  };
}

/** Why a write is held, for the action's message. */
function heldMessage(atRisk: readonly AtRiskImage[], horizonDays: number): string {
  return `the default rule would remove ${atRisk.length} image${atRisk.length === 1 ? '' : 's'} in use within ${horizonDays} days: ${describeAtRisk(atRisk)}`;
}

/** The guard's findings on a write that goes ahead, for the action that records it. */
export function notesOf(judgement: Judgement | undefined, guard: GuardOptions | undefined): WriteNotes {
  if (judgement === undefined || guard === undefined) return {};
  return {
    inUseAtRisk: judgement.atRisk,
    referrersAtRisk: judgement.referrersAtRisk,
    ...(judgement.atRisk.length > 0 ? { message: `in-use guard off: ${heldMessage(judgement.atRisk, guard.horizonDays)}` } : {}),
  };
}

/**
 * Brings one repository's policy up to the janitor's standard: merges the default rule when the
 * policy does not expire untagged images. A compliant repository costs one read (none when its
 * policy is known); tags are read only when a write is due (or the policy cannot be merged, as an
 * opted-out repository is never a failure). Writes go through {@link writeLoop}: never a text
 * decided from a stale read.
 *
 * With `options.guard`, a write that is due is judged first: the repository's images are read (unless
 * known) with what is in use in its region, and a merged policy that would remove an image in use
 * within the horizon is not written (`held-in-use`, listing the images and their consumers). The
 * judgement is made again on every text the write loop is about to send.
 *
 * @example const action = await remediateRepository({ reader: registry, writer: registry }, ref, { days: 7, apply: true, … });
 */
export async function remediateRepository(
  target: RemediationTarget,
  ref: RepositoryRef,
  options: RemediateOptions,
  known: KnownState = {},
): Promise<RemediationAction> {
  const { reader, writer } = target;
  const head = { region: reader.region, repositoryName: ref.repositoryName };
  if (excludeMatcher(options.selection.exclude)(ref.repositoryName))
    return { ...head, outcome: 'skipped-excluded', before: null, message: 'name matches an exclude glob' };
  const before = known.policyText !== undefined ? known.policyText : ((await reader.getLifecyclePolicy(ref.repositoryName)) ?? null);
  let judge: ((policy: LifecyclePolicy) => Judgement) | undefined;
  const plan = (current: string | null, basedOnReadAt?: number): Decision => {
    let merged;
    try {
      merged = remediatedPolicy(current ?? undefined, {
        days: options.days,
        ...(options.maxUntaggedDays === undefined ? {} : { maxUntaggedDays: options.maxUntaggedDays }),
        ...(basedOnReadAt === undefined ? {} : { basedOnReadAt }),
      });
    } catch (error) {
      if (error instanceof JanitorError) return { done: { ...head, outcome: 'unmergeable', before: current, message: error.message } };
      throw error;
    }
    if (!merged.changed)
      return { done: { ...head, outcome: 'compliant', before: current, ...(merged.note ? { message: merged.note } : {}) } };
    const judgement = judge?.(merged.policy);
    if (judgement?.hold) {
      return {
        done: {
          ...head,
          outcome: 'held-in-use',
          before: current,
          inUseAtRisk: judgement.atRisk,
          referrersAtRisk: judgement.referrersAtRisk,
          message: `${heldMessage(judgement.atRisk, options.guard?.horizonDays ?? 0)}; not written, the next run decides again`,
        },
      };
    }
    return { write: merged.text, ...changesOf(merged), notes: notesOf(judgement, options.guard) };
  };
  const first = plan(before);
  if ('done' in first && first.done.outcome === 'compliant') return first.done;
  const tags = known.tags ?? (await reader.listTags(ref));
  if (isOptedOut(tags, options.selection.optOutTag))
    return { ...head, outcome: 'skipped-opt-out', before: null, message: `tagged ${options.selection.optOutTag}=true` };
  if ('done' in first) return first.done;
  let due = first;
  if (options.guard) {
    // A write is due: judge it against the repository's images and what is in use in its region.
    judge = await guardOf(reader, ref, options.guard, known.images);
    const judged = plan(before);
    if ('done' in judged) return judged.done;
    due = judged;
  }
  if (!options.apply || !writer) {
    const { outcome: _outcome, ...notes } = due.notes ?? {};
    return { ...head, outcome: 'planned', before, after: due.write, ...changesOf(due), ...notes };
  }
  return writeLoop({
    target: { reader, writer },
    ref,
    base: before,
    decide: plan,
    recheckTags: known.tags !== undefined,
    selection: options.selection,
    pacing: pacingOf(options),
    signal: options.signal,
  });
}

/**
 * Puts back a team's policy that a janitor write replaced (see `isLostTeamWrite`): writes the team's
 * text with the default rule merged in, through the same checks as every write — but only while the
 * janitor's write is still what is stored. A policy that changed again since is left alone (the
 * newer write stands) as `skipped-changed`. The rule is stamped with the team's call time, not the
 * read time: the text merged into is as of that call, so a second team call that the same janitor
 * write replaced, handled after this one, is still recognised as lost and put back in turn.
 *
 * With `options.guard`, the team's text with the default rule is judged like any write; when the rule
 * would remove an image in use, the team's text goes back as written, without the rule
 * (`held-in-use`) — or, when the team had deleted the policy, nothing is written (the janitor never
 * deletes) and the action says so.
 *
 * @param stored the janitor's write that replaced the team's text, as just read
 * @param team the team's text from its CloudTrail event (undefined: the team deleted the policy) and the call's time
 */
export async function restoreTeamWrite(
  target: Required<RemediationTarget>,
  ref: RepositoryRef,
  options: RemediateOptions,
  stored: string,
  team: { policyText: string | undefined; calledAt: number },
): Promise<RemediationAction> {
  const head = { region: target.reader.region, repositoryName: ref.repositoryName };
  const guard = options.guard;
  const judge = guard === undefined ? undefined : await guardOf(target.reader, ref, guard);
  const decide = (current: string | null): Decision => {
    if (current !== stored) {
      return {
        done: { ...head, outcome: 'skipped-changed', before: current, message: 'the policy changed again; the newer write stands' },
      };
    }
    let merged;
    try {
      merged = remediatedPolicy(team.policyText, {
        days: options.days,
        ...(options.maxUntaggedDays === undefined ? {} : { maxUntaggedDays: options.maxUntaggedDays }),
        basedOnReadAt: team.calledAt,
      });
    } catch (error) {
      if (error instanceof JanitorError) return { done: { ...head, outcome: 'unmergeable', before: current, message: error.message } };
      throw error;
    }
    const judgement = merged.changed ? judge?.(merged.policy) : undefined;
    if (judgement?.hold && guard !== undefined) {
      const why = heldMessage(judgement.atRisk, guard.horizonDays);
      const findings = { inUseAtRisk: judgement.atRisk, referrersAtRisk: judgement.referrersAtRisk };
      if (team.policyText === undefined) {
        // Putting a deleted policy back takes a delete, which the janitor never makes.
        return {
          done: {
            ...head,
            outcome: 'held-in-use',
            before: current,
            ...findings,
            message: `the team deleted the policy after the janitor read it; the janitor never deletes, so its earlier write (with the default rule) stays: ${why}. Delete the policy again to apply the team's call`,
          },
        };
      }
      // The team's own text, as written: their rules are their call; only the janitor's rule is held.
      return {
        write: team.policyText,
        notes: {
          outcome: 'held-in-use',
          ...findings,
          message: `the team's policy was put back as written, without the default rule: ${why}`,
        },
      };
    }
    return { write: merged.text, ...changesOf(merged), notes: notesOf(judgement, guard) };
  };
  return writeLoop({
    target,
    ref,
    base: stored,
    decide,
    recheckTags: true,
    selection: options.selection,
    pacing: pacingOf(options),
    signal: options.signal,
  });
}

/**
 * Gathers a run's actions and errors; a repository whose remediation throws is recorded as failed,
 * and once `signal` fires, repositories not started or still in hand are recorded as not reached.
 */
function remediationRun(signal: AbortSignal | undefined) {
  const actions: RemediationAction[] = [];
  const errors: ReportError[] = [];
  const stopped = new Promise<'stopped'>((resolve) => {
    if (signal?.aborted) resolve('stopped');
    else signal?.addEventListener('abort', () => resolve('stopped'), { once: true });
  });
  return {
    errors,
    async attempt(region: string, repositoryName: string, remediateOne: () => Promise<RemediationAction>): Promise<void> {
      const notReached = (message: string): void => {
        actions.push({ region, repositoryName, outcome: 'not-reached', before: null, message });
      };
      if (signal?.aborted) return notReached('the run stopped before this repository');
      try {
        const action = await Promise.race([remediateOne(), stopped]);
        if (action === 'stopped') return notReached('the run stopped while this repository was in hand; a write may still land');
        actions.push(action);
      } catch (error) {
        const entry = toReportError(region, repositoryName, error);
        errors.push(entry);
        actions.push({ region, repositoryName, outcome: 'failed', before: null, message: `${entry.code}: ${entry.message}` });
      }
    },
    result(): RemediationResult {
      actions.sort((a, b) => a.region.localeCompare(b.region) || a.repositoryName.localeCompare(b.repositoryName));
      return { actions, errors };
    },
  };
}

/**
 * Remediates every repository of every region. Dry run unless `apply`; one repository's failure
 * is recorded and never stops the others.
 */
export async function remediate(
  registries: ReadonlyArray<{ reader: RegistryReader; writer?: PolicyWriter }>,
  options: RemediateOptions,
): Promise<RemediationResult> {
  const limit = pLimit(Math.max(1, options.concurrency));
  const run = remediationRun(options.signal);
  await Promise.all(
    registries.map(async ({ reader, writer }) => {
      let refs: RepositoryRef[];
      try {
        refs = await reader.listRepositories();
      } catch (error) {
        const listingError = regionFailure(reader.region, error);
        run.errors.push(listingError);
        options.onProgress?.({ region: reader.region, done: 0, total: 0, listingError });
        return;
      }
      let done = 0;
      options.onProgress?.({ region: reader.region, done, total: refs.length });
      await Promise.all(
        refs.map((ref) =>
          limit(async () => {
            await run.attempt(reader.region, ref.repositoryName, () => remediateRepository({ reader, writer }, ref, options));
            done++;
            options.onProgress?.({ region: reader.region, done, total: refs.length });
          }),
        ),
      );
    }),
  );
  return run.result();
}

/**
 * Remediates the repositories an audit read, deciding from the tags and policy it read instead of
 * listing and reading every repository again; each policy is still read again just before it is
 * written. Each repository goes through the registry of its region. Dry run unless `apply`; one
 * repository's failure is recorded and never stops the others.
 *
 * @example
 * const audited: AuditedRepository[] = [];
 * const report = await audit(readers, { …, onRepositoryState: (s) => audited.push(auditedRepositoryOf(s)) });
 * const result = await remediateAudited(registries, audited, { days: 7, apply: true, … });
 */
export async function remediateAudited(
  registries: ReadonlyArray<{ reader: RegistryReader; writer?: PolicyWriter }>,
  audited: readonly AuditedRepository[],
  options: RemediateOptions,
  unread: readonly RepositoryRef[] = [],
): Promise<RemediationResult> {
  const limit = pLimit(Math.max(1, options.concurrency));
  const byRegion = new Map(registries.map((r) => [r.reader.region, r]));
  const run = remediationRun(options.signal);
  const remediateOne = (ref: RepositoryRef, known?: AuditedRepository): Promise<void> =>
    limit(() =>
      run.attempt(ref.region, ref.repositoryName, async () => {
        const registry = byRegion.get(ref.region);
        if (!registry) throw new Error(`no registry was given for ${ref.region}, where ${ref.repositoryName} was audited`);
        return known
          ? remediateRepository(registry, ref, options, {
              tags: known.tags,
              policyText: known.lifecyclePolicyText,
              ...(known.images === undefined ? {} : { images: known.images }),
            })
          : remediateRepository(registry, ref, options);
      }),
    );
  // A repository the audit could not read whole (its images throttled, say) still gets its policy:
  // remediation needs only its tags and policy, read afresh.
  await Promise.all([...audited.map((repository) => remediateOne(repository, repository)), ...unread.map((ref) => remediateOne(ref))]);
  return run.result();
}
