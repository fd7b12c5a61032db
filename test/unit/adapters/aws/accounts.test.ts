import { AWSOrganizationsNotInUseException, ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  AssumedRoles,
  ListedAccounts,
  OrganizationAccounts,
  ROLE_SESSION_NAME,
  callerIdentity,
  checkRoleName,
  createOrganizationsClient,
  parseAccountIds,
  roleArnOf,
  type AssumedRolesOptions,
} from '../../../../src/adapters/aws/accounts';
import { CallCounter } from '../../../../src/adapters/aws/call-counter';
import { DEFAULT_ROLE_NAME } from '../../../../src/domain/defaults';
import { AccountAccessError, ConfigError, OrganizationAccessError } from '../../../../src/domain/errors';

const organizations = mockClient(OrganizationsClient);
const sts = mockClient(STSClient);

const CALLER = { accountId: '111111111111', arn: 'arn:aws:iam::111111111111:role/Platform', partition: 'aws' };

/** A fake `fromTemporaryCredentials`: records what it was asked, answers with `answer()` each call. */
function fakeProvider(answer: () => Promise<AwsCredentialIdentity>) {
  const asked: Array<Parameters<NonNullable<AssumedRolesOptions['provider']>>[0]> = [];
  let calls = 0;
  const provider: NonNullable<AssumedRolesOptions['provider']> = (options) => {
    asked.push(options);
    return () => {
      calls++;
      return answer();
    };
  };
  return { provider, asked, calls: () => calls };
}

