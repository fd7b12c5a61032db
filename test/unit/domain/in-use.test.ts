import { InvalidInputError } from '../../../src/domain/errors';
import { buildImageGraph } from '../../../src/domain/graph';
import {
  InUseCatalog,
  guardContextOf,
  guardImagesOf,
  inUseAtRisk,
  inUseEntryOf,
  inUseImagesOf,
  inUseRecordOf,
  judgeWrite,
  parseInUseList,
  parseInUseScan,
  WORKLOAD_SOURCES,
} from '../../../src/domain/in-use';
import { mergeDefaultRule, parsePolicyOrThrow } from '../../../src/domain/policy';
import { DAY, NOW, imageOf } from '../support/images';
import { blob, imageManifest, indexManifest, signatureOf } from '../support/manifests';
import { keepNewestTagged, policyText } from '../support/policies';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

const base = blob('base', 10_000);
const app = (name: string) => imageManifest({ config: blob(`${name}-config`, 100), layers: [base, blob(name, 1_000)] });
/** The janitor's policy for a repository without one: untagged images go 7 days after push. */
const defaultPolicy = mergeDefaultRule(undefined, 7).policy;

describe('in-use', () => {
  describe('inUseEntryOf', () => {
    it('binds an ECR image to its registry and prefers the digest the platform resolved', () => {
      expect(inUseEntryOf({ image: `${REGISTRY}/web:latest@${D2}`, imageDigest: D1, consumer: 'ecs:task/prod/1' })).toEqual({
        accountId: ACCOUNT,
        region: REGION,
        repositoryName: 'web',
        imageDigest: D1,
        consumer: 'ecs:task/prod/1',
      });
    });

    it('takes the digest from the image when the platform resolved none', () => {
      expect(inUseEntryOf({ image: `${REGISTRY}/web@${D2}`, consumer: 'lambda:api:3' })?.imageDigest).toBe(D2);
    });

    it.each([
      ['its tag', `${REGISTRY}/web:v1.2`, 'v1.2'],
      ['latest, when it names no tag', `${REGISTRY}/web`, 'latest'],
      ['its tag, through an explicit port', `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com:443/web:v1`, 'v1'],
    ])('keeps an ECR image named by tag only as a tag entry of its repository: %s', (_label, image, tag) => {
      expect(inUseEntryOf({ image, consumer: 'events:rule/default/nightly' })).toEqual({
        accountId: ACCOUNT,
        region: REGION,
        repositoryName: 'web',
        tag,
        consumer: 'events:rule/default/nightly',
      });
    });

    it.each([
      ['an image of another registry', { image: `public.ecr.aws/nginx/nginx@${D1}`, consumer: 'ecs:task/a/1' }],
      ['an image of another registry by tag', { image: 'docker.io/library/nginx:1.27', consumer: 'ecs:task/a/1' }],
      ['text that is no image reference', { image: 'not an image', imageDigest: D1, consumer: 'ecs:task/a/1' }],
    ])('returns undefined for %s', (_label, workload) => {
      expect(inUseEntryOf(workload)).toBeUndefined();
    });
  });

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

  describe('parseInUseList', () => {
    it('reads one reference a line, several on a line as kubectl prints them, and skips comments and blank lines', () => {
      // Arrange
      const text = [
        '# images of the EKS prod cluster',
        '',
        `docker-pullable://${REGISTRY}/web@${D1} docker.io/library/nginx@${D2}   ${REGISTRY}/api@${D2}`,
        `web@${D2} # a comment after a reference`,
        D1,
      ].join('\n');

      // Act
      const list = parseInUseList(text, 'eks.txt');

      // Assert
      expect(list.entries).toEqual([
        { accountId: ACCOUNT, region: REGION, repositoryName: 'web', imageDigest: D1, consumer: 'list:eks.txt' },
        { accountId: ACCOUNT, region: REGION, repositoryName: 'api', imageDigest: D2, consumer: 'list:eks.txt' },
        { repositoryName: 'web', imageDigest: D2, consumer: 'list:eks.txt' },
        { imageDigest: D1, consumer: 'list:eks.txt' },
      ]);
      expect(list.ignored).toBe(1);
    });

    it('reads a JSON array of strings', () => {
      expect(parseInUseList(`[" ${REGISTRY}/web@${D1}", "sha256:${'3'.repeat(64)}"]`, 's3://b/k').entries).toHaveLength(2);
    });

    it.each([
      [
        'a reference without a digest',
        `web@${D1}\nnginx:1.25\n`,
        /in-use list f\.txt, line 2: "nginx:1\.25" is not an image pinned by digest/,
      ],
      ['a truncated digest', `web@sha256:abc`, /line 1: "web@sha256:abc"/],
      ['a JSON entry that is not a string', `["web@${D1}", 42]`, /entry 2 is not a string/],
      ['JSON that does not parse', '[ "web@', /starts like a JSON array but is not valid JSON/],
    ])('throws an error naming the place for %s', (_label, text, message) => {
      expect(() => parseInUseList(text, 'f.txt')).toThrow(InvalidInputError);
      expect(() => parseInUseList(text, 'f.txt')).toThrow(message);
    });

    it('shortens a very long bad line in the message', () => {
      expect(() => parseInUseList('x'.repeat(500), 'f.txt')).toThrow(/"x{119}…"/);
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

  describe('inUseImagesOf', () => {
    it('adds the children of an in-use index and the referrers of in-use images, with their consumers', () => {
      // Arrange: an index of two children; a signature of the index; a signature of that signature.
      const amd = app('amd');
      const arm = app('arm');
      const index = indexManifest([amd, arm]);
      const signature = signatureOf(index);
      const counterSignature = signatureOf(signature, 'counter');
      const unrelated = app('unrelated');
      const graph = buildImageGraph([amd, arm, index, signature, counterSignature, unrelated].map((m) => imageOf(m)));

      // Act
      const inUse = inUseImagesOf(graph, new Map([[index.digest, ['ecs:task/prod/1']]]));

      // Assert
      expect([...inUse.keys()].sort()).toEqual([amd.digest, arm.digest, index.digest, signature.digest, counterSignature.digest].sort());
      expect(inUse.get(arm.digest)).toEqual(['ecs:task/prod/1']);
    });

    it('ignores referenced digests the repository does not hold', () => {
      const graph = buildImageGraph([imageOf(app('a'))]);
      expect(inUseImagesOf(graph, new Map([[D1, ['x']]])).size).toBe(0);
    });
  });

  describe('inUseAtRisk', () => {
    it('names the in-use images a policy removes by the end of the horizon, with the rule', () => {
      // Arrange: an untagged image pushed 3 days ago is in use; the default rule expires after 7 days.
      const running = app('running');
      const idle = app('idle');
      const context = guardContextOf(
        [imageOf(running, { pushedDaysAgo: 3 }), imageOf(idle, { pushedDaysAgo: 30 })],
        new Map([[running.digest, ['ecs:service/prod/web']]]),
      );

      // Act
      const now = inUseAtRisk(defaultPolicy, context, NOW);
      const inAWeek = inUseAtRisk(defaultPolicy, context, NOW + 7 * DAY);

      // Assert
      expect(now).toEqual([]);
      expect(inAWeek).toEqual([
        {
          imageDigest: running.digest,
          consumers: ['ecs:service/prod/web'],
          rule: 'rule 1 ("Expire untagged images 7 days after push (added by ecr-janitor)")',
        },
      ]);
    });

    it('names the index whose removal takes an in-use child with it', () => {
      // Arrange: the task pinned the amd64 child; the untagged index is 30 days old.
      const amd = app('amd');
      const index = indexManifest([amd, app('arm')]);
      const context = guardContextOf(
        [imageOf(amd, { pushedDaysAgo: 30 }), imageOf(index, { pushedDaysAgo: 30 })],
        new Map([[amd.digest, ['ecs:task/prod/9']]]),
      );

      // Act
      const atRisk = inUseAtRisk(defaultPolicy, context, NOW);

      // Assert
      expect(atRisk).toEqual([
        expect.objectContaining({
          imageDigest: amd.digest,
          rule: expect.stringMatching(/^goes with index sha256:[0-9a-f]{12}, which rule 1/),
        }),
      ]);
    });

    it('counts every removed image as in use by an unknown consumer when a source could not be read', () => {
      // Arrange
      const old = app('old');
      const context = guardContextOf([imageOf(old, { pushedDaysAgo: 30 })], new Map(), [
        { region: REGION, source: 'lambda', code: 'AccessDeniedException', message: 'denied' },
      ]);

      // Act / Assert
      expect(inUseAtRisk(defaultPolicy, context, NOW)).toEqual([
        expect.objectContaining({ imageDigest: old.digest, consumers: ['unknown:lambda could not be read'] }),
      ]);
    });

    it('finds tagged in-use images a team rule removes', () => {
      // Arrange: keep the newest release; the older release is still in use.
      const older = app('release-1');
      const newer = app('release-2');
      const own = parsePolicyOrThrow(policyText(keepNewestTagged(1, 'release', 1)));
      const context = guardContextOf(
        [imageOf(older, { tags: ['release-1'], pushedDaysAgo: 20 }), imageOf(newer, { tags: ['release-2'], pushedDaysAgo: 2 })],
        new Map([[older.digest, ['lambda:api:4']]]),
      );

      // Act / Assert
      expect(inUseAtRisk(own, context, NOW).map((i) => [i.imageDigest, i.rule])).toEqual([
        [older.digest, 'rule 1 ("Keep the newest 1 images tagged release*")'],
      ]);
    });
  });

  describe('judgeWrite', () => {
    it('holds a write that would remove an in-use image within the horizon and lets through one that would not', () => {
      // Arrange
      const running = app('running');
      const context = guardContextOf([imageOf(running, { pushedDaysAgo: 5 })], new Map([[running.digest, ['ecs:task/prod/1']]]));

      // Act / Assert
      expect(judgeWrite(defaultPolicy, context, { now: NOW, horizonDays: 7 }).hold).toBe(true);
      expect(judgeWrite(defaultPolicy, context, { now: NOW, horizonDays: 1 })).toEqual({ atRisk: [], hold: false });
    });
  });

  describe('guardImagesOf', () => {
    it('keeps the manifest text of indexes only, and a referrer subject from its manifest', () => {
      // Arrange
      const child = app('child');
      const index = indexManifest([child]);
      const signature = signatureOf(child);
      const images = [imageOf(child), imageOf(index), { ...imageOf(signature), subjectManifestDigest: undefined }];

      // Act
      const compact = guardImagesOf(images);

      // Assert
      expect(compact.map((i) => i.imageManifest !== undefined)).toEqual([false, true, false]);
      expect(compact[2]?.subjectManifestDigest).toBe(child.digest);
      // The graph the guard builds from them is the same.
      const full = buildImageGraph(images);
      const small = buildImageGraph(compact);
      expect([...small.nodes.values()].map((n) => [n.kind, n.parents, n.subject])).toEqual(
        [...full.nodes.values()].map((n) => [n.kind, n.parents, n.subject]),
      );
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
