import pLimit from 'p-limit';
import type { AccountPart, CombinedSettings } from '../domain/accounts';
import { accountFailure, combineAccountReports } from '../domain/accounts';
import { DEFAULT_ACCOUNT_CONCURRENCY } from '../domain/defaults';
import { errorCode } from '../domain/errors';
import type { RemediationAction, RemediationResult } from '../domain/remediation';
import type { AuditReport } from '../domain/report';
import type { ReportError } from '../domain/report-problems';
import { compareLocations } from '../domain/report-problems';
import type { AccountOpener, AccountRef } from '../ports/accounts';
import type { RegistrySnapshot } from '../ports/snapshot';

/** Why an account was not read, as reports list it. */
export interface AccountFailure {
  code: string;
  message: string;
}

/** What one account's work came to: its result, or why it was not read. */
export interface AccountOutcome<T> {
  account: AccountRef;
  /** Absent when the account was not read. */
  result?: T;
  failure?: AccountFailure;
}

/** How {@link forEachAccount} runs. */
export interface EachAccountOptions {
  /** Accounts in hand at once. @default 4 */
  concurrency?: number;
  /** Stops the run: no account starts after it fires (those are not read, code `NotReached`). @default never */
  signal?: AbortSignal;
  /** Called as each account is done, read or not. */
  onAccount?: (outcome: AccountOutcome<unknown>) => void;
}

/** The failure of an account whose work threw: the error's code and message, as reports list it. */
function failureOf(error: unknown): AccountFailure {
  return { code: errorCode(error), message: error instanceof Error ? error.message : String(error) };
}

/**
 * Runs `work` in every account, `concurrency` accounts at a time, each entered through `opener`
 * (its own credentials, clients and rate limits). An account that cannot be entered, is listed as
 * unavailable (suspended), or whose work throws is a failure of that account alone; every other
 * account goes on. Outcomes come back in the order of `accounts`.
 *
 * @example const outcomes = await forEachAccount(accounts, opener, (session) => audit(session.readers, options), { concurrency: 4 });
 */
export async function forEachAccount<S, T>(
  accounts: readonly AccountRef[],
  opener: AccountOpener<S>,
  work: (session: S, account: AccountRef) => Promise<T>,
  options: EachAccountOptions = {},
): Promise<AccountOutcome<T>[]> {
  const limit = pLimit(Math.max(1, options.concurrency ?? DEFAULT_ACCOUNT_CONCURRENCY));
  const { signal } = options;
  const one = async (account: AccountRef): Promise<AccountOutcome<T>> => {
    if (account.unavailable !== undefined) return { account, failure: account.unavailable };
    if (signal?.aborted)
      return {
        account,
        failure: { code: 'NotReached', message: `not read: the run stopped before this account (${String(signal.reason ?? 'stopped')})` },
      };
    try {
      const session = await opener.open(account);
      return { account, result: await work(session, account) };
    } catch (error) {
      return { account, failure: failureOf(error) };
    }
  };
  return Promise.all(
    accounts.map((account) =>
      limit(async () => {
        const outcome = await one(account);
        options.onAccount?.(outcome);
        return outcome;
      }),
    ),
  );
}

/**
 * The one report of every account's audit: {@link combineAccountReports} over the outcomes, an
 * account that was not read listed with the regions it was to be read in.
 *
 * @example const report = organizationReport(await forEachAccount(accounts, opener, auditOne), { regions, settings });
 */
export function organizationReport(
  outcomes: ReadonlyArray<AccountOutcome<AuditReport>>,
  options: {
    regions: readonly string[];
    settings: CombinedSettings;
    /** The run's own calls, outside every account (STS, Organizations), added to the accounts'. @default none */
    runCalls?: { calls: Record<string, number>; retries: Record<string, number> };
  },
): AuditReport {
  const parts = outcomes.map(({ account, result, failure }): AccountPart => {
    const regions = result?.accounts[0]?.regions ?? options.regions;
    return {
      accountId: account.accountId,
      ...(account.name === undefined ? {} : { name: account.name }),
      regions,
      ...(result === undefined ? {} : { report: result }),
      ...(failure === undefined ? {} : { failure }),
    };
  });
  const report = combineAccountReports(parts, options.settings);
  if (options.runCalls === undefined) return report;
  return {
    ...report,
    apiCalls: added(report.apiCalls, options.runCalls.calls),
    apiRetries: added(report.apiRetries, options.runCalls.retries),
  };
}

