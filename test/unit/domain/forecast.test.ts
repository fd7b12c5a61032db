import {
  comparePrediction,
  decodeForecast,
  encodeForecast,
  forecastKey,
  forecastOf,
  sumPrediction,
  type MadeForecast,
} from '../../../src/domain/forecast';
import type { LedgerAction } from '../../../src/domain/ledger';
import { expectEscapedJson, HOSTILE } from '../../support/hostile-text';
import { defaultUntaggedRule } from '../../../src/domain/policy';
import { DAY, NOW, digestOf, image, indexManifest, policyOf, rule, textOf } from '../../fixtures/policy/builders';

const H = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

const untaggedAfter = (days: number) =>
  rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days });

const acted = (name: string, over: Partial<LedgerAction> = {}): LedgerAction => ({
  eventId: 'e',
  at: iso(NOW + 3 * DAY),
  accountId: '1',
  region: 'eu-west-1',
  repositoryName: 'app',
  imageDigest: digestOf(name),
  imageTags: [],
  pushedAt: iso(NOW - 10 * DAY),
  rulePriority: 1,
  ruleDescription: 'rule 1 written for a test',
  defaultRule: false,
  action: 'expire',
  ...over,
});

function forecastFor(policy: ReturnType<typeof policyOf>, images: Parameters<typeof forecastOf>[1]): MadeForecast {
  return {
    region: 'eu-west-1',
    repositoryName: 'app',
    forecastAt: iso(NOW),
    horizonDays: 7,
    policyText: textOf(policy),
    entries: forecastOf(policy, images, { now: NOW, horizonDays: 7 }),
  };
}

