import { InvalidInputError } from '../../../src/domain/errors';
import type { RepositoryRef } from '../../../src/domain/registry';
import type { RepositoryLookup } from '../../../src/ports/registry';
import { readRepositoryByName } from '../../../src/use-cases/read-repository-by-name';
import { FakeRegistry } from '../support/fake-registry';
import { imageOf } from '../support/images';
import { blob, imageManifest, indexManifest } from '../support/manifests';
import { UNTAGGED_30_DAYS } from '../support/policies';

/** A fake registry that also finds one repository by name, as the ECR adapter does with `DescribeRepositories`. */
class LookupRegistry extends FakeRegistry implements RepositoryLookup {
  readonly lookups: string[] = [];

  async getRepository(repositoryName: string): Promise<RepositoryRef | undefined> {
    this.lookups.push(repositoryName);
    const refs = await super.listRepositories();
    return refs.find((r) => r.repositoryName === repositoryName);
  }
}

const amd64 = imageManifest({ config: blob('web-config', 1_000), layers: [blob('web-code', 9_000)] });
const list = indexManifest([amd64]);

describe('read-repository-by-name', () => {
  describe('readRepositoryByName', () => {
    it('reads the named repository whole: policy, tags, images and their manifests', async () => {
      // Arrange
      const registry = new LookupRegistry('eu-west-1', [
        {
          name: 'team-a/web',
          policy: UNTAGGED_30_DAYS,
          tags: [{ Key: 'team', Value: 'a' }],
          images: [imageOf(list, { tags: ['v1'] }), imageOf(amd64)],
        },
        { name: 'team-b/api', images: [] },
      ]);

      // Act
      const state = await readRepositoryByName(registry, 'team-a/web');

      // Assert
      expect(registry.lookups).toEqual(['team-a/web']);
      expect(state).toMatchObject({
        region: 'eu-west-1',
        repositoryName: 'team-a/web',
        repositoryArn: 'arn:aws:ecr:eu-west-1:111122223333:repository/team-a/web',
        lifecyclePolicyText: UNTAGGED_30_DAYS,
        tags: [{ Key: 'team', Value: 'a' }],
      });
      expect(state.images.map((i) => [i.imageDigest, i.imageManifest])).toEqual([
        [list.digest, list.text],
        [amd64.digest, amd64.text],
      ]);
      expect(registry.callsOf('describeImages').map((c) => c.repositoryName)).toEqual(['team-a/web']);
    });

    it('refuses a name the registry does not have, naming it, the region and the fix, and reads nothing more', async () => {
      // Arrange
      const registry = new LookupRegistry('ap-southeast-2', [{ name: 'team-a/web', images: [] }]);

      // Act
      const reading = readRepositoryByName(registry, 'team-a/wbe');

      // Assert
      await expect(reading).rejects.toBeInstanceOf(InvalidInputError);
      await expect(reading).rejects.toThrow('repository "team-a/wbe" does not exist in ap-southeast-2; check the name and --region');
      expect(registry.callsOf('getLifecyclePolicy')).toEqual([]);
      expect(registry.callsOf('describeImages')).toEqual([]);
    });
  });
});
