import type { AccountIdentity } from '../domain/accounts';

/** An account to read, as the source that named it knows it. */
export interface AccountRef extends AccountIdentity {
  /**
   * Why the account cannot be read, known before trying: Organizations lists it as SUSPENDED, say.
   * Such an account is not entered; it is listed among the accounts not read. @default readable
   */
  unavailable?: { code: string; message: string };
}

/** The accounts a run reads: named by id, or every account of the organization. */
export interface AccountSource {
  /** Every account to read, each once, in account id order; throws when they cannot be listed at all. */
  accounts(): Promise<AccountRef[]>;
}

/**
 * Enters one account: builds what reading (and writing) in it needs, with credentials of its own
 * (an assumed role), or the caller's for the caller's own account.
 */
export interface AccountOpener<T> {
  /**
   * What the account's work runs with. Throws (an `AccountAccessError` or the service's error) when
   * the account cannot be entered: its role cannot be assumed, the call timed out. The account is then
   * not read; no other account is affected.
   */
  open(account: AccountRef): Promise<T>;
}
