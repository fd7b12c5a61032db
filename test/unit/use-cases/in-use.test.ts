import type { WorkloadSource } from '../../../src/domain/in-use';
import type { WorkloadImage } from '../../../src/domain/in-use-entries';
import type { InUseListReader, WorkloadScanner } from '../../../src/ports/in-use';
import { collectInUse, inUseProvider } from '../../../src/use-cases/in-use';

const ACCOUNT = '123456789012';
const DIGEST = `sha256:${'e'.repeat(64)}`;
const image = (region: string, repository = 'web'): WorkloadImage => ({
  image: `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${repository}:latest`,
  imageDigest: DIGEST,
  consumer: `ecs:task/prod/${region}`,
});

/** A call that counts itself (`count`) and answers `answer`, or throws it when it is an error. */
function counted<T>(answer: T | Error, count: () => void): () => Promise<T> {
  return async () => {
    count();
    if (answer instanceof Error) throw answer;
    return answer;
  };
}

/** A scanner that answers `images` (or throws `error`) and counts its scans. */
function scanner(region: string, source: WorkloadSource, answer: WorkloadImage[] | Error): WorkloadScanner & { scans: number } {
  const scan = counted(answer, () => fake.scans++);
  const fake = {
    region,
    source,
    permissions: [`${source}:List`, `${source}:Describe`],
    scans: 0,
    scan: async () => ({ images: await scan(), warnings: [] }),
  };
  return fake;
}

function denied(message: string): Error {
  return Object.assign(new Error(message), { name: 'AccessDeniedException' });
}

function list(location: string, text: string | Error): InUseListReader & { reads: number } {
  const fake = { location, reads: 0, read: counted(text, () => fake.reads++) };
  return fake;
}

const key = (region: string, repositoryName = 'web') => ({ accountId: ACCOUNT, region, repositoryName });
const NO_IMAGES: never[] = [];