describe('aws/accounts', () => {
  beforeEach(() => {
    organizations.reset();
    sts.reset();
  });

  describe('roleArnOf', () => {
    it('names the role in the partition of the caller', () => {
      expect(roleArnOf('aws-cn', '222222222222', 'ops/Janitor')).toBe('arn:aws-cn:iam::222222222222:role/ops/Janitor');
    });
  });

  describe('checkRoleName', () => {
    it.each(['OrganizationAccountAccessRole', 'ops/team/Janitor', 'a+b=c,d.e@f_g-h'])('accepts %p', (name) => {
      expect(checkRoleName(name)).toBe(name);
    });

    it.each(['', 'has space', 'x'.repeat(65), 'arn:aws:iam::1:role/R', '/leading'])('refuses %p, naming the rule', (name) => {
      expect(() => checkRoleName(name)).toThrow(ConfigError);
      expect(() => checkRoleName(name)).toThrow(/is not an IAM role name/);
    });
  });

  describe('parseAccountIds', () => {
    it('takes twelve-digit ids once each, in the order given', () => {
      expect(parseAccountIds(' 222222222222,111111111111,222222222222 ')).toEqual(['222222222222', '111111111111']);
    });

    it.each([
      ['', 'no account id given'],
      ['12345', '"12345" is not an AWS account id'],
      ['111111111111,abc', '"abc" is not an AWS account id'],
    ])('refuses %p', (value, message) => {
      expect(() => parseAccountIds(value)).toThrow(message);
    });
  });

  describe('ListedAccounts', () => {
    it('gives the accounts named, once each, by id', async () => {
      await expect(new ListedAccounts(['222222222222', '111111111111', '222222222222']).accounts()).resolves.toEqual([
        { accountId: '111111111111' },
        { accountId: '222222222222' },
      ]);
    });
  });

  describe('callerIdentity', () => {
    it('takes the account, the ARN and the partition from GetCallerIdentity', async () => {
      sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111', Arn: 'arn:aws-us-gov:sts::111111111111:assumed-role/R/s' });

      await expect(callerIdentity(new STSClient({ region: 'us-gov-west-1' }))).resolves.toEqual({
        accountId: '111111111111',
        arn: 'arn:aws-us-gov:sts::111111111111:assumed-role/R/s',
        partition: 'aws-us-gov',
      });
    });
  });

  describe('OrganizationAccounts', () => {
    it('reads every page, sorts by id, and lists the accounts that are not ACTIVE as unavailable', async () => {
      organizations
        .on(ListAccountsCommand)
        .resolvesOnce({
          Accounts: [
            { Id: '333333333333', Name: 'Sandbox', Status: 'SUSPENDED' },
            { Id: '111111111111', Name: 'Management', Status: 'ACTIVE' },
          ],
          NextToken: 'p2',
        })
        .resolvesOnce({
          Accounts: [
            { Id: '222222222222', Name: 'Prod', State: 'ACTIVE' },
            { Id: '444444444444', State: 'PENDING_CLOSURE' },
            { Name: 'no id' },
          ],
        });

      const accounts = await new OrganizationAccounts(new OrganizationsClient({ region: 'us-east-1' })).accounts();

      expect(accounts).toEqual([
        { accountId: '111111111111', name: 'Management' },
        { accountId: '222222222222', name: 'Prod' },
        {
          accountId: '333333333333',
          name: 'Sandbox',
          unavailable: { code: 'AccountSuspended', message: 'not read: Organizations lists the account as SUSPENDED' },
        },
        {
          accountId: '444444444444',
          unavailable: { code: 'AccountNotActive', message: 'not read: Organizations lists the account as PENDING_CLOSURE' },
        },
      ]);
      expect(organizations).toHaveReceivedCommandTimes(ListAccountsCommand, 2);
      expect(organizations).toHaveReceivedNthCommandWith(1, ListAccountsCommand, { MaxResults: 20 });
      expect(organizations).toHaveReceivedNthCommandWith(2, ListAccountsCommand, { MaxResults: 20, NextToken: 'p2' });
    });

    it.each([
      [
        'a member account',
        Object.assign(new Error('You don’t have permissions to access this resource.'), { name: 'AccessDeniedException' }),
      ],
      ['an account in no organization', new AWSOrganizationsNotInUseException({ message: 'not in use', $metadata: {} })],
    ])('says to run as the management account or a delegated administrator when called from %s', async (_who, error) => {
      organizations.on(ListAccountsCommand).rejects(error);

      const listing = new OrganizationAccounts(new OrganizationsClient({ region: 'us-east-1' })).accounts();

      await expect(listing).rejects.toThrow(OrganizationAccessError);
      await expect(listing).rejects.toThrow(/management account or a delegated administrator/);
    });

    it('lets any other failure through as it is', async () => {
      organizations.on(ListAccountsCommand).rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }));

      await expect(new OrganizationAccounts(new OrganizationsClient({ region: 'us-east-1' })).accounts()).rejects.toThrow('slow down');
    });
  });

  describe('AssumedRoles', () => {
    const identity = (expiresInMs: number): AwsCredentialIdentity => ({
      accessKeyId: 'ASIA',
      secretAccessKey: 's',
      sessionToken: 't',
      expiration: new Date(Date.now() + expiresInMs),
    });

    it("reads the caller's own account with the caller's credentials, assuming nothing", async () => {
      const fake = fakeProvider(() => Promise.resolve(identity(3_600_000)));
      const roles = new AssumedRoles({ caller: CALLER, region: 'eu-west-1', provider: fake.provider });

      await expect(roles.open({ accountId: CALLER.accountId })).resolves.toEqual({ accountId: CALLER.accountId });
      expect(fake.asked).toHaveLength(0);
    });

    it('assumes the role of another account once, with the session name, the regional STS and the endpoint', async () => {
      const fake = fakeProvider(() => Promise.resolve(identity(3_600_000)));
      const roles = new AssumedRoles({
        caller: CALLER,
        region: 'eu-west-1',
        roleName: 'ops/Janitor',
        endpoint: 'http://127.0.0.1:5000',
        provider: fake.provider,
      });

      const opened = await roles.open({ accountId: '222222222222' });
      await Promise.all([opened.credentials?.(), opened.credentials?.()]);

      expect(opened.roleArn).toBe('arn:aws:iam::222222222222:role/ops/Janitor');
      expect(fake.asked[0]?.params).toEqual({ RoleArn: opened.roleArn, RoleSessionName: ROLE_SESSION_NAME, DurationSeconds: 3600 });
      expect(fake.asked[0]?.clientConfig).toMatchObject({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:5000' });
      expect(fake.calls()).toBe(1);
    });

    it('assumes the role again shortly before its credentials expire', async () => {
      const fake = fakeProvider(() => Promise.resolve(identity(60_000)));
      const roles = new AssumedRoles({ caller: CALLER, region: 'eu-west-1', provider: fake.provider });

      const opened = await roles.open({ accountId: '222222222222' });
      await opened.credentials?.();

      expect(fake.calls()).toBe(2);
    });

    it.each([
      ['AccessDenied', /exists, that its trust policy lets arn:aws:iam::111111111111:role\/Platform assume it, and that no SCP denies/],
      ['RegionDisabledException', /activate STS in the region/],
      ['TimeoutError', /did not answer in time/],
      ['ExpiredToken', /own credentials have expired/],
      ['InvalidClientTokenId', /see the message/],
    ])('fails an account whose role cannot be assumed (%s), saying what to check', async (code, remedy) => {
      const fake = fakeProvider(() => Promise.reject(Object.assign(new Error('refused'), { name: code })));
      const roles = new AssumedRoles({ caller: CALLER, region: 'eu-west-1', provider: fake.provider });

      const opening = roles.open({ accountId: '222222222222' });

      await expect(opening).rejects.toThrow(AccountAccessError);
      await expect(opening).rejects.toMatchObject({ code });
      await expect(opening).rejects.toThrow(remedy);
      await expect(opening).rejects.toThrow(
        `role arn:aws:iam::222222222222:role/${DEFAULT_ROLE_NAME} could not be assumed (${code}: refused)`,
      );
    });

    it('refuses a bad role name when built', () => {
      expect(() => new AssumedRoles({ caller: CALLER, region: 'eu-west-1', roleName: 'bad name' })).toThrow(ConfigError);
    });
  });

  describe('createOrganizationsClient', () => {
    it('builds a client with the run settings and its calls counted', () => {
      const counter = new CallCounter();
      const client = createOrganizationsClient({ region: 'us-east-1', counter, endpoint: 'http://127.0.0.1:5000' });

      expect(client.middlewareStack.identify().some((name) => name.startsWith('ecrJanitorCallCounter'))).toBe(true);
    });
  });
});
