import { familiesOf, shapeOfTag } from '../../../../src/domain/advice';
import type { ImageDetail } from '../../../../src/domain/image';
import { daysAgo } from '../../support/images';

function image(digest: string, tags: string[], pushedDaysAgo = 1): ImageDetail {
  return { imageDigest: `sha256:${digest.padStart(64, '0')}`, imageTags: tags, imagePushedAt: daysAgo(pushedDaysAgo) };
}

describe('shapeOfTag', () => {
  it.each([
    ['v1.2.3', 'semver', 'v'],
    ['1.2', 'semver', ''],
    ['release-2.0.1-rc.1', 'semver', 'release-'],
    ['alpine-3.20', 'semver', 'alpine-'],
    ['nightly-20261101', 'date', 'nightly-'],
    ['2026-11-01', 'date', ''],
    ['debian-bookworm-20261101', 'date', 'debian-bookworm-'],
    ['main-3f2a9c1', 'commit', 'main-'],
    ['0a1b2c3d4e5f60718293a4b5c6d7e8f901234567', 'commit', ''],
    ['pr-1234', 'pull-request', 'pr-'],
    ['MR42', 'pull-request', 'MR'],
    ['feature-login', 'branch', 'feature-'],
    ['build-4711', 'build', 'build-'],
    ['4711', 'build', ''],
    [`sha256-${'ab'.repeat(32)}.sig`, 'signature', 'sha256-'],
    ['latest', 'fixed', ''],
    ['prod', 'fixed', ''],
    ['temurin-21-jre', 'fixed', ''],
  ])('reads %s as %s with prefix "%s"', (tag, shape, prefix) => {
    expect(shapeOfTag(tag)).toEqual({ tag, shape, prefix });
  });
});

describe('familiesOf', () => {
  it('groups versions, pull requests and commits, and keeps names alone of their shape fixed', () => {
    const images = [
      image('1', ['v1.0.0'], 30),
      image('2', ['v1.1.0', 'latest'], 20),
      image('3', ['pr-7'], 3),
      image('4', ['main-abc1234'], 2),
      image('5', ['main-1234567'], 1),
      image('6', ['python-3.12'], 1),
    ];
    const found = familiesOf(images);
    expect(found.families.map((f) => [f.shape, f.kind, f.pattern, f.images])).toEqual([
      ['commit', 'ephemeral', 'main-*', 2],
      ['semver', 'release', 'v*.*', 2],
      ['pull-request', 'ephemeral', 'pr-*', 1],
    ]);
    expect(found.fixedNames).toEqual(['latest', 'python-3.12']);
  });

  it('gives no pattern to a family whose pattern would select another tag too', () => {
    const found = familiesOf([
      image('1', ['feature-a']),
      image('2', ['feature-b']),
      image('3', ['feature-1.0']),
      image('4', ['feature-2.0']),
    ]);
    // feature-*.* selects only the versions; feature-* would select them as well as the branches.
    expect(found.families.find((f) => f.shape === 'semver')?.pattern).toBe('feature-*.*');
    const branch = found.families.find((f) => f.shape === 'branch');
    expect(branch?.pattern).toBeUndefined();
    expect(branch?.unexpressible).toMatch(/feature-\* would also select the tag feature-[12]\.0/);
  });

  it('gives no pattern to bare commit hashes, which no literal prefix sets apart', () => {
    const found = familiesOf([image('1', ['abc1234']), image('2', ['def5678'])]);
    expect(found.families[0]).toMatchObject({ shape: 'commit', pattern: undefined });
  });

  it('names the signature prefixes apart from fixed names', () => {
    const found = familiesOf([image('1', [`sha256-${'cd'.repeat(32)}.sig`])]);
    expect(found).toEqual({ families: [], fixedNames: [], signaturePrefixes: ['sha256-'] });
  });
});
