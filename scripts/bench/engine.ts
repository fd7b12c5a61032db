// Benchmark of the policy engine: a 5-rule policy over 1,000,000 generated images, compared with a
// native sort of 1,000,000 doubles in the same process so the figure is a ratio, not a wall time.
// Last line: {"images","rules","evalMs","sortMs","ratio","peakRssMb"}.
import type { ImageDetail } from '../../src/domain/image';
import { evaluatePolicy, parsePolicyOrThrow } from '../../src/domain/policy';
import { hex, rng } from '../lib/random';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 1_000_000);
const NOW = Date.parse('2026-11-01T00:00:00Z');

function generate(count: number): ImageDetail[] {
  const random = rng(42);
  const images: ImageDetail[] = [];
  // Built in chunks that go through JSON text, as real input does (describe-images output, snapshots):
  // JSON.parse gives flat strings, where concatenation leaves memory-hungry rope strings behind.
  let chunk: ImageDetail[] = [];
  const flush = (): void => {
    for (const image of JSON.parse(JSON.stringify(chunk)) as ImageDetail[]) images.push(image);
    chunk = [];
  };
  for (let i = 0; i < count; i++) {
    if (chunk.length === 10_000) flush();
    const pushed = NOW - Math.floor(random() * 400 * 86_400_000);
    const kind = random();
    let tags: string[] | undefined;
    if (kind < 0.4)
      tags = undefined; // orphans left by re-pushed tags
    else if (kind < 0.55) tags = [`v${Math.floor(random() * 5)}.${Math.floor(random() * 30)}.${Math.floor(random() * 100)}`];
    else if (kind < 0.7) tags = [`main-${hex(random, 7)}`];
    else if (kind < 0.85) tags = [`pr-${Math.floor(random() * 5000)}`, `sha-${hex(random, 12)}`];
    else if (kind < 0.95) tags = [`nightly-${new Date(pushed).toISOString().slice(0, 10).replaceAll('-', '')}`];
    else tags = ['latest', `v${Math.floor(random() * 5)}.0.0`];
    chunk.push({
      imageDigest: `sha256:${hex(random, 64)}`,
      ...(tags ? { imageTags: tags } : {}),
      imageSizeInBytes: Math.floor(random() * 500_000_000),
      imagePushedAt: new Date(pushed).toISOString(),
      imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
      imageStatus: 'ACTIVE',
      ...(random() < 0.5 ? { lastRecordedPullTime: new Date(pushed + Math.floor(random() * (NOW - pushed))).toISOString() } : {}),
    });
  }
  flush();
  return images;
}

const policy = parsePolicyOrThrow(
  JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: 'keep the newest 100 releases',
        selection: { tagStatus: 'tagged', tagPatternList: ['v*.*.*'], countType: 'imageCountMoreThan', countNumber: 100 },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: 'pull-request builds live two weeks',
        selection: { tagStatus: 'tagged', tagPrefixList: ['pr-'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
        action: { type: 'expire' },
      },
      {
        rulePriority: 3,
        description: 'keep the newest 200 main builds',
        selection: { tagStatus: 'tagged', tagPatternList: ['main-*'], countType: 'imageCountMoreThan', countNumber: 200 },
        action: { type: 'expire' },
      },
      {
        rulePriority: 4,
        description: 'untagged images go after a week',
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
        action: { type: 'expire' },
      },
      {
        rulePriority: 5,
        description: 'archive anything not pulled for 90 days',
        selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 },
        action: { type: 'transition', targetStorageClass: 'archive' },
      },
    ],
  }),
);

let peakRss = process.memoryUsage().rss;
const sample = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

const images = generate(IMAGES);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

function timeSort(): number {
  const random = rng(7);
  const values = new Float64Array(1_000_000);
  for (let i = 0; i < values.length; i++) values[i] = random();
  const start = performance.now();
  values.sort();
  return performance.now() - start;
}

// evalMs: ImageDetail objects in, every image's decision out (time parsing, index detection,
// ranking, all rules). previewMs: turning the decisions into ECR's preview JSON objects, reported
// apart because it is output formatting whose cost grows with the number of acted images.
function timeEval(): { ms: number; previewMs: number; acted: number; expiring: number } {
  const start = performance.now();
  const evaluation = evaluatePolicy(policy, images, { now: NOW });
  const ms = performance.now() - start;
  const preview = evaluation.preview();
  const previewMs = performance.now() - start - ms;
  return { ms, previewMs, acted: evaluation.actedIndexes.length, expiring: preview.summary.expiringImageTotalCount };
}

// One warm-up of each, then the best of three: the figures compare steady-state code, not the JIT.
timeSort();
timeEval();
let sortMs = Infinity;
let evalMs = Infinity;
let previewMs = Infinity;
let acted = 0;
let expiring = 0;
for (let run = 0; run < 3; run++) {
  sortMs = Math.min(sortMs, timeSort());
  const e = timeEval();
  evalMs = Math.min(evalMs, e.ms);
  previewMs = Math.min(previewMs, e.previewMs);
  acted = e.acted;
  expiring = e.expiring;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
clearInterval(sample);
console.error(
  `acted on ${acted} of ${images.length} images (${expiring} expire, ${acted - expiring} archive); preview JSON objects built in ${Math.round(previewMs)} ms`,
);
console.log(
  JSON.stringify({
    images: images.length,
    rules: policy.rules.length,
    evalMs: Math.round(evalMs),
    sortMs: Math.round(sortMs),
    ratio: Number((evalMs / sortMs).toFixed(2)),
    peakRssMb: Math.round(peakRss / 1048576),
  }),
);
