// The flags that read several accounts (`audit`, `remediate`, `snapshot`): which accounts, the role
// assumed in each, how many at once, and how they go with the other flags.
import type { Command } from 'commander';
import { checkRoleName, parseAccountIds } from '../../adapters/aws/accounts';
import { DEFAULT_ACCOUNT_CONCURRENCY, DEFAULT_ROLE_NAME, MAX_ACCOUNT_CONCURRENCY } from '../../domain/defaults';
import { UsageError } from '../errors';
import { argumentParser, parseIntInRange } from './values';

/**
 * The flags that read several accounts (`audit`, `remediate`, `snapshot`): which accounts, the role
 * to assume in each, and how many at once. Unset unless given: without `--accounts` or `--org` the run
 * reads the caller's account alone.
 */
export interface AccountFlags {
  /** `--accounts`: the account ids, each once. */
  accounts?: string[];
  /** `--org`: every account of the organization. */
  org?: boolean;
  /** `--role-name`. @default DEFAULT_ROLE_NAME when accounts are read */
  roleName?: string;
  /** `--account-concurrency`. @default DEFAULT_ACCOUNT_CONCURRENCY when accounts are read */
  accountConcurrency?: number;
}

/** Adds the flags of {@link AccountFlags}. */
export function addAccountFlags(command: Command): Command {
  return command
    .option(
      '--accounts <ids>',
      'read these accounts (comma-separated ids), each through its role, into one report',
      argumentParser(parseAccountIds),
    )
    .option('--org', 'read every ACTIVE account of the organization (run as the management account or a delegated administrator)')
    .option('--role-name <name>', `the role assumed in each account (default: ${DEFAULT_ROLE_NAME})`, argumentParser(checkRoleName))
    .option(
      '--account-concurrency <n>',
      `accounts read at the same time, 1 to ${MAX_ACCOUNT_CONCURRENCY}, each with its own clients and rate limits (default: ${DEFAULT_ACCOUNT_CONCURRENCY})`,
      parseIntInRange(1, MAX_ACCOUNT_CONCURRENCY, 'each account read holds its clients and repositories in hand'),
    );
}

/**
 * Checks the account flags against each other and the rest: `--accounts` or `--org`, not both; no
 * `--snapshot` with them (a snapshot of several accounts is read without them); `--role-name` and
 * `--account-concurrency` only with one of them.
 *
 * @returns whether the run reads several accounts
 * @throws UsageError naming the flags that do not go together
 */
export function checkAccountFlags(flags: AccountFlags & { snapshot?: string }): boolean {
  const reading = flags.accounts !== undefined || flags.org === true;
  if (flags.accounts !== undefined && flags.org === true)
    throw new UsageError('--accounts and --org cannot be combined: name the accounts, or read every account of the organization');
  if (reading && flags.snapshot !== undefined)
    throw new UsageError(
      `${flags.org === true ? '--org' : '--accounts'} cannot be used with --snapshot: a snapshot of several accounts is read with --snapshot alone`,
    );
  if (!reading && (flags.roleName !== undefined || flags.accountConcurrency !== undefined))
    throw new UsageError(`${flags.roleName !== undefined ? '--role-name' : '--account-concurrency'} applies only with --accounts or --org`);
  return reading;
}
