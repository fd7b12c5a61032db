// Benchmark of the policy advisor: BENCH_REPOSITORIES (2,000) repositories holding BENCH_IMAGES
// (1,000,000) images in all, generated in-process and advised offline one repository at a time, as
// `advise --snapshot` does. Repository sizes spread over orders of magnitude; their images carry the
// tagging schemes CI produces (releases, pull requests, commits, nightlies, fixed names, untagged
// leftovers), shared layers, multi-arch indexes, signatures, pulls, images in use and a spread of
// team policies. Generation is not timed (and its garbage is collected first, with --expose-gc);
// each repository's advice is, with the heap it allocates.
// Last line on stdout: {"repositories","images","totalMs","perRepository":{meanMs,p50Ms,p95Ms,maxMs,…},
//   "perImageUs","peakRssMb","heapAfterMb","advised","withheld",…}.
import type { AdviceOptions } from '../../src/domain/advice';
import { adviseRepository } from '../../src/domain/advice';
import type { ImageDetail } from '../../src/domain/image';
import type { RepositoryState } from '../../src/domain/registry';
import { hex, rng } from '../lib/random';
import { BENCH_NOW as NOW, DAY_MS as DAY, benchCount, benchRule, flatCopy, peakRssMeter, printFigures } from './engine';

const REPOSITORIES = benchCount('BENCH_REPOSITORIES', 2_000);
const IMAGES = benchCount('BENCH_IMAGES', 1_000_000);
const random = rng(18);

