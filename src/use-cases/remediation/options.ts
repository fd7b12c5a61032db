import type { ImageDetail } from '../../domain/image';
import type { InUseCatalog } from '../../domain/in-use';
import type { Tag } from '../../domain/registry';
import type { PolicyAssessment } from '../../domain/remediation';
import type { Selection } from '../../domain/selection';
import type { PolicyWriter, RegistryReader } from '../../ports/registry';
import type { ScanProgress } from '../audit';

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
  /**
   * The enforced maximum untagged age: when set, an untagged rule that expires images later than
   * this many days after push is shortened to it. @default undefined (off)
   */
  enforcedMaxUntaggedDays?: number;
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
  /**
   * What is in use over every region of the run (a workload in one region may run another region's
   * images), read when a write is first due.
   */
  inUse: { catalog(): Promise<InUseCatalog> };
  /** The time the guard judges from, epoch ms. @default Date.now */
  now?: () => number;
}

/** How the write loop paces itself: rounds of re-read → compare → write, with backoff between them. */
export interface WritePacing {
  /** Rounds in which the policy may change before giving up (`skipped-changed`). @default 5 */
  rounds: number;
  /** Throttled writes before giving up (the throttling error is then thrown; the next run decides). @default 10 */
  throttledRounds: number;
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

/** The write loop's defaults: at most about 0.3 + 0.6 + 1.2 + 2.4 s of pauses over five changed rounds. */
const DEFAULT_WRITE_PACING: WritePacing = {
  rounds: 5,
  throttledRounds: 10,
  baseDelayMs: 300,
  maxDelayMs: 5_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  random: () => Math.random(),
};

/** The run's pacing: the defaults with the caller's overrides. */
export function pacingOf(options: Pick<RemediateOptions, 'pacing'>): WritePacing {
  return { ...DEFAULT_WRITE_PACING, ...options.pacing };
}

/** The rule a run enforces, from its options. */
export function ruleOf(options: Pick<RemediateOptions, 'days' | 'enforcedMaxUntaggedDays'>): {
  days: number;
  enforcedMaxUntaggedDays?: number;
} {
  return {
    days: options.days,
    ...(options.enforcedMaxUntaggedDays === undefined ? {} : { enforcedMaxUntaggedDays: options.enforcedMaxUntaggedDays }),
  };
}

/** What a caller already read about a repository, so remediation need not read it again. */
export interface KnownState {
  /** The repository's tags; listed when a write is due otherwise. */
  tags?: readonly Tag[];
  /** The policy text (null: none). Read otherwise; either way read again just before a write. */
  policyText?: string | null;
  /** The policy already assessed with the run's rule (an audit's, a weekly shard's); must be of `policyText`. @default assessed from it */
  assessment?: PolicyAssessment;
  /** The repository's images (the guard's compact form is enough); read when a write is due and the guard is on otherwise. */
  images?: readonly ImageDetail[];
}

/** A registry to remediate through: a reader, and a writer unless the run is read-only. */
export interface RemediationTarget {
  reader: RegistryReader;
  writer?: PolicyWriter | undefined;
}