/** Counts by key, `a` and `b` added; keys sorted, as the call counter gives them. */
function added(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [key, n] of Object.entries(b)) out[key] = (out[key] ?? 0) + n;
  return Object.fromEntries(Object.entries(out).sort(([x], [y]) => x.localeCompare(y)));
}

/** One account in a remediation of several: whether it was read whole, and its failures. */
export interface AccountRemediationSummary {
  accountId: string;
  name: string | null;
  /** False when the account was not entered (its failure is in `errors`). */
  read: boolean;
  errors: ReportError[];
}

/** A remediation over several accounts: each action and error says its account. */
export interface OrganizationRemediation extends RemediationResult {
  actions: Array<RemediationAction & { accountId: string }>;
  accounts: AccountRemediationSummary[];
}

/**
 * The remediations of every account as one result: actions and errors stamped with their account id,
 * accounts that were not entered listed in `errors` (no region) and `accounts`.
 *
 * @example const result = organizationRemediation(await forEachAccount(accounts, opener, remediateOne));
 */
export function organizationRemediation(outcomes: ReadonlyArray<AccountOutcome<RemediationResult>>): OrganizationRemediation {
  const actions: OrganizationRemediation['actions'] = [];
  const errors: ReportError[] = [];
  const accounts: AccountRemediationSummary[] = [];
  const sorted = [...outcomes].sort((a, b) => a.account.accountId.localeCompare(b.account.accountId));
  for (const { account, result, failure } of sorted) {
    const { accountId } = account;
    const own =
      result === undefined
        ? [accountFailure(accountId, failure?.code ?? 'AccountNotRead', failure?.message ?? 'not read')]
        : result.errors.map((e) => ({ accountId, ...e }));
    for (const action of result?.actions ?? []) actions.push({ accountId, ...action });
    errors.push(...own);
    accounts.push({ accountId, name: account.name ?? null, read: result !== undefined, errors: own });
  }
  return { actions, errors: errors.sort(compareLocations), accounts };
}

/**
 * The snapshots of several accounts as one: every account's registries (each with its account id,
 * an empty region included), every error with its account id, an account not read as one error
 * without a region, and `accounts` naming each account with the regions it was to be read in. An
 * audit of it reads each account apart, as a live run over the same accounts does.
 *
 * @example await writer.write(organizationSnapshot(outcomes, { regions, capturedAt: Date.now() }));
 */
export function organizationSnapshot(
  outcomes: ReadonlyArray<AccountOutcome<RegistrySnapshot>>,
  options: { regions: readonly string[]; capturedAt: number },
): RegistrySnapshot {
  const sorted = [...outcomes].sort((a, b) => a.account.accountId.localeCompare(b.account.accountId));
  const errors: ReportError[] = [];
  const registries: RegistrySnapshot['registries'] = [];
  for (const { account, result, failure } of sorted) {
    const { accountId } = account;
    if (result === undefined) {
      errors.push(accountFailure(accountId, failure?.code ?? 'AccountNotRead', failure?.message ?? 'not read'));
      continue;
    }
    errors.push(...result.errors.map((e) => ({ accountId, ...e })));
    registries.push(...result.registries.map((r) => ({ ...r, accountId })));
  }
  return {
    capturedAt: options.capturedAt,
    errors: errors.sort(compareLocations),
    registries,
    accounts: sorted.map(({ account }) => ({ accountId: account.accountId, name: account.name ?? null, regions: [...options.regions] })),
  };
}
