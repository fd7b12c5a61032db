// The flags of the week between two captures (a snapshot audit): what lifecycle policies did.
import type { Command } from 'commander';

/** `--previous-snapshot` and `--ledger`: the week between an earlier capture and the snapshot read. */
export interface LedgerFlags {
  previousSnapshot?: string;
  ledger?: string;
}

/**
 * Adds `--previous-snapshot FILE` and `--ledger FILE` (a snapshot audit): the report then says what
 * lifecycle policies freed between the two captures and whether ECR did what the earlier one forecast.
 */
export function addLedgerFlags(command: Command): Command {
  return command
    .option(
      '--previous-snapshot <file>',
      'with --snapshot and --ledger: an earlier capture; the report then says what lifecycle policies freed between the two captures and whether ECR did what the earlier capture forecast',
    )
    .option(
      '--ledger <file>',
      'with --previous-snapshot: the PolicyExecutionEvents of the period, one a line (as "ecr-janitor ledger" writes them)',
    );
}
