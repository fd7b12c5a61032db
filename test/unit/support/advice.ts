/**
 * An advice file as `advise` makes it, over a fake registry of two repositories: `web` without a
 * policy and `api` with one, both holding eight releases: for the tests that read or adopt an
 * advice file.
 */
import type { AdviceFile, RepositoryAdvice } from '../../../src/domain/advice';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';
import type { ImageDetail } from '../../../src/domain/image';
import { advise } from '../../../src/use-cases/advise';
import { FakeRegistry } from './fake-registry';
import { NOW, imageOf } from './images';
import { blob, imageManifest } from './manifests';
import { UNTAGGED_30_DAYS } from './policies';

/** Eight tagged releases, ten days apart, the oldest 100 days old. */
export const releases: ImageDetail[] = Array.from({ length: 8 }, (_, i) =>
  imageOf(imageManifest({ config: blob(`r${i}-c`, 100), layers: [blob(`r${i}`, 1_000_000)] }), {
    tags: [`v1.${i}.0`],
    pushedDaysAgo: 100 - i * 10,
  }),
);

/** The registry of the two repositories and the advice made for it. */
export async function advised(): Promise<{ registry: FakeRegistry; file: AdviceFile }> {
  const registry = new FakeRegistry('eu-west-1', [
    { name: 'web', images: releases },
    { name: 'api', images: releases, policy: UNTAGGED_30_DAYS },
  ]);
  const { file } = await advise([registry], {
    now: NOW,
    generatedAt: NOW,
    days: 7,
    pricePerGbMonth: 0.1,
    archivePricePerGbMonth: null,
    keepPulledDays: 90,
    rollbackMargin: 3,
    selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
    concurrency: 1,
  });
  return { registry, file };
}

/** The advice of the repository `name` in `file`. */
export function entryOf(file: AdviceFile, name: string): RepositoryAdvice {
  const entry = file.repositories.find((r) => r.repositoryName === name);
  if (entry === undefined) throw new Error(`no advice for ${name}`);
  return entry;
}
