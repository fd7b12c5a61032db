import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CallCounter } from '../../adapters/aws/call-counter';
import { createWorkloadScannerPool } from '../../adapters/aws/workload-scanners';
import type { SnapshotInUseSources } from '../../adapters/snapshot/snapshot-in-use';
import type { InUseEntry, InUseSource } from '../../domain/in-use';
import { WORKLOAD_SOURCES, parseInUseList } from '../../domain/in-use';
import type { AuditInUse } from '../../use-cases/audit';
import type { InUseSources } from '../../use-cases/in-use';
import { collectInUse } from '../../use-cases/in-use';
import { UsageError } from '../errors';
import { readTextFile } from '../io';
import { DEFAULT_GUARD, DEFAULT_GUARD_HORIZON_DAYS, MAX_GUARD_HORIZON_DAYS } from '../../domain/defaults';

/** The in-use flags of `audit`, `remediate` and `snapshot`. */
export interface InUseFlags {
  /** `--in-use-scan`: the workload sources, `[]` for `none`; undefined when not given. */
  inUseScan?: InUseSource[];
  /** `--in-use FILE`, repeatable. */
  inUse: string[];
}

/** The guard flags of `audit` and `remediate`. */
export interface GuardFlags {
  guard: 'on' | 'off';
  guardHorizonDays: number;
}

function parseScanSources(value: string): InUseSource[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 1 && names[0] === 'none') return [];
  for (const name of names) {
    if (!(WORKLOAD_SOURCES as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`"${name}" is not a source to scan; write ecs, lambda, ecs,lambda or none`);
    }
  }
  if (names.length === 0) throw new InvalidArgumentError('name the sources to scan (ecs,lambda) or none');
  return [...new Set(names)] as InUseSource[];
}

function parseHorizon(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > MAX_GUARD_HORIZON_DAYS) {
    throw new InvalidArgumentError(`"${value}" is not a whole number of days from 0 to ${MAX_GUARD_HORIZON_DAYS}`);
  }
  return Number(value);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Adds `--in-use-scan` and `--in-use` (and, with `guard`, `--guard` and `--guard-horizon-days`) to a
 * command that reads registries.
 */
export function addInUseOptions(command: Command, { guard }: { guard: boolean }): Command {
  command
    .option(
      '--in-use-scan <sources>',
      'where to look for images in use: ecs,lambda (the default for live runs), ecs, lambda or none',
      parseScanSources,
    )
    .option(
      '--in-use <file>',
      'a list of images in use (repository@sha256:… or sha256:…, a line each or a JSON array; e.g. from kubectl), repeatable',
      collect,
      [],
    );
  if (guard) {
    command
      .addOption(
        new Option('--guard <mode>', 'on: never write a policy that would remove an image in use; off: only report it')
          .choices(['on', 'off'])
          .default(DEFAULT_GUARD),
      )
      .option(
        '--guard-horizon-days <n>',
        'days ahead the guard evaluates policies for images in use',
        parseHorizon,
        DEFAULT_GUARD_HORIZON_DAYS,
      );
  }
  return command;
}

/** Reads the `--in-use` files: a malformed line stops the run before any work, naming the file and line. */
async function readListFiles(files: readonly string[]): Promise<InUseEntry[]> {
  const entries: InUseEntry[] = [];
  for (const file of files) entries.push(...parseInUseList(await readTextFile(file, 'in-use list'), file).entries);
  return entries;
}

/** What {@link inUseSourcesOf} needs to build live scanners: the run's client settings. */
export interface LiveClientFlags {
  endpoint?: string;
  maxAttempts: number;
  retryMode: 'adaptive' | 'standard';
  connectTimeout: number;
  requestTimeout: number;
}

/**
 * The in-use sources of a command: the workload scanners (live runs; ECS and Lambda unless
 * `--in-use-scan` says otherwise), the `--in-use` files, and a snapshot's own record. Undefined when
 * there is none at all: the run then has no in-use figures. The names say what was read, for the report.
 *
 * @throws UsageError when `--in-use-scan` asks to scan a snapshot
 * @throws InvalidInputError when a list file is missing or malformed
 */
export async function inUseSourcesOf(
  flags: InUseFlags & LiveClientFlags,
  run: { snapshot?: SnapshotInUseSources; counter: CallCounter },
): Promise<{ sources: InUseSources; names: string[] } | undefined> {
  const entries = await readListFiles(flags.inUse);
  const names = flags.inUse.map((file) => `list:${file}`);
  if (run.snapshot !== undefined) {
    if (flags.inUseScan !== undefined && flags.inUseScan.length > 0) {
      throw new UsageError('--in-use-scan cannot read a snapshot: its own in-use record is used; pass --in-use FILE to add a list');
    }
    if (run.snapshot.recorded) names.unshift('snapshot');
    if (names.length === 0) return undefined;
    return { sources: { scannersFor: () => [], entries: [...run.snapshot.entries, ...entries], failures: run.snapshot.failures }, names };
  }
  const scan = flags.inUseScan ?? [...WORKLOAD_SOURCES];
  names.unshift(...scan);
  if (names.length === 0) return undefined;
  const scannersFor = createWorkloadScannerPool({
    sources: scan,
    counter: run.counter,
    maxAttempts: flags.maxAttempts,
    retryMode: flags.retryMode,
    connectionTimeoutMs: flags.connectTimeout,
    requestTimeoutMs: flags.requestTimeout,
    ...(flags.endpoint === undefined ? {} : { endpoint: flags.endpoint }),
  });
  return { sources: { scannersFor, entries }, names };
}

/**
 * Reads what is in use in every region of a run at once (`audit`, `snapshot`): the catalogs and
 * errors of {@link inUseSourcesOf}'s sources, or undefined when there is none.
 */
export async function readInUse(
  flags: InUseFlags & LiveClientFlags,
  run: { snapshot?: SnapshotInUseSources; counter: CallCounter; regions: readonly string[] },
): Promise<(Pick<AuditInUse, 'catalogs' | 'errors'> & { names: string[] }) | undefined> {
  const inUse = await inUseSourcesOf(flags, run);
  if (inUse === undefined) return undefined;
  return { ...(await collectInUse(run.regions, inUse.sources)), names: inUse.names };
}
