// Which repositories the janitor may change (`--exclude`, `--opt-out-tag`), and the rule it adds
// (`--days`) or enforces (`--max-untagged-days`).
import type { Command } from 'commander';
import { DEFAULT_OPT_OUT_TAG, DEFAULT_UNTAGGED_DAYS } from '../../domain/defaults';
import { UsageError } from '../errors';
import { collect, parseCountNumber } from './values';

/** Flags of the commands that judge repositories (audit, remediate, weekly): which ones the janitor may change. */
export interface SelectionFlags {
  exclude: string[];
  optOutTag: string;
}

/** Adds `--exclude` and `--opt-out-tag` ({@link SelectionFlags}). */
export function addSelectionFlags(command: Command): Command {
  return command
    .option('--exclude <glob>', 'repository-name glob the janitor never changes (repeatable)', collect, [])
    .option('--opt-out-tag <key>', 'repositories tagged KEY=true are never changed', DEFAULT_OPT_OUT_TAG);
}

/** Help of `--days` for audit, remediate and weekly: one text, as it means one thing. */
export const DAYS_HELP = 'the default rule expires untagged images this many days after push (sinceImagePushed)';

/** Adds `--days`: the age of the default rule's untagged images. */
export function addDaysFlag(command: Command): Command {
  return command.option('--days <n>', DAYS_HELP, parseCountNumber, DEFAULT_UNTAGGED_DAYS);
}

/**
 * Adds the `--max-untagged-days` of the commands that write policies (remediate, weekly): the
 * longest an untagged rule may wait, enforced by shortening it. Check it with {@link checkMaxUntaggedDays}.
 */
export function addEnforcedMaxUntaggedDaysFlag(command: Command): Command {
  return command.option(
    '--max-untagged-days <n>',
    'also shorten untagged rules that expire images later than this many days after push',
    parseCountNumber,
  );
}

/**
 * Checks `--max-untagged-days` against `--days`: the default rule itself must not break the maximum.
 *
 * @throws UsageError when the maximum is below the default rule's age
 */
export function checkMaxUntaggedDays(maxUntaggedDays: number | undefined, days: number): void {
  if (maxUntaggedDays !== undefined && maxUntaggedDays < days)
    throw new UsageError(`--max-untagged-days ${maxUntaggedDays} is below --days ${days}: the default rule itself would break it`);
}
