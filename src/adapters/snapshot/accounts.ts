import { isAccountFailure } from '../../domain/report-problems';
import type { SnapshotAccount, SnapshotFile } from './format';

/** One account a snapshot holds, and why it was not read when it was not. */
export interface AccountInSnapshot extends SnapshotAccount {
  /** The failure recorded for the whole account at capture time; absent when it was read. */
  failure?: { code: string; message: string };
}

/**
 * The accounts a snapshot holds: those it lists (a snapshot of several accounts), else those its
 * registries are of, in account id order. One account (or none: an empty capture) means a single
 * account's snapshot, read as it always was.
 *
 * @example snapshotAccounts(file).length > 1 // a snapshot of several accounts
 */
export function snapshotAccounts(snapshot: SnapshotFile): AccountInSnapshot[] {
  const failures = new Map((snapshot.errors ?? []).filter(isAccountFailure).map((e) => [e.accountId ?? '', e]));
  const listed: SnapshotAccount[] =
    snapshot.accounts ??
    [...new Set(snapshot.registries.map((r) => r.accountId).filter((id) => id !== ''))].map((accountId) => ({
      accountId,
      name: null,
      regions: snapshot.registries.filter((r) => r.accountId === accountId).map((r) => r.region),
    }));
  return listed
    .map((account) => {
      const failure = failures.get(account.accountId);
      return failure === undefined ? { ...account } : { ...account, failure: { code: failure.code, message: failure.message } };
    })
    .sort((a, b) => a.accountId.localeCompare(b.accountId));
}

/**
 * The part of a snapshot of several accounts that is one account's: its registries and its errors
 * (without their account id), as a snapshot of that account alone would hold them.
 *
 * @example SnapshotRegistry.fromSnapshot(snapshotOfAccount(file, '111122223333'))
 */
export function snapshotOfAccount(snapshot: SnapshotFile, accountId: string): SnapshotFile {
  const { accounts: _accounts, errors = [], registries, ...rest } = snapshot;
  return {
    ...rest,
    errors: errors.filter((e) => e.accountId === accountId && e.region !== '').map(({ accountId: _id, ...error }) => error),
    registries: registries.filter((r) => r.accountId === accountId),
  };
}
