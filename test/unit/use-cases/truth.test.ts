import { mergeDefaultRule } from '../../../src/domain/policy';
import type { RepositoryState } from '../../../src/domain/registry';
import { forecastFromState, truthBetweenCaptures } from '../../../src/use-cases/truth';
import { NOW, imageOf } from '../support/images';
import { blob, imageManifest } from '../support/manifests';

const DAY = 86_400_000;
const untagged = imageOf(imageManifest({ config: blob('c', 1), layers: [blob('old', 1_000)] }), { pushedDaysAgo: 5 });
const state = (
  lifecyclePolicyText: string | null,
): Pick<RepositoryState, 'region' | 'repositoryName' | 'lifecyclePolicyText' | 'images'> => ({
  region: 'eu-west-1',
  repositoryName: 'team/app',
  lifecyclePolicyText,
  images: [untagged],
});

describe('use-cases/truth', () => {
  describe('forecastFromState', () => {
    it("names the image the janitor's rule expires within the week, with the rule and when it becomes eligible", () => {
      const forecast = forecastFromState(state(mergeDefaultRule(undefined, 7).text), NOW);
      expect(forecast.forecastAt).toBe(new Date(NOW).toISOString());
      expect(forecast.entries).toEqual([
        expect.objectContaining({
          imageDigest: untagged.imageDigest,
          rulePriority: 1,
          action: 'expire',
          defaultRule: true,
          eligibleAt: new Date(NOW + 2 * DAY).toISOString(),
        }),
      ]);
    });

    it('forecasts nothing without a policy, and cannot forecast (null) with one the janitor cannot evaluate', () => {
      expect(forecastFromState(state(null), NOW).entries).toEqual([]);
      expect(forecastFromState(state('{"rules":'), NOW).entries).toBeNull();
    });
  });

  describe('truthBetweenCaptures', () => {
    it('gives a repository the earlier capture knows its manifests and forecast, and one it does not neither', () => {
      const previous = {
        ...state(mergeDefaultRule(undefined, 7).text),
        tags: [],
        repositoryArn: 'arn',
        accountId: '123456789012',
      } as unknown as RepositoryState;
      const { lookup, events } = truthBetweenCaptures([previous], [], { from: NOW, to: NOW + 7 * DAY });

      const known = lookup(previous);
      const unknown = lookup({ ...previous, repositoryName: 'team/new' });

      expect(events).toEqual([]);
      expect([...(known?.before.keys() ?? [])]).toEqual([untagged.imageDigest]);
      expect(known?.forecast?.entries).toHaveLength(1);
      expect(unknown?.before.size).toBe(0);
      expect(unknown?.forecast).toBeUndefined();
    });
  });
});
