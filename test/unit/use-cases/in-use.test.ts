import type { WorkloadImage } from '../../../src/domain/in-use';
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
function scanner(region: string, source: 'ecs' | 'lambda', answer: WorkloadImage[] | Error): WorkloadScanner & { scans: number } {
  const fake = { region, source, scans: 0, scan: counted(answer, () => fake.scans++) };
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

describe('in-use', () => {
  describe('inUseProvider', () => {
    it("reads a region's workloads once in a run, and only the regions asked for", async () => {
      // Arrange
      const eu = scanner('eu-west-1', 'ecs', [image('eu-west-1')]);
      const us = scanner('us-east-1', 'ecs', []);
      const provider = inUseProvider({ scannersFor: (region) => (region === 'eu-west-1' ? [eu] : [us]) });

      // Act
      const [first, second] = await Promise.all([provider.forRegion('eu-west-1'), provider.forRegion('eu-west-1')]);
      const third = await provider.forRegion('eu-west-1');

      // Assert
      expect(eu.scans).toBe(1);
      expect(us.scans).toBe(0);
      expect(first).toBe(second);
      expect(third.referencesOf(key('eu-west-1'))).toEqual(new Map([[DIGEST, ['ecs:task/prod/eu-west-1']]]));
    });

    it('keeps a failed source of a run as a failure of its region, and reports it once', async () => {
      // Arrange
      const ecs = scanner('eu-west-1', 'ecs', denied('not authorized to perform ecs:ListClusters'));
      const lambda = scanner('eu-west-1', 'lambda', [image('eu-west-1', 'api')]);
      const provider = inUseProvider({ scannersFor: () => [ecs, lambda] });

      // Act
      const catalog = await provider.forRegion('eu-west-1');
      await provider.forRegion('eu-west-1');

      // Assert
      expect(catalog.failuresIn('eu-west-1')).toEqual([
        { region: 'eu-west-1', source: 'ecs', code: 'AccessDeniedException', message: 'not authorized to perform ecs:ListClusters' },
      ]);
      expect(catalog.referencesOf(key('eu-west-1', 'api')).size).toBe(1);
      expect(ecs.scans).toBe(1);
      expect(provider.errors()).toEqual([
        {
          region: 'eu-west-1',
          source: 'ecs',
          code: 'AccessDeniedException',
          message:
            'what ECS services and tasks run could not be read, so every write in eu-west-1 that could remove an image is held: not authorized to perform ecs:ListClusters',
        },
      ]);
    });

    it('reuses a complete answer within the ttl and reads again after it', async () => {
      // Arrange
      let clock = 0;
      const ecs = scanner('eu-west-1', 'ecs', []);
      const provider = inUseProvider({ scannersFor: () => [ecs] }, { ttlMs: 300_000, now: () => clock });

      // Act
      await provider.forRegion('eu-west-1');
      clock = 299_999;
      await provider.forRegion('eu-west-1');
      const withinTtl = ecs.scans;
      clock = 300_000;
      await provider.forRegion('eu-west-1');

      // Assert
      expect(withinTtl).toBe(1);
      expect(ecs.scans).toBe(2);
    });

    it('never reuses an incomplete answer under a ttl: the next lookup reads again', async () => {
      // Arrange
      const ecs = scanner('eu-west-1', 'ecs', denied('throttled for good'));
      const provider = inUseProvider({ scannersFor: () => [ecs] }, { ttlMs: 300_000, now: () => 0 });

      // Act
      await provider.forRegion('eu-west-1');
      await provider.forRegion('eu-west-1');

      // Assert
      expect(ecs.scans).toBe(2);
    });

    it('makes every region unknown when a list cannot be read or parsed, and reads the list again next time under a ttl', async () => {
      // Arrange
      const missing = list('s3://ops/in-use.txt', Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }));
      const provider = inUseProvider({ scannersFor: () => [], lists: [missing] }, { ttlMs: 60_000, now: () => 0 });

      // Act
      const eu = await provider.forRegion('eu-west-1');
      const us = await provider.forRegion('us-east-1');

      // Assert
      expect(eu.failuresIn('eu-west-1').map((f) => [f.source, f.code])).toEqual([['list', 'NoSuchKey']]);
      expect(us.failuresIn('us-east-1').map((f) => [f.source, f.code])).toEqual([['list', 'NoSuchKey']]);
      expect(missing.reads).toBe(2);
      expect(provider.errors().map((e) => [e.region, e.source])).toEqual([
        ['eu-west-1', 'list'],
        ['us-east-1', 'list'],
      ]);
    });

    it('records a malformed list as a failure rather than reading part of it', async () => {
      // Arrange
      const bad = list('s3://ops/in-use.txt', `web@${DIGEST}\nnginx:latest\n`);
      const provider = inUseProvider({ scannersFor: () => [], lists: [bad] });

      // Act
      const catalog = await provider.forRegion('eu-west-1');

      // Assert
      expect(catalog.entries()).toEqual([]);
      expect(catalog.failuresIn('eu-west-1')).toEqual([
        expect.objectContaining({ source: 'list', code: 'InvalidInputError', message: expect.stringContaining('line 2: "nginx:latest"') }),
      ]);
    });

    it('adds given entries and failures, as a snapshot recorded them', async () => {
      // Arrange
      const provider = inUseProvider({
        scannersFor: () => [],
        entries: [{ accountId: ACCOUNT, region: 'eu-west-1', repositoryName: 'web', imageDigest: DIGEST, consumer: 'lambda:api:1' }],
        failures: [{ region: 'us-east-1', source: 'lambda', code: 'AccessDeniedException', message: 'denied at capture' }],
      });

      // Act
      const eu = await provider.forRegion('eu-west-1');
      const us = await provider.forRegion('us-east-1');

      // Assert
      expect(eu.referencesOf(key('eu-west-1'))).toEqual(new Map([[DIGEST, ['lambda:api:1']]]));
      expect(eu.failuresIn('eu-west-1')).toEqual([]);
      expect(us.failuresIn('us-east-1').map((f) => f.code)).toEqual(['AccessDeniedException']);
    });
  });

  describe('collectInUse', () => {
    it('reads every region at once and returns its catalog and the errors', async () => {
      // Arrange
      const scanners = {
        'eu-west-1': scanner('eu-west-1', 'ecs', [image('eu-west-1')]),
        'us-east-1': scanner('us-east-1', 'ecs', denied('no')),
      };

      // Act
      const { catalogs, errors } = await collectInUse(['eu-west-1', 'us-east-1'], {
        scannersFor: (region) => [scanners[region as keyof typeof scanners]],
      });

      // Assert
      expect([...catalogs.keys()]).toEqual(['eu-west-1', 'us-east-1']);
      expect(catalogs.get('eu-west-1')?.referencesOf(key('eu-west-1')).size).toBe(1);
      expect(errors.map((e) => [e.region, e.source, e.code])).toEqual([['us-east-1', 'ecs', 'AccessDeniedException']]);
    });
  });
});
