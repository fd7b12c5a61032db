/**
 * Writes `demo/snapshot.json`: a deterministic, realistic ECR snapshot (format `ecr-janitor-snapshot/1`)
 * for demos, documentation and tests. Same seed, same bytes: no clock, no Math.random.
 *
 * What it models: two regions, 40 repositories, a few thousand images with shared base layers,
 * moving tags that orphan the previous image, multi-arch OCI indexes with buildx attestation
 * children, cosign-style signatures and SBOMs as OCI referrers, archived releases, pull times and
 * a spread of lifecycle policies (none, tagged-only, proper, `any`, archive transition, opted out).
 * Repositories carry `team` and `cost-center` tags (one carries neither), and several hold releases
 * nobody has pulled for months, so the cost-by-owner and archive sections have real numbers.
 *
 * Run:
 *   npx esbuild scripts/make-demo-snapshot.ts --bundle --platform=node --format=cjs --outfile=/tmp/mk.js && node /tmp/mk.js [out-file]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ImageDetail } from '../src/domain/image';
import { parseManifest } from '../src/domain/image';
import { formatProblem, parsePolicy } from '../src/domain/policy';
import type { Tag } from '../src/domain/registry';
import type { SnapshotFile } from '../src/adapters/snapshot/format';
import { MEDIA_TYPES as MT } from './emulator/media-types';

/** The time the snapshot claims to be captured at; every event happens before it. */
export const DEMO_BASE_TIME = '2026-11-01T00:00:00.000Z';
const NOW = Date.parse(DEMO_BASE_TIME);
const DAY = 86_400_000;
const HOUR = 3_600_000;
const ACCOUNT_ID = '123456789012';
const SEED = 20_261_101;

// ---------------------------------------------------------------------------------------------
// Determinism helpers

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A 32-bit integer derived from a string, for per-repository seeds and stable "content" sizes. */
function hashInt(text: string): number {
  return Number.parseInt(sha256(text).slice(0, 8), 16);
}

/** Seeded PRNG (mulberry32): small, fast and good enough for demo data. */
class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  float(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.float() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  hex(length: number): string {
    let s = '';
    while (s.length < length)
      s += Math.floor(this.float() * 0x1_0000_0000)
        .toString(16)
        .padStart(8, '0');
    return s.slice(0, length);
  }

  /** Log-uniform integer in [min, max]: sizes spread across orders of magnitude. */
  size(min: number, max: number): number {
    return Math.round(Math.exp(Math.log(min) + this.float() * (Math.log(max) - Math.log(min))));
  }

  base64(length: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.float() * 64)] ?? 'A';
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// Blobs and base images

interface Blob {
  digest: string;
  size: number;
}

type Arch = 'amd64' | 'arm64';

type BaseName = 'debian-slim' | 'alpine' | 'distroless' | 'node' | 'python' | 'temurin' | 'nginx' | 'cuda' | 'ci-ubuntu';

/** Compressed layer sizes of each base image, and how often its maintainers rebuild it. */
const BASES: Record<BaseName, { layers: number[]; everyDays: number }> = {
  'debian-slim': { layers: [29_153_441], everyDays: 28 },
  alpine: { layers: [3_623_807], everyDays: 56 },
  distroless: { layers: [103_732, 21_202, 716_491, 317, 198, 113, 385, 355], everyDays: 42 },
  node: { layers: [29_153_441, 3_312, 49_571_114, 1_710_358, 450], everyDays: 21 },
  python: { layers: [29_153_441, 3_508_874, 12_583_930, 249, 2_981], everyDays: 28 },
  temurin: { layers: [29_537_120, 17_934_563, 51_870_112, 158, 2_282], everyDays: 35 },
  nginx: { layers: [3_623_807, 1_791_220, 628, 955, 402, 1_210, 1_398, 15_305_112], everyDays: 30 },
  cuda: { layers: [29_537_120, 4_541_830, 56_233_011, 186, 6_884, 412_664_320, 288_931_004], everyDays: 60 },
  'ci-ubuntu': { layers: [29_537_120, 183_904_221, 96_412_870, 24_310], everyDays: 14 },
};

const baseCache = new Map<string, Blob[]>();

/**
 * The layers of `base` for `arch` as published at `time`. The digests depend only on (base, arch,
 * rebuild), so every repository built on the same base version shares the same blobs.
 */
function baseLayers(base: BaseName, arch: Arch, time: number): Blob[] {
  const spec = BASES[base];
  const version = Math.floor(time / (spec.everyDays * DAY));
  const key = `${base}/${arch}/${version}`;
  const cached = baseCache.get(key);
  if (cached) return cached;
  const layers = spec.layers.map((size, i) => {
    const id = `${key}/${i}`;
    // Rebuilds and architectures differ by a few percent, like real distro layers do.
    const jitter = 0.96 + (hashInt(`size ${id}`) % 8000) / 100_000;
    const archFactor = arch === 'arm64' ? 0.94 : 1;
    return { digest: `sha256:${sha256(`layer ${id}`)}`, size: Math.max(32, Math.round(size * jitter * archFactor)) };
  });
  baseCache.set(key, layers);
  return layers;
}

// ---------------------------------------------------------------------------------------------
// Manifests

/** One image as the snapshot stores it. */
type SnapshotImage = ImageDetail & { imageManifest: string };

interface Built {
  image: SnapshotImage;
  /** Byte length of the manifest, for descriptors that point at it. */
  manifestSize: number;
}

function descriptor(mediaType: string, blob: Blob, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { mediaType, size: blob.size, digest: blob.digest, ...extra };
}

function imageFrom(manifest: Record<string, unknown>, mediaType: string, size: number, pushedAt: number, artifactMediaType: string): Built {
  const text = JSON.stringify(manifest);
  return {
    manifestSize: Buffer.byteLength(text, 'utf8'),
    image: {
      imageDigest: `sha256:${sha256(text)}`,
      imageSizeInBytes: size,
      imagePushedAt: new Date(pushedAt).toISOString(),
      imageManifestMediaType: mediaType,
      artifactMediaType,
      imageStatus: 'ACTIVE',
      imageManifest: text,
    },
  };
}

