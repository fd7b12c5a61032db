import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SnapshotFile } from '../../../../src/adapters/snapshot/format';
import { SNAPSHOT_FORMAT } from '../../../../src/adapters/snapshot/format';
import { parseSnapshot } from '../../../../src/adapters/snapshot/schema';
import { SnapshotRegistry } from '../../../../src/adapters/snapshot/snapshot-registry';
import { SnapshotFileWriter, snapshotChunks, snapshotFileOf, writeSnapshotFile } from '../../../../src/adapters/snapshot/snapshot-writer';
import type { RepositoryState } from '../../../../src/domain/registry';
import type { RegistrySnapshot } from '../../../../src/ports/snapshot';
import { expectEscapedJson, HOSTILE } from '../../../support/hostile-text';
import { imageOf } from '../../support/images';
import { blob, imageManifest } from '../../support/manifests';
import { TAGGED_ONLY } from '../../support/policies';

type SnapshotRepository = SnapshotFile['registries'][number]['repositories'][number];

function repository(name: string, region = 'eu-west-1'): SnapshotRepository {
  const manifest = imageManifest({
    config: blob(`${name}-config`, 1_000),
    layers: [blob('base "quoted" \u2603', 50_000), blob(`${name}-code`, 9_000)],
  });
  return {
    repositoryName: name,
    repositoryArn: `arn:aws:ecr:${region}:111122223333:repository/${name}`,
    createdAt: null,
    tags: [{ Key: 'team', Value: 'a\nb' }],
    lifecyclePolicyText: TAGGED_ONLY,
    images: [imageOf(manifest, { tags: ['v1'] })],
  };
}

/** A snapshot built the way `ecr-janitor snapshot` builds it. */
function snapshot(registries: Array<{ region: string; names: string[] }>): SnapshotFile {
  return {
    format: SNAPSHOT_FORMAT,
    capturedAt: '2026-06-01T12:00:00.000Z',
    registries: registries.map(({ region, names }) => ({
      accountId: names.length > 0 ? '111122223333' : '',
      region,
      repositories: names.map((n) => repository(n, region)),
    })),
  };
}

