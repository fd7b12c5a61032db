// Benchmark of the policy engine: a 5-rule policy over 1,000,000 generated images, compared with a
// native sort of 1,000,000 doubles in the same process so the figure is a ratio, not a wall time.
// Last line: {"images","rules","evalMs","sortMs","ratio","peakRssMb"}.
// Also the scaffold of the benchmarks of the domain (bench:advise): the clock, counts from the
// environment, rules, flat copies of generated data, the peak-memory meter and the last line.
import type { ImageDetail } from '../../src/domain/image';
import { evaluatePolicy, parsePolicyOrThrow, type LifecycleRule } from '../../src/domain/policy';
import { hex, rng } from '../lib/random';

/** The clock of the generated benchmarks: images are pushed in the 400 days before it. */
export const BENCH_NOW = Date.parse('2026-11-01T00:00:00Z');
/** A day in milliseconds. */
export const DAY_MS = 86_400_000;

/** The whole number in the environment variable `name` (e.g. BENCH_IMAGES), else `fallback`. */
export function benchCount(name: string, fallback: number): number {
  return Number(process.env[name] ?? fallback);
}

/** A lifecycle rule of a generated policy (priority, description, selection; expire unless told). */
export function benchRule(
  rulePriority: number,
  description: string,
  selection: LifecycleRule['selection'],
  action: LifecycleRule['action'] = { type: 'expire' },
): LifecycleRule {
  return { rulePriority, description, selection, action };
}

/**
 * A copy of generated data through JSON text, as real input comes (describe-images output,
 * snapshots): JSON.parse gives flat strings, where concatenation leaves memory-hungry rope strings.
 */
export function flatCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The peak resident memory of the process: sampled every 20 ms while the event loop turns, and at
 * each `sample()` (with a figure of its own, e.g. the kernel's maxRSS); `stop()` ends the sampling
 * and gives the peak in MiB.
 */
export function peakRssMeter(): { sample(bytes?: number): void; stop(): number } {
  let peak = process.memoryUsage().rss;
  const sample = (bytes = 0): void => {
    peak = Math.max(peak, process.memoryUsage().rss, bytes);
  };
  const timer = setInterval(sample, 20);
  return {
    sample,
    stop() {
      clearInterval(timer);
      return Math.round(peak / 1048576);
    },
  };
}

/** Prints a benchmark's figures as its last line on stdout: one JSON object. */
export function printFigures(figures: object): void {
  console.log(JSON.stringify(figures));
}

/** Whether this file runs as the script `name` (dist/bench/NAME.js), not bundled into another benchmark. */
export function runsAs(name: string): boolean {
  const script = process.argv[1] ?? '';
  return script
    .replace(/\\/g, '/')
    .replace(/\.[cm]?[jt]s$/, '')
    .endsWith(`/${name}`);
}

function generate(count: number): ImageDetail[] {
  const random = rng(42);
  const images: ImageDetail[] = [];
  // Built in chunks that go through JSON text (flatCopy).
  let chunk: ImageDetail[] = [];
  const flush = (): void => {
    for (const image of flatCopy(chunk)) images.push(image);
    chunk = [];
  };
  for (let i = 0; i < count; i++) {
    if (chunk.length === 10_000) flush();
    const pushed = BENCH_NOW - Math.floor(random() * 400 * DAY_MS);
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
      ...(random() < 0.5 ? { lastRecordedPullTime: new Date(pushed + Math.floor(random() * (BENCH_NOW - pushed))).toISOString() } : {}),
    });
  }
  flush();
  return images;
}

const POLICY = {
  rules: [
    benchRule(1, 'keep the newest 100 releases', {
      tagStatus: 'tagged',
      tagPatternList: ['v*.*.*'],
      countType: 'imageCountMoreThan',
      countNumber: 100,
    }),
    benchRule(2, 'pull-request builds live two weeks', {
      tagStatus: 'tagged',
      tagPrefixList: ['pr-'],
      countType: 'sinceImagePushed',
      countUnit: 'days',
      countNumber: 14,
    }),
    benchRule(3, 'keep the newest 200 main builds', {
      tagStatus: 'tagged',
      tagPatternList: ['main-*'],
      countType: 'imageCountMoreThan',
      countNumber: 200,
    }),
    benchRule(4, 'untagged images go after a week', {
      tagStatus: 'untagged',
      countType: 'sinceImagePushed',
      countUnit: 'days',
      countNumber: 7,
    }),
    benchRule(
      5,
      'archive anything not pulled for 90 days',
      { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 },
      { type: 'transition', targetStorageClass: 'archive' },
    ),
  ],
};

function timeSort(): number {
  const random = rng(7);
  const values = new Float64Array(1_000_000);
  for (let i = 0; i < values.length; i++) values[i] = random();
  const start = performance.now();
  values.sort();
  return performance.now() - start;
}

function main(): void {
  const policy = parsePolicyOrThrow(JSON.stringify(POLICY));
  const meter = peakRssMeter();
  const images = generate(benchCount('BENCH_IMAGES', 1_000_000));
  meter.sample();

  // evalMs: ImageDetail objects in, every image's decision out (time parsing, index detection,
  // ranking, all rules). previewMs: turning the decisions into ECR's preview JSON objects, reported
  // apart because it is output formatting whose cost grows with the number of acted images.
  const timeEval = (): { ms: number; previewMs: number; acted: number; expiring: number } => {
    const start = performance.now();
    const evaluation = evaluatePolicy(policy, images, { now: BENCH_NOW });
    const ms = performance.now() - start;
    const preview = evaluation.preview();
    const previewMs = performance.now() - start - ms;
    return { ms, previewMs, acted: evaluation.actedIndexes.length, expiring: preview.summary.expiringImageTotalCount };
  };

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
    meter.sample();
  }
  const peakRssMb = meter.stop();
  console.error(
    `acted on ${acted} of ${images.length} images (${expiring} expire, ${acted - expiring} archive); preview JSON objects built in ${Math.round(previewMs)} ms`,
  );
  printFigures({
    images: images.length,
    rules: policy.rules.length,
    evalMs: Math.round(evalMs),
    sortMs: Math.round(sortMs),
    ratio: Number((evalMs / sortMs).toFixed(2)),
    peakRssMb,
  });
}

if (runsAs('engine')) main();
