import { UsageError } from '../../../../src/cli/errors';
import { addAccountFlags, checkAccountFlags } from '../../../../src/cli/flags/accounts';
import { parsedFlags } from '../../support/flags';

const A = '111111111111';
const B = '222222222222';

describe('cli account flags', () => {
  describe('addAccountFlags', () => {
    it('reads the account ids, the role and how many accounts at once', () => {
      expect(
        parsedFlags(addAccountFlags, ['--accounts', `${A},${B},${A}`, '--role-name', 'JanitorRead', '--account-concurrency', '4']),
      ).toEqual({ accounts: [A, B], roleName: 'JanitorRead', accountConcurrency: 4 });
      expect(parsedFlags(addAccountFlags, ['--org'])).toEqual({ org: true });
    });

    it.each([
      [['--accounts', '12345'], '"12345" is not an AWS account id'],
      [['--role-name', 'bad name'], 'is not an IAM role name'],
      [['--account-concurrency', '33'], 'is not a whole number from 1 to 32'],
    ])('refuses %p, naming the flag', (argv, message) => {
      const refused = parsedFlags(addAccountFlags, argv);

      expect(refused).toContain(`option '${argv[0]}`);
      expect(refused).toContain(message);
    });
  });

  describe('checkAccountFlags', () => {
    it('says whether the run reads several accounts', () => {
      expect(checkAccountFlags({})).toBe(false);
      expect(checkAccountFlags({ accounts: [A] })).toBe(true);
      expect(checkAccountFlags({ org: true, roleName: 'R', accountConcurrency: 2 })).toBe(true);
    });

    it.each([
      [{ accounts: [A], org: true }, '--accounts and --org cannot be combined'],
      [{ org: true, snapshot: 'f.json' }, '--org cannot be used with --snapshot'],
      [{ accounts: [A], snapshot: 'f.json' }, '--accounts cannot be used with --snapshot'],
      [{ roleName: 'R' }, '--role-name applies only with --accounts or --org'],
      [{ accountConcurrency: 2 }, '--account-concurrency applies only with --accounts or --org'],
    ])('refuses %p', (flags, message) => {
      expect(() => checkAccountFlags(flags)).toThrow(UsageError);
      expect(() => checkAccountFlags(flags)).toThrow(message);
    });
  });
});
