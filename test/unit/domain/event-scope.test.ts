import { CLOCK_SKEW_ALLOWANCE_MS, eventTimeProblem, isJanitorCall, notOurs } from '../../../src/domain/event-scope';

const ACCOUNT = '123456789012';
const ROLE = 'ecr-janitor-prod-us-east-1-policy';

describe('event-scope', () => {
  describe('notOurs', () => {
    const scope = { regions: ['us-east-1', 'eu-west-1'], janitorRoles: [ROLE] };

    it('is undefined for a call in a configured region of this account', () => {
      expect(notOurs({ account: ACCOUNT, region: 'eu-west-1', registryId: ACCOUNT }, scope)).toBeUndefined();
    });

    it('is undefined when the call named no registry', () => {
      expect(notOurs({ account: ACCOUNT, region: 'us-east-1' }, scope)).toBeUndefined();
    });

    it.each([
      [
        "the janitor's own call",
        { account: ACCOUNT, region: 'us-east-1', callerArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/session` },
        'written by ecr-janitor itself',
      ],
      [
        "another account's registry",
        { account: ACCOUNT, region: 'us-east-1', registryId: '999999999999' },
        "the repository is in another account's registry (999999999999), not in 123456789012",
      ],
      [
        'a region that is not configured',
        { account: ACCOUNT, region: 'ap-south-1' },
        'the event comes from ap-south-1, which is not one of the configured regions (us-east-1, eu-west-1)',
      ],
    ])('names %s', (_label, origin, reason) => {
      expect(notOurs(origin, scope)).toBe(reason);
    });

    it("acts on the janitor's own call when the scope says so, and still leaves alone other accounts and regions", () => {
      const own = { account: ACCOUNT, region: 'us-east-1', callerArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/session` };
      const acting = { ...scope, actsOnOwnCalls: true };
      expect(notOurs(own, acting)).toBeUndefined();
      expect(notOurs({ ...own, region: 'ap-south-1' }, acting)).toContain('not one of the configured regions');
      expect(notOurs({ ...own, registryId: '999999999999' }, acting)).toContain("another account's registry");
    });

    it('checks no caller when no janitor roles are given', () => {
      const origin = { account: ACCOUNT, region: 'us-east-1', callerArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/session` };
      expect(notOurs(origin, { regions: ['us-east-1'] })).toBeUndefined();
    });
  });

  describe('isJanitorCall', () => {
    it.each([
      ['the role ARN itself', `arn:aws:iam::${ACCOUNT}:role/${ROLE}`, [`arn:aws:iam::${ACCOUNT}:role/${ROLE}`], true],
      ['the role name, from a role ARN', `arn:aws:iam::${ACCOUNT}:role/${ROLE}`, [ROLE], true],
      ['the role name, from an assumed-role ARN', `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/session`, [ROLE], true],
      ['the role name, from a role with a path', `arn:aws:iam::${ACCOUNT}:role/service/${ROLE}`, [ROLE], true],
      ['the role name in another partition', `arn:aws-cn:sts::${ACCOUNT}:assumed-role/${ROLE}/s`, [ROLE], true],
      ['a same-named role of another account', `arn:aws:iam::999999999999:role/${ROLE}`, [ROLE], false],
      ['a user named like the role', `arn:aws:iam::${ACCOUNT}:user/${ROLE}`, [ROLE], false],
      ['another role', `arn:aws:iam::${ACCOUNT}:role/ci-deployer`, [ROLE], false],
      ['a role whose name only starts like it', `arn:aws:iam::${ACCOUNT}:role/${ROLE}-extra`, [ROLE], false],
      ['no roles at all', `arn:aws:iam::${ACCOUNT}:role/${ROLE}`, [], false],
    ])('recognises %s: %#', (_label, callerArn, roles, expected) => {
      expect(isJanitorCall({ account: ACCOUNT, callerArn }, roles)).toBe(expected);
    });

    it('is false when the event names no caller (an AWS service)', () => {
      expect(isJanitorCall({ account: ACCOUNT }, [ROLE])).toBe(false);
    });
  });

  describe('eventTimeProblem', () => {
    const now = Date.parse('2025-06-03T14:17:44Z');

    it.each([
      ['in the past', now - 3_600_000],
      ['now', now],
      ['ahead by exactly the allowance', now + CLOCK_SKEW_ALLOWANCE_MS],
    ])('accepts a time %s', (_label, time) => {
      expect(eventTimeProblem(time, now)).toBeUndefined();
    });

    it('refuses a time further ahead than the allowance, naming both times and the allowance', () => {
      const problem = eventTimeProblem(now + CLOCK_SKEW_ALLOWANCE_MS + 1000, now);
      expect(problem).toContain('2025-06-03T14:22:45.000Z');
      expect(problem).toContain('2025-06-03T14:17:44.000Z');
      expect(problem).toContain('5-minute allowance');
    });

    it('is a five-minute allowance', () => {
      expect(CLOCK_SKEW_ALLOWANCE_MS).toBe(300_000);
    });
  });
});