/** A single-platform image manifest (Docker v2 or OCI) over `config` and `layers`. */
function imageManifest(format: 'docker' | 'oci', config: Blob, layers: readonly Blob[], pushedAt: number): Built {
  const size = config.size + layers.reduce((sum, l) => sum + l.size, 0);
  if (format === 'docker') {
    const manifest = {
      schemaVersion: 2,
      mediaType: MT.dockerManifest,
      config: descriptor(MT.dockerConfig, config),
      layers: layers.map((l) => descriptor(MT.dockerLayer, l)),
    };
    return imageFrom(manifest, MT.dockerManifest, size, pushedAt, MT.dockerConfig);
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: descriptor(MT.ociConfig, config),
    layers: layers.map((l) => descriptor(MT.ociLayer, l)),
  };
  return imageFrom(manifest, MT.ociManifest, size, pushedAt, MT.ociConfig);
}

/** A buildx provenance attestation manifest for the platform image `subject`. */
function attestationManifest(rng: Random, pushedAt: number): Built {
  const config = { digest: `sha256:${rng.hex(64)}`, size: rng.int(230, 260) };
  const provenance = { digest: `sha256:${rng.hex(64)}`, size: rng.size(1_200, 9_000) };
  const manifest = {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: descriptor(MT.ociConfig, config),
    layers: [descriptor(MT.inToto, provenance, { annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } })],
  };
  return imageFrom(manifest, MT.ociManifest, config.size + provenance.size, pushedAt, MT.ociConfig);
}

/** An OCI image index over platform images (and their attestations, when given). */
function indexManifest(
  children: ReadonlyArray<{ built: Built; arch: Arch }>,
  attestations: ReadonlyArray<{ built: Built; of: Built }>,
  pushedAt: number,
): Built {
  const manifests: Array<Record<string, unknown>> = children.map(({ built, arch }) => ({
    mediaType: built.image.imageManifestMediaType,
    digest: built.image.imageDigest,
    size: built.manifestSize,
    platform: arch === 'arm64' ? { architecture: 'arm64', os: 'linux', variant: 'v8' } : { architecture: 'amd64', os: 'linux' },
  }));
  for (const { built, of } of attestations) {
    manifests.push({
      mediaType: MT.ociManifest,
      digest: built.image.imageDigest,
      size: built.manifestSize,
      annotations: { 'vnd.docker.reference.digest': of.image.imageDigest, 'vnd.docker.reference.type': 'attestation-manifest' },
      platform: { architecture: 'unknown', os: 'unknown' },
    });
  }
  // ECR reports an index's size as its largest child's.
  const size = Math.max(...children.map(({ built }) => built.image.imageSizeInBytes ?? 0));
  return imageFrom({ schemaVersion: 2, mediaType: MT.ociIndex, manifests }, MT.ociIndex, size, pushedAt, MT.ociConfig);
}

/** A cosign-style signature or an SBOM stored as an OCI 1.1 referrer of `subject`. */
function referrer(rng: Random, kind: 'signature' | 'sbom', subject: Built, pushedAt: number): Built {
  const empty = { digest: `sha256:${sha256('{}')}`, size: 2 };
  const artifactType = kind === 'signature' ? MT.cosignSignature : MT.spdx;
  const layer =
    kind === 'signature'
      ? descriptor(
          MT.cosignSimpleSigning,
          { digest: `sha256:${rng.hex(64)}`, size: rng.int(230, 260) },
          {
            annotations: { 'dev.cosignproject.cosign/signature': `MEUCIQ${rng.base64(90)}` },
          },
        )
      : descriptor(MT.spdx, { digest: `sha256:${rng.hex(64)}`, size: rng.size(60_000, 900_000) });
  const manifest = {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    artifactType,
    config: descriptor(MT.ociEmpty, empty),
    layers: [layer],
    subject: { mediaType: subject.image.imageManifestMediaType, digest: subject.image.imageDigest, size: subject.manifestSize },
    annotations: { 'org.opencontainers.image.created': new Date(pushedAt).toISOString() },
  };
  const built = imageFrom(manifest, MT.ociManifest, empty.size + (layer.size as number), pushedAt, artifactType);
  built.image.subjectManifestDigest = subject.image.imageDigest;
  return built;
}

// ---------------------------------------------------------------------------------------------
// Lifecycle policies

type PolicyKind = 'none' | 'tagged-only' | 'proper' | 'any' | 'archive';

interface Rule {
  rulePriority: number;
  description: string;
  selection: Record<string, unknown>;
  action: Record<string, unknown>;
}

const untaggedRule = (priority: number, days: number): Rule => ({
  rulePriority: priority,
  description: `Expire untagged images older than ${days} days`,
  selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
  action: { type: 'expire' },
});

const keepRule = (priority: number, list: 'tagPrefixList' | 'tagPatternList', entries: string[], count: number): Rule => ({
  rulePriority: priority,
  description: `Keep the ${count} most recent images tagged ${entries.join(', ')}`,
  selection: { tagStatus: 'tagged', [list]: entries, countType: 'imageCountMoreThan', countNumber: count },
  action: { type: 'expire' },
});