/** Repository sizes: log-uniform weights, scaled so that they add up to exactly IMAGES. */
function sizes(): number[] {
  const weights = Array.from({ length: REPOSITORIES }, () => Math.exp(random() * Math.log(500)));
  const sum = weights.reduce((s, w) => s + w, 0);
  const out = weights.map((w) => Math.max(1, Math.floor((w / sum) * IMAGES)));
  let left = IMAGES - out.reduce((s, n) => s + n, 0);
  for (let i = 0; left > 0; i = (i + 1) % out.length, left--) out[i] = (out[i] as number) + 1;
  return out;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

function digest(): string {
  return `sha256:${hex(random, 64)}`;
}

const TEAM_POLICIES: Array<string | null> = [
  null,
  JSON.stringify({
    rules: [
      benchRule(1, 'Expire untagged images after 14 days', {
        tagStatus: 'untagged',
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: 14,
      }),
    ],
  }),
  JSON.stringify({
    rules: [
      benchRule(1, 'Keep 50 releases', { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 50 }),
      benchRule(2, 'Pull requests for a month', {
        tagStatus: 'tagged',
        tagPatternList: ['pr-*'],
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: 30,
      }),
    ],
  }),
];

/** One repository of `count` images (index children and signatures included). */
function repository(r: number, count: number): { state: RepositoryState; inUse: Map<string, string[]> } {
  const layers = Array.from({ length: 24 }, () => ({ digest: digest(), size: Math.floor(1_000 + random() * 80_000_000) }));
  const images: ImageDetail[] = [];
  const inUse = new Map<string, string[]>();
  const manifest = (): { imageDigest: string; imageManifest: string; size: number } => {
    const picked = [0, 1, 2].map(() => layers[Math.floor(random() * layers.length)] as { digest: string; size: number });
    const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest(), size: 1_500 };
    const text = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config,
      layers: [...new Set(picked)].map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
    });
    return { imageDigest: digest(), imageManifest: text, size: picked.reduce((s, l) => s + l.size, 0) };
  };
  let release = 0;
  let latest = false;
  while (images.length < count) {
    const pushed = NOW - Math.floor(random() * 400 * DAY);
    const kind = random();
    let tags: string[] = [];
    if (kind < 0.25) tags = [`v${Math.floor(release / 20)}.${release++ % 20}.0`];
    else if (kind < 0.45) tags = [`pr-${Math.floor(random() * 9000)}`];
    else if (kind < 0.65) tags = [`main-${hex(random, 7)}`];
    else if (kind < 0.72) tags = [`nightly-${new Date(pushed).toISOString().slice(0, 10).replaceAll('-', '')}`];
    if (!latest && kind < 0.25 && random() < 0.05) {
      tags.push('latest');
      latest = true;
    }
    // Tagged images are pulled; an untagged one (a moved tag's image, still run by digest) seldom.
    const pulled =
      random() < (tags.length > 0 ? 0.3 : 0.03)
        ? { lastRecordedPullTime: new Date(pushed + Math.floor(random() * (NOW - pushed))).toISOString() }
        : {};
    const base = {
      ...(tags.length > 0 ? { imageTags: [...new Set(tags)] } : {}),
      imagePushedAt: new Date(pushed).toISOString(),
      imageStatus: 'ACTIVE',
      ...pulled,
    };
    if (random() < 0.08 && images.length + 3 <= count) {
      // A multi-arch image: the index and its two platform children.
      const children = [manifest(), manifest()];
      const index = {
        imageDigest: digest(),
        imageManifest: JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_INDEX,
          manifests: children.map((c) => ({ mediaType: OCI_MANIFEST, digest: c.imageDigest, size: c.imageManifest.length })),
        }),
      };
      images.push({ ...base, ...index, imageManifestMediaType: OCI_INDEX, imageSizeInBytes: Math.max(...children.map((c) => c.size)) });
      for (const c of children)
        images.push({
          imageDigest: c.imageDigest,
          imageManifest: c.imageManifest,
          imageManifestMediaType: OCI_MANIFEST,
          imageSizeInBytes: c.size,
          imagePushedAt: base.imagePushedAt,
          imageStatus: 'ACTIVE',
        });
      continue;
    }
    const m = manifest();
    images.push({
      ...base,
      imageDigest: m.imageDigest,
      imageManifest: m.imageManifest,
      imageManifestMediaType: OCI_MANIFEST,
      imageSizeInBytes: m.size,
    });
    if (random() < 0.04 && images.length < count) {
      const subject = m.imageDigest;
      const signature = {
        imageDigest: digest(),
        imageManifest: JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digest(), size: 2 },
          layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: digest(), size: 250 }],
          subject: { mediaType: OCI_MANIFEST, digest: subject, size: m.imageManifest.length },
        }),
      };
      images.push({
        ...signature,
        imageManifestMediaType: OCI_MANIFEST,
        imageSizeInBytes: 252,
        imagePushedAt: base.imagePushedAt,
        imageStatus: 'ACTIVE',
        subjectManifestDigest: subject,
      });
    }
    if (random() < 0.01) inUse.set(m.imageDigest, [`ecs:service/prod/svc-${r}`]);
  }
  const name = `team-${r % 40}/service-${r}`;
  return {
    state: {
      accountId: '123456789012',
      region: 'eu-west-1',
      repositoryName: name,
      repositoryArn: `arn:aws:ecr:eu-west-1:123456789012:repository/${name}`,
      tags: [],
      lifecyclePolicyText: TEAM_POLICIES[r % TEAM_POLICIES.length] ?? null,
      // Through JSON text, as a snapshot file gives them: flat strings, not ropes.
      images: flatCopy(images),
    },
    inUse,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function main(): void {
  const counts = sizes();
  const times: number[] = [];
  const meter = peakRssMeter();
  let images = 0;
  let advised = 0;
  let withheld = 0;
  let removed = 0;
  let extra = 0;
  let largest = { images: 0, ms: 0 };
  let maxHeapMb = 0;
  const gc = (globalThis as { gc?: () => void }).gc;
  const started = performance.now();
  let advising = 0;
  for (let r = 0; r < REPOSITORIES; r++) {
    const { state, inUse } = repository(r, counts[r] ?? 1);
    images += state.images.length;
    const options: AdviceOptions = {
      now: NOW,
      days: 7,
      pricePerGbMonth: 0.1,
      optedOut: false,
      excluded: false,
      lintMaxUntaggedDays: 30,
      archiveAfterDays: 90,
      keepPulledDays: 90,
      rollbackMargin: 3,
      archivePricePerGbMonth: 0.011,
      inUse: { referenced: inUse, unknown: [], horizonDays: 7, guard: true },
    };
    // The generator's garbage is collected before the clock starts: the time and memory are the advice's.
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const advice = adviseRepository(state, options);
    const ms = performance.now() - t0;
    maxHeapMb = Math.max(maxHeapMb, (process.memoryUsage().heapUsed - heapBefore) / 1048576);
    advising += ms;
    times.push(ms);
    if (state.images.length > largest.images) largest = { images: state.images.length, ms };
    if (advice.advice === 'policy') {
      advised++;
      removed += advice.removedNow.images;
      extra += advice.monthlyExtraSavingsUsd;
    } else withheld++;
    if (r % 100 === 0) {
      meter.sample();
      console.error(`bench:advise: ${r + 1}/${REPOSITORIES} repositories, ${images} images, ${Math.round(advising)} ms advising`);
    }
  }
  meter.sample(process.resourceUsage().maxRSS * 1024);
  const peakRssMb = meter.stop();
  const sorted = [...times].sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 100) / 100;
  console.error(`bench:advise: ${Math.round((performance.now() - started) / 1000)} s in all (generation included)`);
  printFigures({
    repositories: REPOSITORIES,
    images,
    totalMs: Math.round(advising),
    perRepository: {
      meanMs: round(advising / REPOSITORIES),
      p50Ms: round(percentile(sorted, 50)),
      p95Ms: round(percentile(sorted, 95)),
      maxMs: round(sorted[sorted.length - 1] ?? 0),
      largestImages: largest.images,
      largestMs: round(largest.ms),
    },
    perImageUs: round((advising * 1000) / images),
    /** The most heap one repository's advice allocated (its garbage included: nothing is collected while it runs unless V8 must). */
    maxHeapPerRepositoryMb: round(maxHeapMb),
    peakRssMb,
    heapAfterMb: Math.round(process.memoryUsage().heapUsed / 1048576),
    advised,
    withheld,
    removedNowImages: removed,
    monthlyExtraSavingsUsd: round(extra),
  });
}

main();