describe('forecast', () => {
  describe('forecastOf', () => {
    it('names what the policy acts on within the horizon, each with when it becomes eligible', () => {
      const policy = policyOf(untaggedAfter(7));
      const images = [image('due', [], 9), image('soon', [], 3), image('later', [], 0.5 - 7 + 7), image('tagged', ['v1'], 30)];
      const entries = forecastOf(policy, images, { now: NOW, horizonDays: 7 });
      expect(entries.map((e) => [e.imageDigest, e.eligibleAt])).toEqual([
        [digestOf('due'), iso(NOW - 2 * DAY)],
        [digestOf('soon'), iso(NOW + 4 * DAY)],
        [digestOf('later'), iso(NOW + 6.5 * DAY)],
      ]);
    });

    it('dates a count rule by the push that put the image beyond the count', () => {
      const policy = policyOf(rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 }));
      const images = [image('a', ['a'], 10), image('b', ['b'], 6), image('c', ['c'], 4), image('d', ['d'], 1)];
      const entries = forecastOf(policy, images, { now: NOW, horizonDays: 7 });
      // a went beyond 2 when c arrived (4 days ago), b when d arrived (1 day ago).
      expect(entries.map((e) => [e.imageDigest, e.eligibleAt])).toEqual([
        [digestOf('a'), iso(NOW - 4 * DAY)],
        [digestOf('b'), iso(NOW - 1 * DAY)],
      ]);
    });

    it("recognises the janitor's rule", () => {
      const entries = forecastOf(policyOf(defaultUntaggedRule(7, 1)), [image('x', [], 8)], { now: NOW, horizonDays: 7 });
      expect(entries[0]).toMatchObject({ defaultRule: true, action: 'expire', rulePriority: 1 });
    });

    it('forecasts the children of an expired index a pass after it', () => {
      const child = image('child', [], 20);
      const index = image('idx', [], 20, { imageManifest: indexManifest([child.imageDigest]) });
      const entries = forecastOf(policyOf(untaggedAfter(7)), [index, child], { now: NOW, horizonDays: 7 });
      expect(entries.map((e) => [e.imageDigest, e.eligibleAt])).toEqual([
        [digestOf('idx'), iso(NOW - 13 * DAY)],
        [digestOf('child'), iso(NOW - 12 * DAY)],
      ]);
    });
  });

  describe('encodeForecast / decodeForecast / forecastKey', () => {
    it("reads back what it wrote, and refuses another repository's or another format", () => {
      const f = forecastFor(policyOf(untaggedAfter(7)), [image('due', [], 9)]);
      expect(decodeForecast(encodeForecast(f), 'eu-west-1', 'app')).toEqual(f);
      expect(decodeForecast(encodeForecast(f), 'eu-west-1', 'other')).toBeUndefined();
      expect(decodeForecast('{"format":"x"}', 'eu-west-1', 'app')).toBeUndefined();
      expect(decodeForecast('nope', 'eu-west-1', 'app')).toBeUndefined();
      expect(decodeForecast(undefined, 'eu-west-1', 'app')).toBeUndefined();
      expect(forecastKey('eu-west-1', 'team/app')).toBe('cache/forecast/v1/eu-west-1/team%2Fapp.json');
    });

    it('writes control and bidirectional characters as JSON escapes and reads back the same forecast', () => {
      const base = forecastFor(policyOf({ ...untaggedAfter(7), description: HOSTILE }), [image('due', [HOSTILE], 9)]);
      const f = { ...base, repositoryName: HOSTILE };

      const text = encodeForecast(f);

      expectEscapedJson(text, { format: JSON.parse(text).format, ...f });
      expect(decodeForecast(text, 'eu-west-1', HOSTILE)).toEqual(f);
    });
  });

  describe('comparePrediction', () => {
    const policy = policyOf(untaggedAfter(7));
    const due = image('due', [], 9);
    const soon = image('soon', [], 3);
    const forecast = forecastFor(policy, [due, soon]);

    it('matches: every forecast image acted on, nothing else', () => {
      const { counts, mismatches } = comparePrediction({
        forecast,
        actions: [acted('due'), acted('soon')],
        images: [],
        now: NOW + 7 * DAY,
      });
      expect(counts).toEqual({
        forecastImages: 2,
        actedAsForecast: 2,
        actedNotForecast: 0,
        forecastNotActed: 0,
        notYetDue: 0,
        pushedAfterForecast: 0,
      });
      expect(mismatches).toEqual([]);
    });

    it('late: a forecast image still there more than 48 hours after it became eligible is a mismatch with both timelines', () => {
      const { counts, mismatches } = comparePrediction({ forecast, actions: [acted('due')], images: [soon], now: NOW + 7 * DAY });
      expect(counts).toMatchObject({ actedAsForecast: 1, forecastNotActed: 1 });
      expect(mismatches).toEqual([
        expect.objectContaining({
          code: 'PredictionMismatch',
          kind: 'not-acted',
          imageDigest: digestOf('soon'),
          rulePriority: 1,
          forecast: { forecastAt: iso(NOW), eligibleAt: iso(NOW + 4 * DAY) },
          actual: { pushedAt: iso(NOW - 3 * DAY), actedAt: null, failure: null, present: true },
          message: expect.stringContaining('72 hours after it became eligible') as unknown,
        }),
      ]);
    });

    it('not yet due: an image eligible less than 48 hours before the comparison is judged next time', () => {
      const { counts, mismatches } = comparePrediction({ forecast, actions: [acted('due')], images: [soon], now: NOW + 4 * DAY + 47 * H });
      expect(counts).toMatchObject({ notYetDue: 1, forecastNotActed: 0 });
      expect(mismatches).toEqual([]);
    });

    it('explained: a forecast image that was tagged since, or deleted by someone, is not acted on but no mismatch', () => {
      const tagged = { ...soon, imageTags: ['kept'] };
      const { counts, mismatches } = comparePrediction({ forecast, actions: [], images: [tagged], now: NOW + 7 * DAY });
      expect(counts.forecastNotActed).toBe(2);
      expect(mismatches).toEqual([]);
    });

    it('unexpected: an image ECR acted on, pushed before the forecast and not in it, is a mismatch', () => {
      const { counts, mismatches } = comparePrediction({
        forecast,
        actions: [acted('due'), acted('soon'), acted('stranger')],
        images: [],
        now: NOW + 7 * DAY,
      });
      expect(counts).toMatchObject({ actedNotForecast: 1 });
      expect(mismatches).toEqual([
        expect.objectContaining({
          kind: 'not-forecast',
          imageDigest: digestOf('stranger'),
          forecast: { forecastAt: iso(NOW), eligibleAt: null },
        }),
      ]);
    });

    it('pushed after the forecast: counted apart, never a mismatch', () => {
      const fresh = acted('fresh', { pushedAt: iso(NOW + DAY) });
      const { counts, mismatches } = comparePrediction({
        forecast,
        actions: [acted('due'), acted('soon'), fresh],
        images: [],
        now: NOW + 7 * DAY,
      });
      expect(counts).toMatchObject({ actedNotForecast: 0, pushedAfterForecast: 1 });
      expect(mismatches).toEqual([]);
    });

    it('explained: a count rule acting after later pushes, or a rule the forecast policy does not have', () => {
      const countPolicy = policyOf(rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }));
      const f = forecastFor(countPolicy, [image('only', ['v1'], 5)]);
      const newer = image('newer', ['v2'], -1);
      const byCount = comparePrediction({ forecast: f, actions: [acted('only')], images: [newer], now: NOW + 7 * DAY });
      expect(byCount.counts.actedNotForecast).toBe(1);
      expect(byCount.mismatches).toEqual([]);
      const otherRule = comparePrediction({
        forecast,
        actions: [acted('due'), acted('soon'), acted('x', { rulePriority: 5 })],
        images: [],
        now: NOW + 7 * DAY,
      });
      expect(otherRule.mismatches).toEqual([]);
    });

    it("says ECR's failure in a not-acted mismatch", () => {
      const failure = { ...acted('soon'), failureCode: 'ImageReferencedByManifestList', failureReason: 'r' };
      const { mismatches } = comparePrediction({
        forecast,
        actions: [acted('due')],
        failures: [failure],
        images: [soon],
        now: NOW + 7 * DAY,
      });
      expect(mismatches[0]?.actual.failure).toEqual({ at: failure.at, code: 'ImageReferencedByManifestList', reason: 'r' });
      expect(mismatches[0]?.message).toMatch(/ECR tried and failed: ImageReferencedByManifestList/);
    });
  });

  describe('sumPrediction', () => {
    it('adds counts', () => {
      const one = comparePrediction({
        forecast: forecastFor(policyOf(untaggedAfter(7)), [image('due', [], 9)]),
        actions: [acted('due')],
        images: [],
        now: NOW + 7 * DAY,
      }).counts;
      expect(sumPrediction([one, undefined, one])).toMatchObject({ forecastImages: 2, actedAsForecast: 2 });
    });
  });
});
