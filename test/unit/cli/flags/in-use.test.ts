import { addInUseFlags } from '../../../../src/cli/flags/in-use';
import { DEFAULT_GUARD, DEFAULT_GUARD_HORIZON_DAYS } from '../../../../src/domain/defaults';
import { parsedFlags } from '../../support/flags';

describe('cli in-use flags', () => {
  const withGuard = (c: Parameters<typeof addInUseFlags>[0]) => addInUseFlags(c, { guard: true });
  const withoutGuard = (c: Parameters<typeof addInUseFlags>[0]) => addInUseFlags(c, { guard: false });

  it('reads no sources unless given, no lists, and the guard on with its named horizon', () => {
    expect(parsedFlags(withGuard, [])).toEqual({ inUse: [], guard: DEFAULT_GUARD, guardHorizonDays: DEFAULT_GUARD_HORIZON_DAYS });
  });

  it('reads the workload sources, "none" as none, and every list given', () => {
    expect(parsedFlags(withGuard, ['--in-use-scan', 'ecs,lambda', '--in-use', 'a.txt', '--in-use', 'b.json'])).toMatchObject({
      inUseScan: ['ecs', 'lambda'],
      inUse: ['a.txt', 'b.json'],
    });
    expect(parsedFlags(withGuard, ['--in-use-scan', 'none'])).toMatchObject({ inUseScan: [] });
  });

  it.each([
    [['--in-use-scan', 'kubernetes'], "option '--in-use-scan <sources>' argument 'kubernetes' is invalid"],
    [['--guard', 'maybe'], "option '--guard <mode>' argument 'maybe' is invalid"],
    [['--guard-horizon-days', '-1'], 'is not a whole number of days from 0 to'],
  ])('refuses %p, naming the flag', (argv, message) => {
    expect(parsedFlags(withGuard, argv)).toContain(message);
  });

  it('adds the guard flags only to a command that judges repositories', () => {
    expect(parsedFlags(withoutGuard, [])).toEqual({ inUse: [] });
    expect(parsedFlags(withoutGuard, ['--guard', 'off'])).toBe("unknown option '--guard'");
  });
});
