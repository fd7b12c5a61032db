import { InUseCatalog, inUseRecordOf, parseInUseScan, WORKLOAD_SOURCES } from '../../../src/domain/in-use';
import { imageOf } from '../support/images';
import { blob, imageManifest } from '../support/manifests';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

const base = blob('base', 10_000);
const app = (name: string) => imageManifest({ config: blob(`${name}-config`, 100), layers: [base, blob(name, 1_000)] });

describe('in-use', () => {
  describe('parseInUseScan', () => {
    it.each([
      ['all', [...WORKLOAD_SOURCES]],
      ['none', []],
      [' Lambda , ecs,ecs ', ['ecs', 'lambda']],
    ])('reads %j', (text, expected) => {
      expect(parseInUseScan(text)).toEqual(expected);
    });

    it.each([
      ['eks', /"eks" is not an in-use source; write a comma-separated list of ecs, lambda/],
      ['', /no in-use source named/],
      ['ecs,none', /"none" is not an in-use source/],
    ])('refuses %j, naming the fix', (text, message) => {
      expect(() => parseInUseScan(text)).toThrow(message);
    });
  });

  describe('InUseCatalog', () => {
    it("matches a repository's own registry, bare names in every registry and bare digests in every repository", () => {
      // Arrange
      const catalog = new InUseCatalog().add([
        { accountId: ACCOUNT, region: REGION, repositoryName: 'web', imageDigest: D1, consumer: 'ecs:service/prod/web' },
        { accountId: ACCOUNT, region: REGION, repositoryName: 'web', imageDigest: D1, consumer: 'ecs:task/prod/1' },
        { accountId: ACCOUNT, region: 'us-east-1', repositoryName: 'web', imageDigest: D2, consumer: 'lambda:api:1' },
        { accountId: '999999999999', region: REGION, repositoryName: 'web', imageDigest: D2, consumer: 'ecs:task/other/1' },
        { repositoryName: 'web', imageDigest: D2, consumer: 'list:eks.txt' },
        { imageDigest: D1, consumer: 'list:eks.txt' },
      ]);

      // Act
      const web = catalog.referencesOf({ accountId: ACCOUNT, region: REGION, repositoryName: 'web' }, []);
      const api = catalog.referencesOf({ accountId: ACCOUNT, region: REGION, repositoryName: 'api' }, []);

      // Assert
      expect(web).toEqual(
        new Map([
          [D1, ['ecs:service/prod/web', 'ecs:task/prod/1', 'list:eks.txt']],
          [D2, ['list:eks.txt']],
        ]),
      );
      expect(api).toEqual(new Map([[D1, ['list:eks.txt']]]));
    });

    it('resolves a tag a workload names to the image that carries it in that repository, and in no other', () => {
      // Arrange
      const catalog = new InUseCatalog().add([
        { accountId: ACCOUNT, region: REGION, repositoryName: 'web', tag: 'v1', consumer: 'scheduler:default/nightly' },
        { accountId: ACCOUNT, region: REGION, repositoryName: 'web', tag: 'latest', consumer: 'batch:report:3' },
        { accountId: ACCOUNT, region: REGION, repositoryName: 'web', imageDigest: D1, consumer: 'ecs:task/prod/1' },
      ]);
      const images = [
        { imageDigest: D1, imageTags: ['v1', 'stable'] },
        { imageDigest: D2, imageTags: ['v2'] },
      ];

      // Act
      const web = catalog.referencesOf({ accountId: ACCOUNT, region: REGION, repositoryName: 'web' }, images);
      const elsewhere = catalog.referencesOf({ accountId: ACCOUNT, region: 'us-east-1', repositoryName: 'web' }, images);

      // Assert: no image carries latest; D1 carries v1.
      expect(web).toEqual(new Map([[D1, ['ecs:task/prod/1', 'scheduler:default/nightly']]]));
      expect(elsewhere).toEqual(new Map());
    });

    it('keeps every failure, whatever its region, as one that leaves every repository unknown, and each warning once', () => {
      // Arrange
      const warning = { region: REGION, source: 'ecs' as const, code: 'InUseReferenceUnresolved' as const, message: 'chosen at run time' };
      const catalog = new InUseCatalog()
        .fail({ region: REGION, source: 'ecs', code: 'AccessDeniedException', message: 'denied' })
        .fail({ source: 'list', code: 'NoSuchKey', message: 'gone' })
        .warn(warning)
        .warn({ ...warning });

      // Act
      const merged = new InUseCatalog().merge(catalog);

      // Assert
      expect(merged.failures().map((f) => f.source)).toEqual(['ecs', 'list']);
      expect(merged.warnings()).toEqual([warning]);
    });
  });

  describe('inUseRecordOf', () => {
    it('records the in-use digests each repository holds, tags resolved to digests, one entry per consumer', () => {
      // Arrange
      const a = app('a');
      const catalog = new InUseCatalog().add([
        { accountId: ACCOUNT, region: REGION, repositoryName: 'web', imageDigest: a.digest, consumer: 'ecs:task/prod/1' },
        { imageDigest: a.digest, consumer: 'list:eks.txt' },
        { accountId: ACCOUNT, region: REGION, repositoryName: 'web', imageDigest: D1, consumer: 'ecs:task/prod/2' },
        { accountId: ACCOUNT, region: REGION, repositoryName: 'web', tag: 'v1', consumer: 'batch:report:1' },
      ]);

      // Act
      const record = inUseRecordOf(
        [{ accountId: ACCOUNT, region: REGION, repositoryName: 'web', images: [imageOf(a, { tags: ['v1'] })] }],
        catalog,
      );

      // Assert
      expect(record).toEqual([
        { repositoryName: 'web', imageDigest: a.digest, consumer: 'batch:report:1' },
        { repositoryName: 'web', imageDigest: a.digest, consumer: 'ecs:task/prod/1' },
        { repositoryName: 'web', imageDigest: a.digest, consumer: 'list:eks.txt' },
      ]);
    });
  });
});
