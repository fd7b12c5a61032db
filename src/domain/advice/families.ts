import type { ImageDetail } from '../image';
import { tagPatternTest } from '../policy';

/** What a tag looks like: the part that changes from build to build, and what it says. */
export type TagShape =
  /** `v1.2.3`, `1.2`, `release-2.0.1-rc.1`: a version. */
  | 'semver'
  /** `nightly-20261101`, `2026-11-01`: a date. */
  | 'date'
  /** `main-3f2a9c1`, `sha-0a1b2c3d4e5f`: a commit hash. */
  | 'commit'
  /** `pr-1234`, `mr-56`: a pull (merge) request. */
  | 'pull-request'
  /** `feature-login`, `fix-typo`: a branch. */
  | 'branch'
  /** `build-4711`, `b42`: a build number. */
  | 'build'
  /** `sha256-<digest>.sig`: a signature or attestation stored under a tag (cosign's scheme). */
  | 'signature'
  /** `latest`, `stable`, `prod`, and any tag no other shape explains, or alone of its shape. */
  | 'fixed';

/** How a family is cleaned: releases by count (keep the last N), ephemeral builds by age. */
export type FamilyKind = 'release' | 'ephemeral';

/** A tag with its shape and the literal part before what changes. */
export interface ShapedTag {
  tag: string;
  shape: TagShape;
  /** The literal text before the changing part (`v`, `pr-`, `nightly-`); empty when the tag starts with it. */
  prefix: string;
}

const BRANCH_PREFIXES = /^((?:feature|feat|bugfix|fix|hotfix|chore|topic|branch|dependabot|renovate|wip|experiment|exp)[-_.])(.+)$/i;
const SIGNATURE = /^(sha256-)[0-9a-f]{64}(?:\.[A-Za-z0-9_.-]+)?$/;
const PULL_REQUEST = /^((?:pr|pull|mr|merge-request|pull-request)[-_.]?)(\d+)(?:[-_.][A-Za-z0-9_.-]*)?$/i;
// A prefix ends in something that cannot continue the changing part (so `x12` is not `x1` + `2`).
const DATE = /^((?:.*[^0-9])?)(?:19|20)\d{2}([-._]?)(?:0[1-9]|1[0-2])\2(?:0[1-9]|[12]\d|3[01])(?:[-._T][A-Za-z0-9]+)*$/;
const SEMVER = /^((?:.*[^0-9.v])?v?)\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.+-]*)?$/;
const COMMIT = /^((?:.*[^0-9a-f])?)([0-9a-f]{7,64})$/;
const BUILD = /^((?:.*[^0-9])?)\d+$/;

/**
 * The shape of one tag, tried from the most telling to the least: a signature, a pull request, a
 * date, a version, a commit hash (7 to 64 hex digits holding both digits and letters), a build
 * number, a branch; anything else is a fixed name.
 *
 * @example shapeOfTag('pr-1234') // { tag: 'pr-1234', shape: 'pull-request', prefix: 'pr-' }
 */
export function shapeOfTag(tag: string): ShapedTag {
  const shaped = (shape: TagShape, prefix: string): ShapedTag => ({ tag, shape, prefix });
  let m = SIGNATURE.exec(tag);
  if (m) return shaped('signature', m[1] ?? '');
  m = PULL_REQUEST.exec(tag);
  if (m) return shaped('pull-request', m[1] ?? '');
  m = DATE.exec(tag);
  if (m) return shaped('date', m[1] ?? '');
  m = SEMVER.exec(tag);
  if (m) return shaped('semver', m[1] ?? '');
  m = COMMIT.exec(tag);
  if (m && /\d/.test(m[2] ?? '') && /[a-f]/.test(m[2] ?? '')) return shaped('commit', m[1] ?? '');
  m = BUILD.exec(tag);
  if (m) return shaped('build', m[1] ?? '');
  m = BRANCH_PREFIXES.exec(tag);
  if (m) return shaped('branch', m[1] ?? '');
  return shaped('fixed', '');
}

/** Releases are kept by count; every other changing shape is an ephemeral build, expired by age. */
export function kindOfShape(shape: TagShape): FamilyKind | undefined {
  if (shape === 'semver' || shape === 'build') return 'release';
  if (shape === 'date' || shape === 'commit' || shape === 'pull-request' || shape === 'branch') return 'ephemeral';
  return undefined;
}

/**
 * The tag pattern that selects a family: its prefix and a wildcard for what changes, a version
 * keeping its dot (`v*.*`, `*.*`), a date without prefix its century (`20*`). Undefined when nothing
 * literal would be left (a bare commit hash or build number): a pattern of `*` alone would select
 * every tagged image.
 */
export function familyPattern(shape: TagShape, prefix: string, tags: readonly string[]): string | undefined {
  if (shape === 'semver') return `${prefix}*.*`;
  if (prefix !== '') return `${prefix}*`;
  if (shape === 'date') {
    const century = tags[0]?.slice(0, 2);
    return century !== undefined && tags.every((t) => t.startsWith(century)) ? `${century}*` : undefined;
  }
  return undefined;
}

