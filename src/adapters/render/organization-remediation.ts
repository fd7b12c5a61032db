import type { RemediationAction, RemediationResult } from '../../domain/remediation';
import { isAccountFailure, type ReportError } from '../../domain/report-problems';
import { oneLine } from '../../domain/text';
import { WHOLE_ACCOUNT } from './format';
import { renderRemediationPlan } from './remediation';

/** A remediation over several accounts, as `remediate --org` (or `--accounts`) makes it. */
export interface OrganizationRemediationView {
  /** Every action, with its account. */
  actions: ReadonlyArray<RemediationAction & { accountId: string }>;
  /** Every account: whether it was entered (read), and its errors (the account's failure when not). */
  accounts: ReadonlyArray<{ accountId: string; name: string | null; read: boolean; errors: readonly ReportError[] }>;
}

/**
 * The remediation of several accounts, account by account: each account's plan (or record) as
 * `remediate` prints it for one account, under a line naming the account; the accounts not entered
 * at the end, with why.
 *
 * @example process.stdout.write(renderOrganizationRemediation(result, true));
 */
export function renderOrganizationRemediation(result: OrganizationRemediationView, applied: boolean): string {
  const out: string[] = [];
  for (const account of result.accounts.filter((a) => a.read)) {
    const title = account.name === null ? `Account ${account.accountId}` : `Account ${account.accountId} (${account.name})`;
    const own: RemediationResult = {
      actions: result.actions.filter((a) => a.accountId === account.accountId).map(({ accountId: _accountId, ...action }) => action),
      errors: account.errors.map(({ accountId: _accountId, ...error }) => error),
    };
    out.push(oneLine(`${title}:`), renderRemediationPlan(own, applied), '');
  }
  const notEntered = result.accounts.filter((a) => !a.read);
  if (notEntered.length > 0) {
    out.push(`Not read (${notEntered.length} ${notEntered.length === 1 ? 'account' : 'accounts'}; nothing was changed there):`);
    for (const account of notEntered) {
      for (const e of account.errors.filter(isAccountFailure))
        out.push(oneLine(`  ${account.accountId} ${WHOLE_ACCOUNT}: ${e.code}: ${e.message}`));
    }
  }
  return out.join('\n').trimEnd();
}
