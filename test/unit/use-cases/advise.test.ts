import { ADVICE_FORMAT } from '../../../src/domain/advice';
import { InUseCatalog } from '../../../src/domain/in-use';
import { advise, type AdviseOptions } from '../../../src/use-cases/advise';
import { awsError, FakeRegistry } from '../support/fake-registry';
import { NOW, daysAgo, imageOf } from '../support/images';
import { blob, imageManifest } from '../support/manifests';

function release(name: string, pushedDaysAgo: number, pulledDaysAgo?: number) {
  const manifest = imageManifest({ config: blob(`${name}-config`, 100), layers: [blob(name, 5_000_000)] });
  return {
    ...imageOf(manifest, { tags: [name], pushedDaysAgo }),
    ...(pulledDaysAgo === undefined ? {} : { lastRecordedPullTime: daysAgo(pulledDaysAgo) }),
  };
}

const releases = Array.from({ length: 8 }, (_, i) => release(`v1.${i}.0`, 100 - i * 10));

const SETTINGS: AdviseOptions = {
  now: NOW,
  generatedAt: NOW + 1000,
  days: 7,
  pricePerGbMonth: 0.1,
  archivePricePerGbMonth: null,
  keepPulledDays: 90,
  rollbackMargin: 3,
  selection: { optOutTag: 'ecr-janitor:opt-out', exclude: [] },
  concurrency: 4,
};

describe('advise', () => {
  it('advises every repository of every region, largest extra saving first, with totals', async () => {
    const west = new FakeRegistry('eu-west-1', [
      { name: 'team-a/web', images: releases, tags: [{ Key: 'team', Value: 'checkout' }] },
      { name: 'team-b/empty' },
    ]);
    const east = new FakeRegistry('us-east-1', [{ name: 'team-a/web', images: releases.slice(0, 5) }]);
    const { file, owners } = await advise([west, east], { ...SETTINGS, costAllocationTagKeys: ['team'] });
    expect(file.format).toBe(ADVICE_FORMAT);
    expect(file.now).toBe(new Date(NOW).toISOString());
    expect(file.repositories.map((r) => `${r.region}/${r.repositoryName}`)).toEqual([
      'eu-west-1/team-a/web',
      'us-east-1/team-a/web',
      'eu-west-1/team-b/empty',
    ]);
    expect(file.repositories[0]?.removedNow.images).toBe(5);
    expect(file.totals).toMatchObject({ repositories: 3, withAdvice: 3, withheld: 0 });
    expect(file.totals.removedNow.images).toBe(5 + 2);
    expect(owners.get('eu-west-1/team-a/web')).toBe('checkout');
    expect(owners.get('us-east-1/team-a/web')).toBe('(untagged)');
  });

  it('advises only the repositories named, and says which it could not find', async () => {
    const west = new FakeRegistry('eu-west-1', [
      { name: 'a', images: releases },
      { name: 'b', images: releases },
    ]);
    const { file } = await advise([west], { ...SETTINGS, repositories: ['b', 'nope'] });
    expect(file.repositories.map((r) => r.repositoryName)).toEqual(['b']);
    expect(file.errors).toEqual([expect.objectContaining({ repositoryName: 'nope', code: 'RepositoryNotFoundException' })]);
  });

  it('records a repository that cannot be read as an error and advises the others', async () => {
    const west = new FakeRegistry('eu-west-1', [
      { name: 'a', images: releases },
      { name: 'b', images: releases },
    ]);
    west.failRepository('a', awsError('AccessDeniedException'), 'describeImages');
    const { file } = await advise([west], SETTINGS);
    expect(file.repositories.map((r) => r.repositoryName)).toEqual(['b']);
    expect(file.errors).toEqual([expect.objectContaining({ region: 'eu-west-1', repositoryName: 'a', code: 'AccessDeniedException' })]);
  });

  it("judges each region's repositories with that region's images in use", async () => {
    const west = new FakeRegistry('eu-west-1', [{ name: 'a', images: releases }]);
    const catalog = new InUseCatalog().add([
      {
        region: 'eu-west-1',
        accountId: west.accountId,
        repositoryName: 'a',
        imageDigest: releases[0]?.imageDigest as string,
        consumer: 'ecs:service/prod/a',
      },
    ]);
    const { file } = await advise([west], {
      ...SETTINGS,
      inUse: { catalog, mode: 'on', horizonDays: 7 },
    });
    const [entry] = file.repositories;
    expect(entry?.checks.inUse).toEqual({ images: 1, actedOnNow: 0, actedOnIn30Days: 0 });
    // The oldest release is in use: every release is kept.
    expect(entry?.removedNow.images).toBe(0);
  });
});