describe('in-use', () => {
  describe('inUseProvider', () => {
    it("reads every region's workloads once in a run, only when first asked, and judges every repository against all of them", async () => {
      // Arrange: a task in us-east-1 runs an image of eu-west-1's registry.
      const us = scanner('us-east-1', 'ecs', [image('eu-west-1')]);
      const eu = scanner('eu-west-1', 'ecs', []);
      const provider = inUseProvider(['eu-west-1', 'us-east-1'], { scannersFor: (region) => (region === 'eu-west-1' ? [eu] : [us]) });
      const before = eu.scans + us.scans;

      // Act
      const [first, second] = await Promise.all([provider.catalog(), provider.catalog()]);
      const third = await provider.catalog();

      // Assert
      expect(before).toBe(0);
      expect([eu.scans, us.scans]).toEqual([1, 1]);
      expect(first).toBe(second);
      expect(third).toBe(first);
      expect(third.referencesOf(key('eu-west-1'), NO_IMAGES)).toEqual(new Map([[DIGEST, ['ecs:task/prod/eu-west-1']]]));
      expect(third.referencesOf(key('us-east-1'), NO_IMAGES).size).toBe(0);
    });

    it('keeps a failed source as a failure that leaves every region unknown, and reports it once, in its region', async () => {
      // Arrange
      const ecs = scanner('eu-west-1', 'ecs', denied('not authorized to perform ecs:ListClusters'));
      const lambda = scanner('eu-west-1', 'lambda', [image('eu-west-1', 'api')]);
      const provider = inUseProvider(['eu-west-1', 'us-east-1'], {
        scannersFor: (region) => (region === 'eu-west-1' ? [ecs, lambda] : []),
      });

      // Act
      const catalog = await provider.catalog();
      await provider.catalog();

      // Assert
      expect(catalog.failures()).toEqual([
        { region: 'eu-west-1', source: 'ecs', code: 'AccessDeniedException', message: 'not authorized to perform ecs:ListClusters' },
      ]);
      expect(catalog.referencesOf(key('eu-west-1', 'api'), NO_IMAGES).size).toBe(1);
      expect(ecs.scans).toBe(1);
      expect(provider.errors()).toEqual([
        {
          region: 'eu-west-1',
          source: 'ecs',
          code: 'AccessDeniedException',
          message:
            'what ECS services and tasks run in eu-west-1 could not be read, so every write that could remove an image is held, in every region: not authorized to perform ecs:ListClusters',
        },
      ]);
    });

    it('leaves out a source beyond ECS and Lambda that is refused, with a warning naming the permissions, and holds nothing for it', async () => {
      // Arrange
      const events = scanner(
        'eu-west-1',
        'events',
        denied('User: arn:aws:sts::123456789012:assumed-role/ci is not authorized to perform: events:ListRules'),
      );
      const provider = inUseProvider(['eu-west-1'], { scannersFor: () => [events] });

      // Act
      const catalog = await provider.catalog();

      // Assert
      expect(catalog.failures()).toEqual([]);
      expect(provider.errors()).toEqual([]);
      expect(provider.warnings()).toEqual([
        {
          region: 'eu-west-1',
          repositoryName: '',
          code: 'InUseSourceSkipped',
          message:
            'in-use source events: which ECS tasks EventBridge rules start could not be read (AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ci is not authorized to perform: events:ListRules); grant events:List, events:Describe to see it. What only it would show is not protected',
        },
      ]);
    });

    it('leaves out a source beyond ECS and Lambda whose service has no endpoint in the region, with a warning', async () => {
      // Arrange
      const dns = Object.assign(new Error('getaddrinfo ENOTFOUND events.xx-test-1.amazonaws.com'), { code: 'ENOTFOUND' });
      const provider = inUseProvider(['eu-west-1'], { scannersFor: () => [scanner('eu-west-1', 'events', dns)] });

      // Act
      const catalog = await provider.catalog();

      // Assert
      expect(catalog.failures()).toEqual([]);
      expect(provider.warnings().map((w) => w.message)).toEqual([
        'in-use source events: which ECS tasks EventBridge rules start has no endpoint in eu-west-1 (the service is not offered there): nothing of it runs there',
      ]);
    });

    it('keeps any other failure of such a source a failure, and a refused ECS one too', async () => {
      // Arrange
      const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      const provider = inUseProvider(['eu-west-1'], {
        scannersFor: () => [scanner('eu-west-1', 'events', throttled), scanner('eu-west-1', 'ecs', denied('no ECS'))],
      });

      // Act
      const catalog = await provider.catalog();

      // Assert
      expect(catalog.failures().map((f) => [f.source, f.code])).toEqual([
        ['events', 'ThrottlingException'],
        ['ecs', 'AccessDeniedException'],
      ]);
      expect(provider.warnings()).toEqual([]);
    });

    it('passes on what a scan could not resolve as a warning of its region and source', async () => {
      // Arrange
      const events: WorkloadScanner = {
        region: 'eu-west-1',
        source: 'events',
        permissions: [],
        scan: async () => ({
          images: [image('eu-west-1')],
          warnings: [{ code: 'InUseReferenceUnresolved', message: 'chosen at run time' }],
        }),
      };
      const provider = inUseProvider(['eu-west-1'], { scannersFor: () => [events] });

      // Act
      const catalog = await provider.catalog();

      // Assert
      expect(catalog.warnings()).toEqual([
        { region: 'eu-west-1', source: 'events', code: 'InUseReferenceUnresolved', message: 'chosen at run time' },
      ]);
      expect(catalog.referencesOf(key('eu-west-1'), NO_IMAGES).size).toBe(1);
    });

    it('reuses a complete answer within the ttl and reads again after it', async () => {
      // Arrange
      let clock = 0;
      const ecs = scanner('eu-west-1', 'ecs', []);
      const provider = inUseProvider(['eu-west-1'], { scannersFor: () => [ecs] }, { ttlMs: 300_000, now: () => clock });

      // Act
      await provider.catalog();
      clock = 299_999;
      await provider.catalog();
      const withinTtl = ecs.scans;
      clock = 300_000;
      await provider.catalog();

      // Assert
      expect(withinTtl).toBe(1);
      expect(ecs.scans).toBe(2);
    });

    it('never reuses an incomplete answer under a ttl: the next lookup reads that region again, and only it', async () => {
      // Arrange
      const ecs = scanner('eu-west-1', 'ecs', denied('throttled for good'));
      const other = scanner('us-east-1', 'ecs', []);
      const provider = inUseProvider(
        ['eu-west-1', 'us-east-1'],
        { scannersFor: (r) => (r === 'eu-west-1' ? [ecs] : [other]) },
        { ttlMs: 300_000, now: () => 0 },
      );

      // Act
      await provider.catalog();
      await provider.catalog();

      // Assert
      expect(ecs.scans).toBe(2);
      expect(other.scans).toBe(1);
    });

    it('makes every region unknown when a list cannot be read or parsed, reports it in each region, and reads the list again next time under a ttl', async () => {
      // Arrange
      const missing = list('s3://ops/in-use.txt', Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }));
      const provider = inUseProvider(
        ['eu-west-1', 'us-east-1'],
        { scannersFor: () => [], lists: [missing] },
        { ttlMs: 60_000, now: () => 0 },
      );

      // Act
      const first = await provider.catalog();
      await provider.catalog();

      // Assert
      expect(first.failures().map((f) => [f.region, f.source, f.code])).toEqual([[undefined, 'list', 'NoSuchKey']]);
      expect(missing.reads).toBe(2);
      expect(provider.errors().map((e) => [e.region, e.source])).toEqual([
        ['eu-west-1', 'list'],
        ['us-east-1', 'list'],
      ]);
    });

    it('records a malformed list as a failure rather than reading part of it', async () => {
      // Arrange
      const bad = list('s3://ops/in-use.txt', `web@${DIGEST}\nnginx:latest\n`);
      const provider = inUseProvider(['eu-west-1'], { scannersFor: () => [], lists: [bad] });

      // Act
      const catalog = await provider.catalog();

      // Assert
      expect(catalog.entries()).toEqual([]);
      expect(catalog.failures()).toEqual([
        expect.objectContaining({ source: 'list', code: 'InvalidInputError', message: expect.stringContaining('line 2: "nginx:latest"') }),
      ]);
    });

    it('adds given entries, failures and warnings, as a snapshot recorded them', async () => {
      // Arrange
      const provider = inUseProvider(['eu-west-1', 'us-east-1'], {
        scannersFor: () => [],
        entries: [{ accountId: ACCOUNT, region: 'eu-west-1', repositoryName: 'web', imageDigest: DIGEST, consumer: 'lambda:api:1' }],
        failures: [{ region: 'us-east-1', source: 'lambda', code: 'AccessDeniedException', message: 'denied at capture' }],
        warnings: [{ region: 'eu-west-1', source: 'ecs', code: 'InUseReferenceUnresolved', message: 'seen at capture' }],
      });

      // Act
      const catalog = await provider.catalog();

      // Assert
      expect(catalog.referencesOf(key('eu-west-1'), NO_IMAGES)).toEqual(new Map([[DIGEST, ['lambda:api:1']]]));
      expect(catalog.failures().map((f) => [f.region, f.code])).toEqual([['us-east-1', 'AccessDeniedException']]);
      expect(provider.errors().map((e) => e.region)).toEqual(['us-east-1']);
      expect(provider.warnings()).toEqual([
        { region: 'eu-west-1', repositoryName: '', code: 'InUseReferenceUnresolved', message: 'in-use source ecs: seen at capture' },
      ]);
    });
  });

  describe('collectInUse', () => {
    it('reads every region at once and returns one catalog for all of them, and the errors', async () => {
      // Arrange: us-east-1's ECS cannot be read; eu-west-1's task runs an image of us-east-1.
      const scanners = {
        'eu-west-1': scanner('eu-west-1', 'ecs', [image('us-east-1')]),
        'us-east-1': scanner('us-east-1', 'ecs', denied('no')),
      };

      // Act
      const { catalog, errors, warnings } = await collectInUse(['eu-west-1', 'us-east-1'], {
        scannersFor: (region) => [scanners[region as keyof typeof scanners]],
      });

      // Assert
      expect(catalog.referencesOf(key('us-east-1'), NO_IMAGES).size).toBe(1);
      expect(catalog.failures().map((f) => f.region)).toEqual(['us-east-1']);
      expect(errors.map((e) => [e.region, e.source, e.code])).toEqual([['us-east-1', 'ecs', 'AccessDeniedException']]);
      expect(warnings).toEqual([]);
    });
  });
});