const ageRule = (priority: number, list: 'tagPrefixList' | 'tagPatternList', entries: string[], days: number): Rule => ({
  rulePriority: priority,
  description: `Expire images tagged ${entries.join(', ')} after ${days} days`,
  selection: { tagStatus: 'tagged', [list]: entries, countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
  action: { type: 'expire' },
});

const anyRule = (priority: number, selection: Record<string, unknown>, description: string): Rule => ({
  rulePriority: priority,
  description,
  selection: { tagStatus: 'any', ...selection },
  action: { type: 'expire' },
});

function policyText(rules: Rule[]): string {
  return JSON.stringify({ rules });
}

// ---------------------------------------------------------------------------------------------
// Repositories

type Tagging = 'latest-only' | 'sha+latest' | 'semver' | 'env' | 'variants' | 'mirror';

interface RepoSpec {
  region: 'us-east-1' | 'eu-west-1';
  name: string;
  team: string;
  base: BaseName;
  tagging: Tagging;
  builds: number;
  /** Days before the base time of the first and the last push. */
  firstDaysAgo: number;
  lastDaysAgo?: number;
  format?: 'docker' | 'oci';
  multiArch?: boolean;
  attest?: boolean;
  sign?: boolean;
  sbom?: boolean;
  /** Size range of the dependency layers, rebuilt every few builds. */
  deps: [number, number];
  /** Size range of the application layer, new on every build. */
  app: [number, number];
  pulls?: boolean;
  archive?: 'policy' | 'manual';
  optOut?: boolean;
  /** Nobody claimed it: no `team` or `cost-center` tag (the report groups it as `(untagged)`). */
  unclaimed?: boolean;
  policy: PolicyKind;
  rules?: Rule[];
}

const KB = 1_000;
const MB = 1_000_000;

const REPOS: RepoSpec[] = [
  // us-east-1
  {
    region: 'us-east-1',
    name: 'team-a/web-api',
    team: 'team-a',
    base: 'node',
    tagging: 'sha+latest',
    builds: 66,
    firstDaysAgo: 420,
    deps: [40 * MB, 120 * MB],
    app: [300 * KB, 6 * MB],
    pulls: true,
    policy: 'none',
  },
  {
    region: 'us-east-1',
    name: 'team-a/worker',
    team: 'team-a',
    base: 'node',
    tagging: 'latest-only',
    builds: 51,
    firstDaysAgo: 380,
    deps: [30 * MB, 90 * MB],
    app: [200 * KB, 3 * MB],
    pulls: true,
    policy: 'none',
  },
  {
    region: 'us-east-1',
    name: 'team-a/frontend',
    team: 'team-a',
    base: 'nginx',
    tagging: 'sha+latest',
    builds: 32,
    firstDaysAgo: 300,
    format: 'oci',
    multiArch: true,
    deps: [2 * MB, 8 * MB],
    app: [1 * MB, 14 * MB],
    pulls: true,
    policy: 'proper',
    rules: [untaggedRule(1, 14), ageRule(2, 'tagPatternList', ['pr-*'], 30), keepRule(3, 'tagPrefixList', ['main-'], 25)],
  },
  {
    region: 'us-east-1',
    name: 'team-b/payments-api',
    team: 'team-b',
    base: 'temurin',
    tagging: 'semver',
    builds: 36,
    firstDaysAgo: 400,
    format: 'oci',
    sign: true,
    sbom: true,
    deps: [20 * MB, 45 * MB],
    app: [38 * MB, 64 * MB],
    pulls: true,
    policy: 'proper',
    rules: [untaggedRule(1, 14), keepRule(2, 'tagPrefixList', ['v'], 30)],
  },
  {
    region: 'us-east-1',
    name: 'team-b/ledger',
    team: 'team-b',
    base: 'temurin',
    tagging: 'semver',
    builds: 24,
    firstDaysAgo: 500,
    deps: [20 * MB, 40 * MB],
    app: [42 * MB, 71 * MB],
    pulls: true,
    policy: 'tagged-only',
    rules: [keepRule(1, 'tagPrefixList', ['v'], 25)],
  },
  {
    region: 'us-east-1',
    name: 'team-b/notifications',
    team: 'team-b',
    base: 'node',
    tagging: 'latest-only',
    builds: 36,
    firstDaysAgo: 260,
    deps: [25 * MB, 60 * MB],
    app: [100 * KB, 2 * MB],
    pulls: true,
    policy: 'none',
  },
  {
    region: 'us-east-1',
    name: 'platform/base-images',
    team: 'platform',
    base: 'debian-slim',
    tagging: 'variants',
    builds: 40,
    firstDaysAgo: 360,
    format: 'oci',
    multiArch: true,
    sign: true,
    deps: [200 * KB, 2 * MB],
    app: [2 * KB, 40 * KB],
    pulls: true,
    policy: 'proper',
    rules: [untaggedRule(1, 30), ageRule(2, 'tagPatternList', ['*-20??????'], 180)],
  },
  {
    region: 'us-east-1',
    name: 'platform/nginx-ingress',
    team: 'platform',
    base: 'distroless',
    tagging: 'mirror',
    builds: 16,
    firstDaysAgo: 540,
    format: 'oci',
    multiArch: true,
    attest: true,
    deps: [8 * MB, 16 * MB],
    app: [12 * MB, 24 * MB],
    pulls: true,
    optOut: true,
    policy: 'none',
  },
  {
    region: 'us-east-1',
    name: 'platform/otel-collector',
    team: 'platform',
    base: 'distroless',
    tagging: 'semver',
    builds: 20,
    firstDaysAgo: 330,
    format: 'oci',
    multiArch: true,
    deps: [1 * MB, 3 * MB],
    app: [48 * MB, 62 * MB],
    pulls: true,
    policy: 'tagged-only',
    rules: [keepRule(1, 'tagPatternList', ['v*'], 15)],
  },
  {
    region: 'us-east-1',
    name: 'platform/ci-runner',
    team: 'platform',
    base: 'ci-ubuntu',
    tagging: 'latest-only',
    builds: 42,
    firstDaysAgo: 350,
    deps: [120 * MB, 380 * MB],
    app: [3 * MB, 30 * MB],
    policy: 'none',
  },
  {
    region: 'us-east-1',
    name: 'data/etl-jobs',
    team: 'data',
    base: 'python',
    tagging: 'sha+latest',
    builds: 63,
    firstDaysAgo: 450,
    deps: [60 * MB, 240 * MB],
    app: [40 * KB, 2 * MB],
    pulls: true,
    policy: 'none',
  },
  {
    region: 'us-east-1',
    name: 'data/spark-runner',
    team: 'data',
    base: 'temurin',
    tagging: 'semver',
    builds: 27,
    firstDaysAgo: 640,
    deps: [210 * MB, 320 * MB],
    app: [5 * MB, 20 * MB],
    pulls: true,
    archive: 'policy',
    policy: 'archive',
  },
  {
    region: 'us-east-1',
    name: 'data/airflow',
    team: 'data',
    base: 'python',
    tagging: 'env',
    builds: 42,
    firstDaysAgo: 400,
    deps: [150 * MB, 310 * MB],
    app: [500 * KB, 8 * MB],
    pulls: true,
    policy: 'any',
    rules: [
      keepRule(1, 'tagPrefixList', ['prod'], 3),
      anyRule(2, { countType: 'imageCountMoreThan', countNumber: 100 }, 'Keep at most 100 images of any kind'),
    ],
  },
  {
    region: 'us-east-1',
    name: 'data/dbt-models',
    team: 'data',
    base: 'python',
    tagging: 'latest-only',
    builds: 36,
    firstDaysAgo: 280,
    deps: [40 * MB, 90 * MB],
    app: [20 * KB, 900 * KB],
    pulls: true,
    policy: 'proper',
    rules: [untaggedRule(1, 7), keepRule(2, 'tagPrefixList', ['latest'], 1)],
  },
  {
    region: 'us-east-1',
    name: 'ml/training',
    team: 'ml',
    base: 'cuda',
    tagging: 'sha+latest',
    builds: 23,
    firstDaysAgo: 300,
    deps: [350 * MB, 650 * MB],
    app: [1 * MB, 15 * MB],
    policy: 'none',
  },
  {
    region: 'us-east-1',
    name: 'ml/inference-server',
    team: 'ml',
    base: 'cuda',
    tagging: 'semver',
    builds: 24,
    firstDaysAgo: 260,
    format: 'oci',
    sign: true,
    sbom: true,
    deps: [180 * MB, 290 * MB],
    app: [2 * MB, 9 * MB],
    pulls: true,
    policy: 'proper',
    rules: [untaggedRule(1, 10), keepRule(2, 'tagPatternList', ['v*'], 12)],
  },
  {
    region: 'us-east-1',
    name: 'ml/feature-store',
    team: 'ml',
    base: 'python',
    tagging: 'sha+latest',
    builds: 30,
    firstDaysAgo: 310,
    deps: [80 * MB, 160 * MB],
    app: [100 * KB, 3 * MB],
    pulls: true,
    policy: 'tagged-only',
    rules: [ageRule(1, 'tagPatternList', ['pr-*'], 14), ageRule(2, 'tagPatternList', ['main-*'], 60)],
  },
  {
    region: 'us-east-1',
    name: 'security/scanner',
    team: 'security',
    base: 'alpine',
    tagging: 'semver',
    builds: 20,
    firstDaysAgo: 330,
    format: 'oci',
    multiArch: true,
    sign: true,
    deps: [30 * MB, 70 * MB],
    app: [15 * MB, 35 * MB],
    pulls: true,
    policy: 'proper',
    rules: [untaggedRule(1, 14), keepRule(2, 'tagPrefixList', ['v'], 20)],
  },
  {
    region: 'us-east-1',
    name: 'legacy/monolith',
    team: 'legacy',
    base: 'temurin',
    tagging: 'semver',
    builds: 36,
    firstDaysAgo: 900,
    lastDaysAgo: 280,
    deps: [90 * MB, 160 * MB],
    app: [110 * MB, 180 * MB],
    pulls: true,
    archive: 'manual',
    optOut: true,
    policy: 'none',
  },
  {
    region: 'us-east-1',
    name: 'team-c/search-api',
    team: 'team-c',
    base: 'distroless',
    tagging: 'sha+latest',
    builds: 28,
    firstDaysAgo: 240,
    format: 'oci',
    multiArch: true,
    attest: true,
    deps: [2 * MB, 6 * MB],
    app: [9 * MB, 26 * MB],
    pulls: true,
    policy: 'none',
  },
  {
    region: 'us-east-1',
    name: 'team-c/indexer',
    team: 'team-c',
    base: 'distroless',
    tagging: 'latest-only',
    builds: 48,
    firstDaysAgo: 330,
    deps: [1 * MB, 4 * MB],
    app: [11 * MB, 22 * MB],
    pulls: true,
    policy: 'none',
  },
  {
    region: 'us-east-1',
    name: 'tools/migrations',
    team: 'platform',
    base: 'alpine',
    tagging: 'latest-only',
    builds: 30,
    firstDaysAgo: 360,
    deps: [5 * MB, 12 * MB],
    app: [4 * KB, 300 * KB],
    policy: 'tagged-only',
    rules: [keepRule(1, 'tagPatternList', ['*'], 30)],
  },
  {
    region: 'us-east-1',
    name: 'sandbox/experiments',
    team: 'sandbox',
    base: 'python',
    tagging: 'sha+latest',
    builds: 15,
    firstDaysAgo: 420,
    lastDaysAgo: 150,
    deps: [50 * MB, 400 * MB],
    app: [10 * KB, 5 * MB],
    policy: 'none',
  },
  {
    region: 'us-east-1',
    name: 'mirror/postgres',
    team: 'platform',
    base: 'debian-slim',
    tagging: 'mirror',
    builds: 13,
    firstDaysAgo: 400,
    format: 'oci',
    multiArch: true,
    deps: [38 * MB, 44 * MB],
    app: [9 * MB, 12 * MB],
    pulls: true,
    policy: 'none',
  },
  // eu-west-1
  {
    region: 'eu-west-1',
    name: 'team-a/web-api',
    team: 'team-a',
    base: 'node',
    tagging: 'sha+latest',
    builds: 36,
    firstDaysAgo: 220,
    deps: [40 * MB, 120 * MB],
    app: [300 * KB, 6 * MB],
    pulls: true,
    policy: 'none',
  },
  {
    region: 'eu-west-1',
    name: 'team-a/frontend',
    team: 'team-a',
    base: 'nginx',
    tagging: 'sha+latest',
    builds: 20,
    firstDaysAgo: 200,
    format: 'oci',
    multiArch: true,
    deps: [2 * MB, 8 * MB],
    app: [1 * MB, 14 * MB],
    pulls: true,
    policy: 'none',
  },
  {
    region: 'eu-west-1',
    name: 'team-d/checkout',
    team: 'team-d',
    base: 'node',
    tagging: 'sha+latest',
    builds: 28,
    firstDaysAgo: 260,
    format: 'oci',
    multiArch: true,
    sign: true,
    deps: [35 * MB, 80 * MB],
    app: [400 * KB, 5 * MB],
    pulls: true,
    policy: 'proper',
    rules: [untaggedRule(1, 7), ageRule(2, 'tagPatternList', ['pr-*'], 21), keepRule(3, 'tagPatternList', ['main-*'], 30)],
  },
  {
    region: 'eu-west-1',
    name: 'team-d/catalog',
    team: 'team-d',
    base: 'node',
    tagging: 'latest-only',
    builds: 42,
    firstDaysAgo: 300,
    deps: [30 * MB, 70 * MB],
    app: [200 * KB, 4 * MB],
    pulls: true,
    policy: 'none',
  },
  {
    region: 'eu-west-1',
    name: 'team-d/pricing-engine',
    team: 'team-d',
    base: 'temurin',
    tagging: 'semver',
    builds: 21,
    firstDaysAgo: 450,
    deps: [25 * MB, 50 * MB],
    app: [35 * MB, 58 * MB],
    pulls: true,
    policy: 'tagged-only',
    rules: [ageRule(1, 'tagPrefixList', ['v'], 365)],
  },
  {
    region: 'eu-west-1',
    name: 'platform/base-images',
    team: 'platform',
    base: 'debian-slim',
    tagging: 'variants',
    builds: 24,
    firstDaysAgo: 300,
    format: 'oci',
    multiArch: true,
    sign: true,
    deps: [200 * KB, 2 * MB],
    app: [2 * KB, 40 * KB],
    pulls: true,
    policy: 'any',
    rules: [anyRule(1, { countType: 'sinceImagePushed', countUnit: 'days', countNumber: 365 }, 'Expire every image after a year')],
  },
  {
    region: 'eu-west-1',
    name: 'platform/fluent-bit',
    team: 'platform',
    base: 'debian-slim',
    tagging: 'mirror',
    builds: 16,
    firstDaysAgo: 380,
    format: 'oci',
    multiArch: true,
    deps: [14 * MB, 20 * MB],
    app: [6 * MB, 9 * MB],
    pulls: true,
    policy: 'proper',
    rules: [untaggedRule(1, 1), keepRule(2, 'tagPatternList', ['*.*.*'], 10)],
  },
  {
    region: 'eu-west-1',
    name: 'data/etl-jobs',
    team: 'data',
    base: 'python',
    tagging: 'sha+latest',
    builds: 36,
    firstDaysAgo: 250,
    deps: [60 * MB, 240 * MB],
    app: [40 * KB, 2 * MB],
    pulls: true,
    policy: 'none',
  },
  {
    region: 'eu-west-1',
    name: 'data/warehouse-loader',
    team: 'data',
    base: 'python',
    tagging: 'latest-only',
    builds: 33,
    firstDaysAgo: 270,
    deps: [90 * MB, 180 * MB],
    app: [50 * KB, 1 * MB],
    pulls: true,
    policy: 'none',
  },
  {
    region: 'eu-west-1',
    name: 'data/kafka-connect',
    team: 'data',
    base: 'temurin',
    tagging: 'semver',
    builds: 24,
    firstDaysAgo: 600,
    deps: [140 * MB, 230 * MB],
    app: [8 * MB, 25 * MB],
    pulls: true,
    archive: 'policy',
    policy: 'archive',
  },
  {
    region: 'eu-west-1',
    name: 'ml/embeddings',
    team: 'ml',
    base: 'cuda',
    tagging: 'sha+latest',
    builds: 15,
    firstDaysAgo: 200,
    deps: [300 * MB, 520 * MB],
    app: [1 * MB, 6 * MB],
    policy: 'none',
  },
  {
    region: 'eu-west-1',
    name: 'team-e/mobile-bff',
    team: 'team-e',
    base: 'node',
    tagging: 'sha+latest',
    builds: 36,
    firstDaysAgo: 330,
    deps: [30 * MB, 75 * MB],
    app: [300 * KB, 4 * MB],
    pulls: true,
    policy: 'any',
    rules: [untaggedRule(1, 3), anyRule(2, { countType: 'imageCountMoreThan', countNumber: 40 }, 'Keep the 40 most recent images')],
  },
  {
    region: 'eu-west-1',
    name: 'team-e/auth-service',
    team: 'team-e',
    base: 'distroless',
    tagging: 'semver',
    builds: 24,
    firstDaysAgo: 380,
    format: 'oci',
    sign: true,
    sbom: true,
    deps: [1 * MB, 3 * MB],
    app: [14 * MB, 21 * MB],
    pulls: true,
    policy: 'proper',
    rules: [untaggedRule(1, 14), keepRule(2, 'tagPrefixList', ['v'], 20)],
  },
  {
    region: 'eu-west-1',
    name: 'team-e/admin-ui',
    team: 'team-e',
    base: 'nginx',
    tagging: 'latest-only',
    builds: 27,
    firstDaysAgo: 290,
    deps: [1 * MB, 5 * MB],
    app: [2 * MB, 9 * MB],
    pulls: true,
    policy: 'none',
  },
  {
    region: 'eu-west-1',
    name: 'tools/backup-agent',
    team: 'platform',
    base: 'alpine',
    tagging: 'semver',
    builds: 12,
    firstDaysAgo: 500,
    deps: [18 * MB, 30 * MB],
    app: [6 * MB, 11 * MB],
    pulls: true,
    policy: 'tagged-only',
    rules: [keepRule(1, 'tagPrefixList', ['v'], 10)],
  },
  {
    region: 'eu-west-1',
    name: 'sandbox/ml-notebooks',
    team: 'sandbox',
    unclaimed: true,
    base: 'python',
    tagging: 'latest-only',
    builds: 12,
    firstDaysAgo: 380,
    lastDaysAgo: 190,
    deps: [400 * MB, 700 * MB],
    app: [100 * KB, 20 * MB],
    policy: 'none',
  },
];

/** The archive-tier policy: expire untagged, archive unpulled releases, delete them a year later. */
const ARCHIVE_RULES: Rule[] = [
  untaggedRule(1, 30),
  {
    rulePriority: 2,
    description: 'Archive releases not pulled for 90 days',
    selection: { tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 },
    action: { type: 'transition', targetStorageClass: 'archive' },
  },
  {
    rulePriority: 3,
    description: 'Delete archived images after a year in the archive',
    selection: { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 365 },
    action: { type: 'expire' },
  },
];

const VARIANTS: ReadonlyArray<{ tag: string; base: BaseName }> = [
  { tag: 'debian-bookworm', base: 'debian-slim' },
  { tag: 'alpine-3.20', base: 'alpine' },
  { tag: 'python-3.12', base: 'python' },
  { tag: 'node-22', base: 'node' },
  { tag: 'temurin-21-jre', base: 'temurin' },
];

/** One push: the images it creates and the tags it puts on the pushed image. */
interface Push {
  time: number;
  tags: string[];
  base: BaseName;
  /** A release that gets deployed and pulled (not a PR build). */
  deployed: boolean;
}

function yyyymmdd(time: number): string {
  return new Date(time).toISOString().slice(0, 10).replace(/-/g, '');
}

/** The push times of a repository: random gaps, oldest first, every one before the base time. */
function pushTimes(rng: Random, spec: RepoSpec): number[] {
  const first = NOW - spec.firstDaysAgo * DAY;
  const last = NOW - (spec.lastDaysAgo ?? rng.int(0, 2)) * DAY - rng.int(2, 20) * HOUR;
  const gaps = Array.from({ length: spec.builds - 1 }, () => 0.2 + rng.float() ** 2 * 3);
  const total = gaps.reduce((s, g) => s + g, 0);
  const times = [first];
  let t = first;
  for (const g of gaps) {
    t += (g / total) * (last - first);
    times.push(Math.round(t / 1000) * 1000 + rng.int(0, 999));
  }
  return times;
}

/** Decides the tags of each push according to the repository's tagging scheme. */
function plan(rng: Random, spec: RepoSpec): Push[] {
  const times = pushTimes(rng, spec);
  let version = [rng.int(0, 3), rng.int(0, 12), 0];
  let pr = rng.int(100, 900);
  return times.map((time, i) => {
    switch (spec.tagging) {
      case 'latest-only':
        return { time, tags: ['latest'], base: spec.base, deployed: true };
      case 'sha+latest': {
        if (rng.chance(0.22)) {
          // A pull-request build; a follow-up commit re-pushes the same tag and orphans this image.
          if (!rng.chance(0.55)) pr += rng.int(1, 4);
          return { time, tags: [`pr-${pr}`], base: spec.base, deployed: false };
        }
        return { time, tags: [`main-${rng.hex(7)}`, 'latest'], base: spec.base, deployed: true };
      }
      case 'semver':
      case 'mirror': {
        const roll = rng.float();
        const [major = 0, minor = 0, patch = 0] = version;
        version = roll < 0.03 ? [major + 1, 0, 0] : roll < 0.25 ? [major, minor + 1, 0] : [major, minor, patch + (i === 0 ? 0 : 1)];
        const v = version.join('.');
        const tags = spec.tagging === 'mirror' ? [v, `${version[0]}.${version[1]}`, 'latest'] : [`v${v}`, 'latest'];
        return { time, tags, base: spec.base, deployed: true };
      }
      case 'env': {
        const tags = [`git-${rng.hex(7)}`];
        if (i % 2 === 0 || i === times.length - 1) tags.push('staging');
        if (i % 4 === 0) tags.push('prod');
        return { time, tags, base: spec.base, deployed: tags.length > 1 };
      }
      case 'variants': {
        const variant = VARIANTS[i % VARIANTS.length] ?? { tag: 'debian-bookworm', base: 'debian-slim' as BaseName };
        const tags = [`${variant.tag}-${yyyymmdd(time)}`, variant.tag];
        if (variant.base === 'debian-slim') tags.push('latest');
        return { time, tags, base: variant.base, deployed: true };
      }
    }
    throw new Error(`unknown tagging ${String(spec.tagging)}`);
  });
}

interface GeneratedRepo {
  spec: RepoSpec;
  images: SnapshotImage[];
}

/** Generates the images of one repository from its spec. */
function generateRepository(spec: RepoSpec): GeneratedRepo {
  const rng = new Random(SEED ^ hashInt(`${spec.region}/${spec.name}`));
  const format = spec.format ?? 'docker';
  const pushes = plan(rng, spec);
  const images: SnapshotImage[] = [];
  /** The image that holds each tag now: a tag moves to the newest push that carries it. */
  const holder = new Map<string, SnapshotImage>();
  /** Per push: the image tags and pulls go to, and the platform children that get pulled with it. */
  const heads: Array<{ push: Push; head: SnapshotImage; pulledWith: SnapshotImage[] }> = [];
  const depLayers = new Map<string, Blob[]>();
  let depGeneration = 0;
  let nextDepRebuild = 0;

  const deps = (arch: Arch, index: number): Blob[] => {
    if (index >= nextDepRebuild) {
      depGeneration++;
      nextDepRebuild = index + rng.int(3, 10);
    }
    const key = `${arch}/${depGeneration}`;
    let layers = depLayers.get(key);
    if (layers === undefined) {
      const count = spec.deps[1] > 100 * MB ? 2 : 1;
      layers = Array.from({ length: count }, () => ({
        digest: `sha256:${rng.hex(64)}`,
        size: rng.size(spec.deps[0], spec.deps[1]) / count,
      }));
      layers = layers.map((l) => ({ ...l, size: Math.round(l.size) }));
      depLayers.set(key, layers);
    }
    return layers;
  };

  const platformImage = (push: Push, arch: Arch, index: number): Built => {
    const config = { digest: `sha256:${rng.hex(64)}`, size: rng.size(1_500, 14_000) };
    const app = [{ digest: `sha256:${rng.hex(64)}`, size: rng.size(spec.app[0], spec.app[1]) }];
    if (rng.chance(0.5)) app.push({ digest: `sha256:${rng.hex(64)}`, size: rng.size(300, 40_000) });
    return imageManifest(format, config, [...baseLayers(push.base, arch, push.time), ...deps(arch, index), ...app], push.time);
  };

  pushes.forEach((push, index) => {
    const pushed: Built[] = [];
    let head: Built;
    const pulledWith: SnapshotImage[] = [];
    if (spec.multiArch) {
      // buildx pushes the platform images and attestations first, then the index that lists them.
      const amd = platformImage(push, 'amd64', index);
      const arm = platformImage(push, 'arm64', index);
      const children = [
        { built: amd, arch: 'amd64' as const },
        { built: arm, arch: 'arm64' as const },
      ];
      const attestations = spec.attest ? children.map(({ built }) => ({ built: attestationManifest(rng, push.time), of: built })) : [];
      head = indexManifest(children, attestations, push.time);
      pushed.push(amd, arm, ...attestations.map((a) => a.built), head);
      pulledWith.push(amd.image);
      if (rng.chance(0.4)) pulledWith.push(arm.image);
    } else {
      head = platformImage(push, 'amd64', index);
      pushed.push(head);
    }
    // Signing and SBOM generation run a few minutes after the push, against the pushed digest.
    if (spec.sign && push.deployed) pushed.push(referrer(rng, 'signature', head, push.time + rng.int(40, 400) * 1000));
    if (spec.sbom && push.deployed) pushed.push(referrer(rng, 'sbom', head, push.time + rng.int(60, 600) * 1000));

    for (const tag of push.tags) {
      const previous = holder.get(tag);
      if (previous?.imageTags) {
        previous.imageTags = previous.imageTags.filter((t) => t !== tag);
        if (previous.imageTags.length === 0) delete previous.imageTags;
      }
      holder.set(tag, head.image);
    }
    head.image.imageTags = [...push.tags];
    images.push(...pushed.map((b) => b.image));
    heads.push({ push, head: head.image, pulledWith });
  });

  if (spec.pulls) addPullTimes(rng, spec, heads);
  if (spec.archive) archiveOldReleases(rng, spec, heads);

  // Newest first, as a listing usually comes back (the order carries no meaning), with the fields
  // in a fixed order and the long manifest text last, so that the file reads well.
  return { spec, images: images.reverse().map(ordered) };
}

function ordered(image: SnapshotImage): SnapshotImage {
  // registryId and repositoryName are left out: the repository entry already says both.
  const out: SnapshotImage = {
    imageDigest: image.imageDigest,
    imageManifest: image.imageManifest,
  };
  if (image.imageTags !== undefined && image.imageTags.length > 0) out.imageTags = image.imageTags;
  out.imageSizeInBytes = image.imageSizeInBytes;
  out.imagePushedAt = image.imagePushedAt;
  out.imageManifestMediaType = image.imageManifestMediaType;
  out.artifactMediaType = image.artifactMediaType;
  if (image.subjectManifestDigest !== undefined) out.subjectManifestDigest = image.subjectManifestDigest;
  out.imageStatus = image.imageStatus;
  if (image.lastRecordedPullTime !== undefined) out.lastRecordedPullTime = image.lastRecordedPullTime;
  if (image.lastArchivedAt !== undefined) out.lastArchivedAt = image.lastArchivedAt;
  // Re-insert the manifest so that it is the last key.
  const { imageManifest, ...rest } = out;
  return { ...rest, imageManifest };
}

/** Deployed images are pulled from their push until a little after the next deployment replaces them. */
function addPullTimes(
  rng: Random,
  spec: RepoSpec,
  heads: ReadonlyArray<{ push: Push; head: SnapshotImage; pulledWith: SnapshotImage[] }>,
): void {
  const deployed = heads.filter((h) => h.push.deployed);
  deployed.forEach(({ push, head, pulledWith }, i) => {
    if (rng.chance(0.1)) return; // never rolled out
    const next = deployed[i + 1];
    // ECR refreshes lastRecordedPullTime about once a day.
    const latest = NOW - rng.int(2, 30) * HOUR - rng.int(0, 3599) * 1000;
    let last = next === undefined ? latest : Math.min(latest, next.push.time + rng.int(0, 9 * 24) * HOUR);
    if (spec.lastDaysAgo !== undefined && next === undefined) last = Math.min(latest, push.time + rng.int(20, 120) * DAY);
    if (last <= push.time) last = push.time + rng.int(1, 6) * HOUR;
    if (last > NOW) return;
    const iso = new Date(last).toISOString();
    head.lastRecordedPullTime = iso;
    for (const child of pulledWith) child.lastRecordedPullTime = iso;
  });
}

/** Moves old, unpulled single-platform releases to the archive storage class. */
function archiveOldReleases(rng: Random, spec: RepoSpec, heads: ReadonlyArray<{ push: Push; head: SnapshotImage }>): void {
  for (const { push, head } of heads) {
    if (head.imageTags === undefined || head.imageTags.includes('latest')) continue;
    if (head.imageManifestMediaType === MT.ociIndex) continue;
    const lastUse = Date.parse(String(head.lastRecordedPullTime ?? new Date(push.time).toISOString()));
    // A lifecycle rule archives 90 days after the last pull; a person archived in one sweep.
    const archivedAt =
      spec.archive === 'policy'
        ? lastUse + (90 + rng.int(0, 1)) * DAY + rng.int(0, 23) * HOUR
        : Date.parse('2026-03-16T09:30:00Z') + rng.int(0, 3600) * 1000;
    if (archivedAt >= NOW - DAY || archivedAt <= push.time) continue;
    // The sweep kept the last year of releases in standard storage.
    if (spec.archive === 'manual' && push.time > archivedAt - 365 * DAY) continue;
    head.imageStatus = 'ARCHIVED';
    head.lastArchivedAt = new Date(archivedAt).toISOString();
  }
}

// ---------------------------------------------------------------------------------------------
// Snapshot

function repositoryTags(spec: RepoSpec): Tag[] {
  const tags: Tag[] = spec.unclaimed
    ? []
    : [
        { Key: 'team', Value: spec.team },
        { Key: 'cost-center', Value: `cc-${1000 + (hashInt(spec.team) % 9000)}` },
      ];
  if (spec.optOut) tags.push({ Key: 'ecr-janitor:opt-out', Value: 'true' });
  return tags;
}

function policyFor(spec: RepoSpec): string | null {
  switch (spec.policy) {
    case 'none':
      return null;
    case 'archive':
      return policyText(ARCHIVE_RULES);
    default:
      if (spec.rules === undefined) throw new Error(`${spec.region}/${spec.name}: policy ${spec.policy} needs rules`);
      return policyText(spec.rules);
  }
}

/** Builds the whole demo snapshot. Deterministic: the same output on every run. */
export function makeDemoSnapshot(): SnapshotFile {
  const regions = ['us-east-1', 'eu-west-1'] as const;
  return {
    format: 'ecr-janitor-snapshot/1',
    capturedAt: DEMO_BASE_TIME,
    registries: regions.map((region) => ({
      accountId: ACCOUNT_ID,
      region,
      repositories: REPOS.filter((spec) => spec.region === region).map((spec) => {
        const { images } = generateRepository(spec);
        const firstPush = Math.min(...images.map((i) => Date.parse(String(i.imagePushedAt))));
        const createdAt = firstPush - (1 + (hashInt(`created ${region}/${spec.name}`) % 20)) * DAY;
        return {
          repositoryName: spec.name,
          repositoryArn: `arn:aws:ecr:${region}:${ACCOUNT_ID}:repository/${spec.name}`,
          createdAt: new Date(createdAt).toISOString(),
          tags: repositoryTags(spec),
          lifecyclePolicyText: policyFor(spec),
          images,
        };
      }),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Validation

/** Checks the invariants the demo promises; returns the problems found (none when valid). */
export function validateDemoSnapshot(snapshot: SnapshotFile): string[] {
  const problems: string[] = [];
  const capturedAt = Date.parse(snapshot.capturedAt);
  for (const registry of snapshot.registries) {
    for (const repo of registry.repositories) {
      const where = `${registry.region}/${repo.repositoryName}`;
      const byDigest = new Map(repo.images.map((i) => [i.imageDigest, i]));
      if (byDigest.size !== repo.images.length) problems.push(`${where}: duplicate image digests`);
      const tagOwners = new Map<string, string>();
      if (repo.lifecyclePolicyText !== null) {
        const parsed = parsePolicy(repo.lifecyclePolicyText);
        if (!parsed.ok) problems.push(`${where}: invalid policy: ${parsed.problems.map(formatProblem).join(' ')}`);
      }
      for (const image of repo.images) {
        const id = `${where}@${image.imageDigest}`;
        const text = image.imageManifest;
        if (text === undefined) {
          problems.push(`${id}: no manifest`);
          continue;
        }
        if (image.imageDigest !== `sha256:${sha256(text)}`) problems.push(`${id}: digest is not the sha256 of the manifest`);
        const parsed = parseManifest(text, image.imageManifestMediaType);
        if (parsed.kind === 'index') {
          const sizes = parsed.children.map((c) => {
            const child = byDigest.get(c);
            if (child === undefined) problems.push(`${id}: index child ${c} is missing`);
            return child;
          });
          const largest = Math.max(...sizes.map((c) => c?.imageSizeInBytes ?? 0));
          if (image.imageSizeInBytes !== largest) problems.push(`${id}: index size is not its largest child's`);
        } else if (parsed.kind === 'manifest') {
          const sum = parsed.blobs.reduce((s, b) => s + b.size, 0);
          if (image.imageSizeInBytes !== sum) problems.push(`${id}: size ${image.imageSizeInBytes} is not the blob sum ${sum}`);
        } else {
          problems.push(`${id}: unreadable manifest`);
        }
        if (image.subjectManifestDigest !== undefined) {
          if (!byDigest.has(image.subjectManifestDigest)) problems.push(`${id}: subject ${image.subjectManifestDigest} is missing`);
          if (parsed.subject !== image.subjectManifestDigest) problems.push(`${id}: manifest subject differs from subjectManifestDigest`);
        }
        for (const tag of image.imageTags ?? []) {
          const owner = tagOwners.get(tag);
          if (owner !== undefined) problems.push(`${where}: tag ${tag} on two images`);
          tagOwners.set(tag, image.imageDigest);
        }
        for (const field of ['imagePushedAt', 'lastRecordedPullTime', 'lastArchivedAt'] as const) {
          const value = image[field];
          if (value !== undefined && !(Date.parse(String(value)) <= capturedAt)) problems.push(`${id}: ${field} is not before capturedAt`);
        }
        if (image.imageStatus === 'ARCHIVED' && image.lastArchivedAt === undefined) problems.push(`${id}: archived without lastArchivedAt`);
      }
    }
  }
  return problems;
}

/** Writes one image per line, so that the file diffs and greps well while staying compact. */
export function serialiseSnapshot(snapshot: SnapshotFile): string {
  const lines: string[] = [
    `{"format":${JSON.stringify(snapshot.format)},"capturedAt":${JSON.stringify(snapshot.capturedAt)},"registries":[`,
  ];
  snapshot.registries.forEach((registry, r) => {
    lines.push(`{"accountId":${JSON.stringify(registry.accountId)},"region":${JSON.stringify(registry.region)},"repositories":[`);
    registry.repositories.forEach((repo, i) => {
      const { images, ...rest } = repo;
      lines.push(`${JSON.stringify(rest).slice(0, -1)},"images":[`);
      images.forEach((image, j) => lines.push(JSON.stringify(image) + (j < images.length - 1 ? ',' : '')));
      lines.push(`]}${i < registry.repositories.length - 1 ? ',' : ''}`);
    });
    lines.push(`]}${r < snapshot.registries.length - 1 ? ',' : ''}`);
  });
  lines.push(']}');
  return `${lines.join('\n')}\n`;
}

function main(): void {
  const args = process.argv.slice(2);
  const ifMissing = args.includes('--if-missing');
  const out = resolve(args.find((a) => !a.startsWith('--')) ?? 'demo/snapshot.json');
  // `npm start` calls this on every run: generate once, then reuse the file.
  if (ifMissing && existsSync(out)) return;
  const snapshot = makeDemoSnapshot();
  const problems = validateDemoSnapshot(snapshot);
  if (problems.length > 0) {
    process.stderr.write(`The generated snapshot is invalid:\n${problems.slice(0, 30).join('\n')}\n`);
    process.exitCode = 1;
    return;
  }
  const text = serialiseSnapshot(snapshot);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);

  const repos = snapshot.registries.flatMap((r) => r.repositories);
  const images = repos.flatMap((r) => r.images);
  const count = (pred: (i: (typeof images)[number]) => boolean): number => images.filter(pred).length;
  const children = new Set(
    repos.flatMap((r) =>
      r.images.flatMap((i) => (i.imageManifestMediaType === MT.ociIndex ? parseManifest(i.imageManifest ?? '').children : [])),
    ),
  );
  const stats = {
    file: out,
    bytes: Buffer.byteLength(text),
    repositories: repos.length,
    withoutPolicy: repos.filter((r) => r.lifecyclePolicyText === null).length,
    images: images.length,
    tagged: count((i) => (i.imageTags?.length ?? 0) > 0),
    indexes: count((i) => i.imageManifestMediaType === MT.ociIndex),
    indexChildren: children.size,
    referrers: count((i) => i.subjectManifestDigest !== undefined),
    untaggedOrphans: count(
      (i) => (i.imageTags?.length ?? 0) === 0 && i.subjectManifestDigest === undefined && !children.has(i.imageDigest),
    ),
    archived: count((i) => i.imageStatus === 'ARCHIVED'),
    pulled: count((i) => i.lastRecordedPullTime !== undefined),
  };
  process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
}

// Run only as a script, not when a test imports the helpers.
if (typeof require !== 'undefined' && require.main === module) main();