describe('snapshot writer', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ecr-janitor-snapshot-writer-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('snapshotChunks', () => {
    it.each([
      {
        name: 'two regions',
        registries: [
          { region: 'eu-west-1', names: ['team/app', 'bare'] },
          { region: 'us-east-1', names: ['other'] },
        ],
      },
      { name: 'one region without repositories', registries: [{ region: 'eu-west-1', names: [] }] },
      { name: 'no region', registries: [] },
    ])('gives exactly JSON.stringify of the snapshot and a newline for $name', ({ registries }) => {
      // Arrange
      const file = snapshot(registries);

      // Act
      const text = [...snapshotChunks(file)].join('');

      // Assert
      expect(text).toBe(`${JSON.stringify(file)}\n`);
    });

    it('stringifies one repository at a time, never two in one chunk', () => {
      // Arrange
      const file = snapshot([{ region: 'eu-west-1', names: ['a', 'b', 'c'] }]);

      // Act
      const chunks = [...snapshotChunks(file)];

      // Assert
      for (const chunk of chunks) expect(chunk.match(/"repositoryName":/g)?.length ?? 0).toBeLessThanOrEqual(1);
      expect(chunks.filter((c) => c.includes('"repositoryName":'))).toHaveLength(3);
    });
  });

  describe('snapshotFileOf', () => {
    /** `repository(name)` as a capture reads it. */
    function state(name: string, createdAt?: string): RepositoryState {
      const { createdAt: _none, ...file } = repository(name);
      return { accountId: '111122223333', region: 'eu-west-1', ...file, ...(createdAt === undefined ? {} : { createdAt }) };
    }

    it('gives the file format: the time as ISO-8601, each repository with the fields the file keeps, a missing creation time as null', () => {
      // Arrange
      const captured: RegistrySnapshot = {
        capturedAt: Date.parse('2026-06-01T12:00:00.000Z'),
        errors: [{ region: 'eu-west-1', repositoryName: 'gone', code: 'AccessDeniedException', message: 'denied' }],
        registries: [
          { accountId: '111122223333', region: 'eu-west-1', repositories: [state('team/app'), state('bare', '2025-01-01T00:00:00.000Z')] },
        ],
      };

      // Act
      const file = snapshotFileOf(captured);

      // Assert
      expect(file).toEqual({
        ...snapshot([{ region: 'eu-west-1', names: ['team/app', 'bare'] }]),
        errors: captured.errors,
        registries: [
          {
            accountId: '111122223333',
            region: 'eu-west-1',
            repositories: [repository('team/app'), { ...repository('bare'), createdAt: '2025-01-01T00:00:00.000Z' }],
          },
        ],
      });
      expect(Object.keys(file.registries[0]?.repositories[0] ?? {})).toEqual([
        'repositoryName',
        'repositoryArn',
        'createdAt',
        'tags',
        'lifecyclePolicyText',
        'images',
      ]);
    });

    it('keeps the in-use record of a registry that has one, its failures and warnings only when there are some, and the arrays last', () => {
      // Arrange
      const inUse = { repositoryName: 'bare', imageDigest: `sha256:${'a'.repeat(64)}`, consumer: 'lambda:api:1' };
      const captured: RegistrySnapshot = {
        capturedAt: Date.parse('2026-06-01T12:00:00.000Z'),
        errors: [],
        registries: [
          {
            accountId: '111122223333',
            region: 'eu-west-1',
            repositories: [state('bare')],
            inUse: { images: [inUse], failures: [], warnings: [] },
          },
          {
            accountId: '',
            region: 'us-east-1',
            repositories: [],
            inUse: {
              images: [],
              failures: [{ source: 'ecs', code: 'AccessDeniedException', message: 'denied' }],
              warnings: [{ source: 'ecs', code: 'InUseReferenceUnresolved', message: 'chosen at run time' }],
            },
          },
          { accountId: '', region: 'ap-south-1', repositories: [] },
        ],
      };

      // Act
      const file = snapshotFileOf(captured);

      // Assert
      expect(file.registries.map((r) => Object.keys(r))).toEqual([
        ['accountId', 'region', 'inUse', 'repositories'],
        ['accountId', 'region', 'inUse', 'inUseErrors', 'inUseWarnings', 'repositories'],
        ['accountId', 'region', 'repositories'],
      ]);
      expect(file.registries[0]?.inUse).toEqual([inUse]);
      expect(file.registries[1]?.inUseErrors).toEqual([{ source: 'ecs', code: 'AccessDeniedException', message: 'denied' }]);
      expect(file.registries[1]?.inUseWarnings).toEqual([
        { source: 'ecs', code: 'InUseReferenceUnresolved', message: 'chosen at run time' },
      ]);
      expect([...snapshotChunks(file)].join('')).toBe(`${JSON.stringify(file)}\n`);
    });
  });

  describe('SnapshotFileWriter', () => {
    it('writes a file that a snapshot registry reads back: the repositories listed, the failed in-use source kept apart', async () => {
      // Arrange
      const path = join(dir, 'account.json');
      const { createdAt: _none, ...bare } = repository('bare');
      const captured: RegistrySnapshot = {
        capturedAt: Date.parse('2026-06-01T12:00:00.000Z'),
        errors: [],
        registries: [
          {
            accountId: '111122223333',
            region: 'eu-west-1',
            repositories: [{ accountId: '111122223333', region: 'eu-west-1', ...bare }],
            inUse: { images: [], failures: [{ source: 'lambda', code: 'AccessDeniedException', message: 'denied' }], warnings: [] },
          },
        ],
      };

      // Act
      await new SnapshotFileWriter(path).write(captured);

      // Assert
      const file = parseSnapshot(JSON.parse(readFileSync(path, 'utf8')), path);
      const [reader] = SnapshotRegistry.fromSnapshot(file);
      expect((await reader?.listRepositories())?.map((r) => r.repositoryName)).toEqual(['bare']);
      expect(file.registries[0]?.inUseErrors).toEqual([{ source: 'lambda', code: 'AccessDeniedException', message: 'denied' }]);
      expect(readdirSync(dir)).toEqual(['account.json']);
    });
  });

  describe('writeSnapshotFile', () => {
    it('writes a file that parses back to the snapshot and leaves no temporary file', async () => {
      // Arrange
      const file = snapshot([
        { region: 'eu-west-1', names: ['team/app', 'bare'] },
        { region: 'us-east-1', names: ['other'] },
      ]);
      const path = join(dir, 'account.json');

      // Act
      await writeSnapshotFile(path, file);

      // Assert
      const text = readFileSync(path, 'utf8');
      expect(text).toBe(`${JSON.stringify(file)}\n`);
      expect(parseSnapshot(JSON.parse(text), path)).toEqual(file);
      expect(readdirSync(dir)).toEqual(['account.json']);
    });

    it('writes control and bidirectional characters as JSON escapes, and the file parses back to the same snapshot', async () => {
      // Arrange: a repository name, a tag and a policy description that would reorder or drive a terminal
      const file = snapshot([{ region: 'eu-west-1', names: [`team/${HOSTILE}`] }]);
      const [hostile] = file.registries[0]?.repositories ?? [];
      if (hostile === undefined) throw new Error('the snapshot has no repository');
      hostile.tags = [{ Key: 'team', Value: HOSTILE }];
      hostile.lifecyclePolicyText = JSON.stringify({ rules: [{ ...JSON.parse(TAGGED_ONLY).rules[0], description: HOSTILE }] });
      const path = join(dir, 'account.json');

      // Act
      await writeSnapshotFile(path, file);

      // Assert
      const text = readFileSync(path, 'utf8');
      expectEscapedJson(text, file);
      expect(parseSnapshot(JSON.parse(text), path)).toEqual(file);
    });

    it('replaces an existing file whole', async () => {
      // Arrange
      const path = join(dir, 'account.json');
      writeFileSync(path, 'x'.repeat(100_000));
      const file = snapshot([{ region: 'eu-west-1', names: ['a'] }]);

      // Act
      await writeSnapshotFile(path, file);

      // Assert
      expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(file)}\n`);
    });

    it('rejects and leaves no temporary file when the directory does not exist', async () => {
      // Arrange
      const path = join(dir, 'missing-dir', 'account.json');

      // Act
      const act = writeSnapshotFile(path, snapshot([{ region: 'eu-west-1', names: ['a'] }]));

      // Assert
      await expect(act).rejects.toMatchObject({ code: 'ENOENT' });
      expect(readdirSync(dir)).toEqual([]);
    });

    it('leaves the previous file as it was when the temporary file cannot be written', async () => {
      // Arrange
      const path = join(dir, 'account.json');
      writeFileSync(path, 'previous');
      mkdirSync(`${path}.tmp`);

      // Act
      const act = writeSnapshotFile(path, snapshot([{ region: 'eu-west-1', names: ['a'] }]));

      // Assert
      await expect(act).rejects.toMatchObject({ code: 'EISDIR' });
      expect(readFileSync(path, 'utf8')).toBe('previous');
    });
  });
});
