import { OrganizationsClient, paginateListAccounts, type Account } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, MetadataBearer, Pluggable } from '@smithy/types';
import { ACCOUNT_ID } from '../../domain/accounts';
import { DEFAULT_ROLE_NAME } from '../../domain/defaults';
import { AccountAccessError, ConfigError, OrganizationAccessError } from '../../domain/errors';
import type { AccountOpener, AccountRef, AccountSource } from '../../ports/accounts';
import type { CallCounter } from './call-counter';
import { baseClientConfig, type EcrClientOptions } from './clients';

/** The session name of every assumed role: what CloudTrail shows as the janitor's. */
export const ROLE_SESSION_NAME = 'ecr-janitor';
/** The most accounts `ListAccounts` returns a page. */
export const LIST_ACCOUNTS_PAGE_SIZE = 20;
/** Credentials are renewed this long before they expire. */
const REFRESH_BEFORE_MS = 5 * 60_000;

/** An IAM role name, with an optional path: letters, digits and `+=,.@_-`, 64 characters at most. */
const ROLE_NAME = /^(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/**
 * Checks a `--role-name` value.
 *
 * @throws ConfigError naming what is wrong with it
 * @example checkRoleName('OrganizationAccountAccessRole')
 */
export function checkRoleName(roleName: string): string {
  if (!ROLE_NAME.test(roleName))
    throw new ConfigError(
      `"${roleName}" is not an IAM role name (letters, digits and +=,.@_- only, 64 characters at most, optionally after a path such as ops/); write e.g. ${DEFAULT_ROLE_NAME}`,
    );
  return roleName;
}

/**
 * The ARN of the role to assume in an account.
 *
 * @example roleArnOf('aws', '123456789012', 'OrganizationAccountAccessRole') // 'arn:aws:iam::123456789012:role/OrganizationAccountAccessRole'
 */
export function roleArnOf(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/** Who is calling: the account, the principal's ARN and the partition it is in. */
export interface CallerIdentity {
  accountId: string;
  arn: string;
  /** `aws`, `aws-cn`, `aws-us-gov` …, from the caller's ARN. */
  partition: string;
}

/**
 * The caller's account, ARN and partition (STS `GetCallerIdentity`, which needs no permission).
 *
 * @example const { accountId, partition } = await callerIdentity(sts);
 */
export async function callerIdentity(client: STSClient): Promise<CallerIdentity> {
  const out = await client.send(new GetCallerIdentityCommand({}));
  const arn = out.Arn ?? '';
  return { accountId: out.Account ?? '', arn, partition: arn.split(':')[1] || 'aws' };
}

/**
 * Checks account ids given by hand (`--accounts`), once each, in the order given.
 *
 * @throws ConfigError naming the first id that is not twelve digits
 * @example parseAccountIds('111122223333, 444455556666') // ['111122223333', '444455556666']
 */
export function parseAccountIds(value: string): string[] {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length === 0) throw new ConfigError('no account id given; write e.g. 111122223333,444455556666');
  for (const id of ids) {
    if (!ACCOUNT_ID.test(id))
      throw new ConfigError(`"${id}" is not an AWS account id (twelve digits); write e.g. 111122223333,444455556666`);
  }
  return [...new Set(ids)];
}

/** The accounts named by id (`--accounts`): no names, nothing to look up. */
export class ListedAccounts implements AccountSource {
  constructor(private readonly ids: readonly string[]) {}

  accounts(): Promise<AccountRef[]> {
    return Promise.resolve([...new Set(this.ids)].sort().map((accountId) => ({ accountId })));
  }
}

/** Organizations error codes that mean "this caller may not list the organization's accounts". */
const NOT_ALLOWED = new Set(['AccessDeniedException', 'AWSOrganizationsNotInUseException', 'AccessDenied']);

/**
 * Every account of the organization (`ListAccounts`, every page), as the management account or a
 * delegated administrator sees them. ACTIVE accounts are to be read; the others (SUSPENDED,
 * PENDING_CLOSURE, …) are listed as unavailable, so the report says they were not read.
 */
export class OrganizationAccounts implements AccountSource {
  constructor(private readonly client: OrganizationsClient) {}

  async accounts(): Promise<AccountRef[]> {
    const found: Account[] = [];
    try {
      for await (const page of paginateListAccounts({ client: this.client, pageSize: LIST_ACCOUNTS_PAGE_SIZE }, {}))
        found.push(...(page.Accounts ?? []));
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      if (NOT_ALLOWED.has(name))
        throw new OrganizationAccessError(
          `the organization's accounts cannot be listed (${name}: ${(error as Error).message}): run --org as the management account or a delegated administrator (aws organizations register-delegated-administrator), or name the accounts with --accounts`,
          { cause: error },
        );
      throw error;
    }
    const accounts: AccountRef[] = [];
    for (const account of found) {
      if (account.Id === undefined) continue;
      const state = account.State ?? account.Status ?? 'ACTIVE';
      const ref: AccountRef = { accountId: account.Id, ...(account.Name === undefined ? {} : { name: account.Name }) };
      if (state !== 'ACTIVE')
        ref.unavailable = {
          code: state === 'SUSPENDED' ? 'AccountSuspended' : 'AccountNotActive',
          message: `not read: Organizations lists the account as ${state}`,
        };
      accounts.push(ref);
    }
    return accounts.sort((a, b) => a.accountId.localeCompare(b.accountId));
  }
}

/** What reading in one account needs: its id and, unless it is the caller's own account, the assumed role's credentials. */
export interface AccountCredentials {
  accountId: string;
  /** The role's credentials, renewed before they expire; absent for the caller's own account (the caller's credentials). */
  credentials?: AwsCredentialIdentityProvider;
  /** The role assumed; absent for the caller's own account. */
  roleArn?: string;
}

/** How {@link AssumedRoles} assumes roles. */
export interface AssumedRolesOptions extends Pick<
  EcrClientOptions,
  'endpoint' | 'maxAttempts' | 'connectionTimeoutMs' | 'requestTimeoutMs'
> {
  /** The caller (`GetCallerIdentity`): its own account is read with its own credentials, and its partition names the roles. */
  caller: CallerIdentity;
  /** The role to assume in each account. @default 'OrganizationAccountAccessRole' */
  roleName?: string;
  /** The region of the STS endpoint (regional, not the global one). */
  region: string;
  /** Counts the `AssumeRole` calls. @default no counting */
  counter?: CallCounter;
  /** The caller's credentials, to assume the roles with. @default the SDK's default provider chain */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Session length in seconds (the role's maximum session duration may be lower). @default 3600 */
  durationSeconds?: number;
  /** Called with the provider of each role; tests replace `fromTemporaryCredentials`. @default fromTemporaryCredentials */
  provider?: typeof fromTemporaryCredentials;
}

/** The words that say what to do about a role that could not be assumed, by error code. */
function remedy(code: string, roleArn: string, caller: string): string {
  if (code === 'AccessDenied' || code === 'AccessDeniedException')
    return `check that ${roleArn} exists, that its trust policy lets ${caller} assume it, and that no SCP denies sts:AssumeRole (--role-name names another role)`;
  if (code === 'RegionDisabledException') return 'activate STS in the region of the run, or run from another region';
  if (code === 'TimeoutError') return 'STS did not answer in time; check the network and the endpoint, or raise --request-timeout';
  if (code === 'ExpiredToken' || code === 'ExpiredTokenException') return "the caller's own credentials have expired; renew them";
  return 'see the message';
}

/**
 * Credentials per account: the caller's own account is read with the caller's credentials; any other
 * through `arn:${partition}:iam::${account}:role/${roleName}` (session name `ecr-janitor`, the
 * regional STS endpoint), assumed once when the account is opened, so an account whose role cannot
 * be assumed fails there, alone, and renewed before it expires.
 *
 * @example const roles = new AssumedRoles({ caller, region: 'eu-west-1' }); const { credentials } = await roles.open({ accountId });
 */
export class AssumedRoles implements AccountOpener<AccountCredentials> {
  private readonly roleName: string;
  private readonly plugins: Pluggable<object, MetadataBearer>[];

  constructor(private readonly options: AssumedRolesOptions) {
    this.roleName = checkRoleName(options.roleName ?? DEFAULT_ROLE_NAME);
    const { counter } = options;
    // The provider builds its own STS client: count its calls as every other client's.
    this.plugins = counter === undefined ? [] : [{ applyToStack: (stack) => counter.attach({ middlewareStack: stack }) }];
  }

  async open(account: AccountRef): Promise<AccountCredentials> {
    const { accountId } = account;
    if (accountId === this.options.caller.accountId) return { accountId };
    const roleArn = roleArnOf(this.options.caller.partition, accountId, this.roleName);
    const { caller, region, credentials, durationSeconds = 3600 } = this.options;
    const assume = (this.options.provider ?? fromTemporaryCredentials)({
      params: { RoleArn: roleArn, RoleSessionName: ROLE_SESSION_NAME, DurationSeconds: durationSeconds },
      ...(credentials === undefined ? {} : { masterCredentials: credentials }),
      clientConfig: baseClientConfig({ ...this.options, region }),
      clientPlugins: this.plugins,
    });
    const renewed = renewing(() => assume());
    try {
      await renewed();
    } catch (error) {
      const code = (error as { name?: string }).name ?? 'Error';
      throw new AccountAccessError(
        `role ${roleArn} could not be assumed (${code}: ${(error as Error).message}): ${remedy(code, roleArn, caller.arn)}`,
        code,
        { cause: error },
      );
    }
    return { accountId, credentials: renewed, roleArn };
  }
}

/**
 * One set of credentials shared by every client of an account, fetched again shortly before it
 * expires (every client would otherwise assume the role for itself).
 */
function renewing(fetch: () => Promise<AwsCredentialIdentity>, now: () => number = Date.now): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  let expiresAt = 0;
  return () => {
    if (current === undefined || now() >= expiresAt - REFRESH_BEFORE_MS) {
      // Callers that come while the role is being assumed wait for the same answer.
      expiresAt = Number.POSITIVE_INFINITY;
      current = fetch().then(
        (identity) => {
          expiresAt = identity.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
          return identity;
        },
        (error: unknown) => {
          current = undefined;
          expiresAt = 0;
          throw error;
        },
      );
    }
    return current;
  };
}

/**
 * An Organizations client with the run's retries, timeouts, endpoint and counter. Organizations has
 * one endpoint per partition (us-east-1 for `aws`); the SDK picks it from the region.
 *
 * @example new OrganizationAccounts(createOrganizationsClient({ region: 'us-east-1', counter }))
 */
export function createOrganizationsClient(options: EcrClientOptions): OrganizationsClient {
  const client = new OrganizationsClient(baseClientConfig(options));
  options.counter?.attach(client);
  return client;
}