/** Tags of one shape and prefix (releases: found on at least two images): what one rule can clean. */
export interface TagFamily {
  shape: TagShape;
  kind: FamilyKind;
  prefix: string;
  /** The rule's `tagPatternList` entry; undefined when no pattern selects this family alone (see `unexpressible`). */
  pattern: string | undefined;
  /** Why the family gets no rule, when it gets none: its images are kept as they are. */
  unexpressible?: string;
  /** The family's distinct tags. */
  tags: number;
  /** Images carrying one of its tags. */
  images: number;
  /** Up to three of its tags, newest first, for messages. */
  examples: string[];
}

/** What {@link familiesOf} finds in a repository. */
export interface RepositoryTags {
  families: TagFamily[];
  /** Tags that no family explains (`latest`, `prod`, a version alone of its kind): never expired. */
  fixedNames: string[];
  /** Prefixes of signature tags (`sha256-`), which go with their subject and are never expired either. */
  signaturePrefixes: string[];
}

/**
 * Groups the tags of a repository's images into families by shape and prefix. A release family
 * needs at least two images: a version alone of its prefix is a fixed name (`python-3.12`).
 * A family whose pattern would also select a tag of another family (or a fixed name) is kept but
 * marked unexpressible: no rule of its own could tell its images apart.
 *
 * @example familiesOf(state.images).families.map((f) => f.pattern) // ['v*.*', 'pr-*']
 */
export function familiesOf(images: readonly ImageDetail[]): RepositoryTags {
  const groups = new Map<
    string,
    { shape: TagShape; prefix: string; tags: Set<string>; images: Set<string>; newest: Array<[number, string]> }
  >();
  const shapeOf = new Map<string, ShapedTag>();
  for (const image of images) {
    const pushed = Date.parse(String(image.imagePushedAt ?? '')) || 0;
    for (const tag of image.imageTags ?? []) {
      let shaped = shapeOf.get(tag);
      if (shaped === undefined) {
        shaped = shapeOfTag(tag);
        shapeOf.set(tag, shaped);
      }
      const key = `${shaped.shape}\u0000${shaped.prefix}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { shape: shaped.shape, prefix: shaped.prefix, tags: new Set(), images: new Set(), newest: [] };
        groups.set(key, group);
      }
      group.tags.add(tag);
      group.images.add(image.imageDigest);
      group.newest.push([pushed, tag]);
    }
  }
  // A commit hash that happens to hold only digits reads as a build number: one family with its kind.
  for (const [key, group] of groups) {
    if (group.shape !== 'build') continue;
    const commits = groups.get(`commit\u0000${group.prefix}`);
    if (commits === undefined || ![...group.tags].every((t) => /^\d{7,64}$/.test(t.slice(group.prefix.length)))) continue;
    for (const tag of group.tags) commits.tags.add(tag);
    for (const digest of group.images) commits.images.add(digest);
    commits.newest.push(...group.newest);
    groups.delete(key);
  }
  const fixedNames: string[] = [];
  const signaturePrefixes: string[] = [];
  const candidates: Array<Omit<TagFamily, 'pattern' | 'unexpressible'> & { members: Set<string>; pattern: string | undefined }> = [];
  for (const group of groups.values()) {
    const kind = kindOfShape(group.shape);
    if (group.shape === 'signature') {
      signaturePrefixes.push(group.prefix);
      continue;
    }
    // A version alone of its kind names a variant (`python-3.12`): a fixed name. A lone pull request is still one.
    if (kind === undefined || (kind === 'release' && group.images.size < 2)) {
      fixedNames.push(...group.tags);
      continue;
    }
    const examples = [...new Set(group.newest.sort((a, b) => b[0] - a[0]).map(([, tag]) => tag))].slice(0, 3);
    candidates.push({
      shape: group.shape,
      kind,
      prefix: group.prefix,
      pattern: familyPattern(group.shape, group.prefix, [...group.tags]),
      tags: group.tags.size,
      images: group.images.size,
      examples,
      members: group.tags,
    });
  }
  const allTags = [...shapeOf.keys()];
  const families: TagFamily[] = candidates.map(({ members, pattern, ...family }) => {
    if (pattern === undefined) {
      return { ...family, pattern, unexpressible: `no tag pattern selects ${family.shape} tags without a prefix alone` };
    }
    const test = tagPatternTest(pattern);
    const stranger = allTags.find((tag) => test(tag) && !members.has(tag));
    return stranger === undefined
      ? { ...family, pattern }
      : {
          ...family,
          pattern: undefined,
          unexpressible: `the pattern ${pattern} would also select the tag ${stranger}, which is not one of its ${family.shape} tags`,
        };
  });
  families.sort((a, b) => b.images - a.images || (a.pattern ?? '').localeCompare(b.pattern ?? ''));
  return { families, fixedNames: fixedNames.sort(), signaturePrefixes: signaturePrefixes.sort() };
}
