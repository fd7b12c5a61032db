// The in-use flags (where to look for images in use) and the guard's (whether a policy that would
// remove one is written, and how far ahead it looks).
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_GUARD, DEFAULT_GUARD_HORIZON_DAYS, DEFAULT_IN_USE_SCAN, MAX_GUARD_HORIZON_DAYS } from '../../domain/defaults';
import { WORKLOAD_SOURCES, parseInUseScan, type WorkloadSource } from '../../domain/in-use';
import { argumentParser, collect } from './values';

/** The in-use flags of `audit`, `remediate`, `snapshot` and `weekly`. */
export interface InUseFlags {
  /** `--in-use-scan`: the workload sources, `[]` for `none`; undefined when not given. */
  inUseScan?: WorkloadSource[];
  /** `--in-use FILE`, repeatable. */
  inUse: string[];
}

/** The guard flags of the commands that judge repositories (`audit`, `remediate`, `weekly`). */
export interface GuardFlags {
  guard: 'on' | 'off';
  guardHorizonDays: number;
}

function parseHorizon(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > MAX_GUARD_HORIZON_DAYS) {
    throw new InvalidArgumentError(`"${value}" is not a whole number of days from 0 to ${MAX_GUARD_HORIZON_DAYS}`);
  }
  return Number(value);
}

/**
 * Adds `--in-use-scan` and `--in-use` ({@link InUseFlags}) and, with `guard`, `--guard` and
 * `--guard-horizon-days` ({@link GuardFlags}) to a command that reads registries.
 */
export function addInUseFlags(command: Command, { guard }: { guard: boolean }): Command {
  command
    .option(
      '--in-use-scan <sources>',
      `where to look for images in use, comma-separated: ${WORKLOAD_SOURCES.join(', ')}; ${DEFAULT_IN_USE_SCAN} (the default for live runs) or none`,
      argumentParser(parseInUseScan),
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
