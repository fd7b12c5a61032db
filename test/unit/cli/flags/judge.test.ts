import { addJudgeFlags } from '../../../../src/cli/flags/judge';
import { DEFAULT_CONCURRENCY, DEFAULT_GUARD, DEFAULT_OPT_OUT_TAG } from '../../../../src/domain/defaults';
import { parsedFlags } from '../../support/flags';

describe('cli judge flags', () => {
  it('adds where to read, which repositories may change, what is in use and the guard', () => {
    expect(parsedFlags((c) => addJudgeFlags(c, { snapshot: true }), ['--snapshot', 'f.json', '--exclude', 'tools'])).toMatchObject({
      snapshot: 'f.json',
      concurrency: DEFAULT_CONCURRENCY,
      exclude: ['tools'],
      optOutTag: DEFAULT_OPT_OUT_TAG,
      inUse: [],
      guard: DEFAULT_GUARD,
    });
  });

  it("passes the command's source choices on", () => {
    expect(parsedFlags((c) => addJudgeFlags(c, { snapshot: false }), ['--snapshot', 'f.json'])).toBe("unknown option '--snapshot'");
    expect(parsedFlags((c) => addJudgeFlags(c, { snapshot: false, accounts: true }), ['--accounts', '111111111111'])).toMatchObject({
      accounts: ['111111111111'],
    });
  });
});
