import { DEFAULT_GUARD_HORIZON_DAYS, DEFAULT_OPT_OUT_TAG } from '../../../../src/domain/defaults';
import { InUseCatalog } from '../../../../src/domain/in-use';
import { eventDependencies, remediationOptions } from '../../../../src/handlers/deps/event';
import { forgetContainer } from '../../../../src/handlers/runtime/container';

const CONFIG = { defaultDays: 7, dryRun: false, optOutTag: DEFAULT_OPT_OUT_TAG, exclude: ['sandbox/**'], regions: ['us-east-1'] };
const inUse = { catalog: async () => new InUseCatalog() };

describe('event dependencies', () => {
  describe('remediationOptions', () => {
    it('remediates one repository at a time with the configured rule, and no guard without in-use sources', () => {
      expect(remediationOptions({ config: { ...CONFIG, enforcedMaxUntaggedDays: undefined } })).toEqual({
        days: 7,
        apply: true,
        concurrency: 1,
        selection: expect.objectContaining({ optOutTag: DEFAULT_OPT_OUT_TAG, exclude: ['sandbox/**'] }),
      });
    });

    it('writes nothing on a dry run, and carries the lint maximum and the pacing', () => {
      const pacing = { sleep: () => Promise.resolve() };
      expect(remediationOptions({ config: { ...CONFIG, dryRun: true, enforcedMaxUntaggedDays: 30 }, pacing })).toMatchObject({
        apply: false,
        enforcedMaxUntaggedDays: 30,
        pacing,
      });
    });

    it.each([
      ['on', { guard: 'on' as const, guardHorizonDays: 14 }, { enabled: true, horizonDays: 14 }],
      ['off', { guard: 'off' as const, guardHorizonDays: 14 }, { enabled: false, horizonDays: 14 }],
      ['unset', {}, { enabled: true, horizonDays: DEFAULT_GUARD_HORIZON_DAYS }],
    ])('judges writes with the in-use guard when given in-use sources (guard %s)', (_label, guard, expected) => {
      expect(remediationOptions({ config: { ...CONFIG, enforcedMaxUntaggedDays: undefined, ...guard }, inUse }).guard).toEqual({
        ...expected,
        inUse,
      });
    });
  });

  describe('eventDependencies', () => {
    const saved = { ...process.env };
    afterEach(() => {
      process.env = { ...saved };
      forgetContainer();
    });

    it('reads the configuration once per container, and again after it is forgotten', () => {
      process.env = { ...saved, AWS_REGION: 'eu-west-1', REGIONS: 'eu-west-1', DEFAULT_DAYS: '9' };
      forgetContainer();
      const first = eventDependencies();
      process.env.DEFAULT_DAYS = '12';

      expect(eventDependencies()).toBe(first);
      expect(first.config.defaultDays).toBe(9);
      forgetContainer();
      expect(eventDependencies().config.defaultDays).toBe(12);
    });

    it('fails with the name of a bad setting', () => {
      process.env = { ...saved, AWS_REGION: 'eu-west-1', DEFAULT_DAYS: 'soon' };
      forgetContainer();
      expect(() => eventDependencies()).toThrow(/DEFAULT_DAYS|defaultDays/);
    });
  });
});
