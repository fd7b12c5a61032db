import { parseAdviceFile } from '../../../src/adapters/advice/advice-file';
import type { AdviceFile, RepositoryAdvice } from '../../../src/domain/advice';
import { InUseCatalog } from '../../../src/domain/in-use';
import { InvalidInputError } from '../../../src/domain/errors';
import type { ImageDetail } from '../../../src/domain/image';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';
import { adoptAdvice, type AdoptOptions } from '../../../src/use-cases/adopt';
import { advise } from '../../../src/use-cases/advise';
import { FakeRegistry } from '../support/fake-registry';
import { NOW, imageOf } from '../support/images';
import { blob, imageManifest } from '../support/manifests';
import { UNTAGGED_30_DAYS } from '../support/policies';

const releases: ImageDetail[] = Array.from({ length: 8 }, (_, i) =>
  imageOf(imageManifest({ config: blob(`r${i}-c`, 100), layers: [blob(`r${i}`, 1_000_000)] }), {
    tags: [`v1.${i}.0`],
    pushedDaysAgo: 100 - i * 10,
  }),
);

const instant = { sleep: async () => undefined, now: () => NOW, random: () => 0.5 };
const OPTIONS: AdoptOptions = { selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] }, apply: true, concurrency: 2, pacing: instant };

/** A registry of two repositories and the advice made for it. */
async function advised(): Promise<{ registry: FakeRegistry; file: AdviceFile }> {
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
    selection: OPTIONS.selection,
    concurrency: 1,
  });
  return { registry, file };
}

function entryOf(file: AdviceFile, name: string): RepositoryAdvice {
  const entry = file.repositories.find((r) => r.repositoryName === name);
  if (entry === undefined) throw new Error(`no advice for ${name}`);
  return entry;
}

describe('adoptAdvice', () => {
  it('writes each recommended policy while the policy is still the one advised from, and reads it back', async () => {
    const { registry, file } = await advised();
    const result = await adoptAdvice([{ reader: registry, writer: registry }], file, OPTIONS);
    expect(result.actions.map((a) => [a.repositoryName, a.outcome, a.readBack])).toEqual([
      ['api', 'applied', 'matches'],
      ['web', 'applied', 'matches'],
    ]);
    expect(registry.policyOf('web')).toBe(entryOf(file, 'web').recommendedPolicyText);
    expect(registry.policyOf('api')).toBe(entryOf(file, 'api').recommendedPolicyText);
    expect(registry.writes).toHaveLength(2);
  });

  it('is a dry run without apply', async () => {
    const { registry, file } = await advised();
    const result = await adoptAdvice([{ reader: registry, writer: registry }], file, { ...OPTIONS, apply: false });
    expect(result.actions.map((a) => a.outcome)).toEqual(['planned', 'planned']);
    expect(result.actions[1]?.after).toBe(entryOf(file, 'web').recommendedPolicyText);
    expect(registry.writes).toEqual([]);
  });

  it('skips a repository whose policy changed since the advice was made', async () => {
    const { registry, file } = await advised();
    registry.addRepository({ name: 'web', images: releases, policy: UNTAGGED_30_DAYS });
    const result = await adoptAdvice([{ reader: registry, writer: registry }], file, OPTIONS);
    const web = result.actions.find((a) => a.repositoryName === 'web');
    expect(web).toMatchObject({ outcome: 'skipped-changed', before: UNTAGGED_30_DAYS });
    expect(web?.message).toContain('changed since the advice was made');
    expect(registry.writes.map((w) => w.repositoryName)).toEqual(['api']);
  });

  it('never writes over a policy that changes between its check and its write', async () => {
    const { registry, file } = await advised();
    // The advice's read and adoption's check see the advised policy; another writer's text lands right after the check.
    registry.changePolicyAfterRead('web', UNTAGGED_30_DAYS, 2);
    const result = await adoptAdvice([{ reader: registry, writer: registry }], file, OPTIONS);
    expect(result.actions.find((a) => a.repositoryName === 'web')?.outcome).toBe('skipped-changed');
    expect(registry.policyOf('web')).toBe(UNTAGGED_30_DAYS);
  });

  it('honours the opt-out tag and the exclude globs', async () => {
    const { registry, file } = await advised();
    registry.addRepository({ name: 'web', images: releases, tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }] });
    const result = await adoptAdvice([{ reader: registry, writer: registry }], file, {
      ...OPTIONS,
      selection: { ...OPTIONS.selection, exclude: ['api'] },
    });
    expect(result.actions.map((a) => [a.repositoryName, a.outcome])).toEqual([
      ['api', 'skipped-excluded'],
      ['web', 'skipped-opt-out'],
    ]);
    expect(registry.writes).toEqual([]);
  });

  it('holds a policy that would now remove an image in use, judged on fresh reads', async () => {
    const { registry, file } = await advised();
    // Since the advice, a service started on the oldest release, which the advice expires.
    const oldest = releases[0]?.imageDigest as string;
    const catalog = new InUseCatalog().add([
      { region: 'eu-west-1', repositoryName: 'web', imageDigest: oldest, consumer: 'ecs:service/prod/web' },
    ]);
    const result = await adoptAdvice([{ reader: registry, writer: registry }], file, {
      ...OPTIONS,
      guard: { enabled: true, horizonDays: 7, inUse: { forRegion: async () => catalog }, now: () => NOW },
    });
    const web = result.actions.find((a) => a.repositoryName === 'web');
    expect(web?.outcome).toBe('held-in-use');
    expect(web?.inUseAtRisk?.map((i) => i.imageDigest)).toEqual([oldest]);
    expect(registry.writes.map((w) => w.repositoryName)).toEqual(['api']);
  });

  it('writes no advice of "none", and fails a repository of a region the run does not reach', async () => {
    const { registry, file } = await advised();
    const withNone: AdviceFile = {
      ...file,
      repositories: [
        { ...entryOf(file, 'web'), advice: 'none', recommendedPolicyText: null },
        { ...entryOf(file, 'api'), region: 'us-east-1' },
      ],
    };
    const result = await adoptAdvice([{ reader: registry, writer: registry }], withNone, OPTIONS);
    expect(result.withoutAdvice).toBe(1);
    expect(result.actions).toEqual([expect.objectContaining({ region: 'us-east-1', repositoryName: 'api', outcome: 'failed' })]);
    expect(result.errors[0]?.message).toContain('pass --region us-east-1');
    expect(registry.writes).toEqual([]);
  });
});

describe('parseAdviceFile', () => {
  it('reads the file advise writes', async () => {
    const { file } = await advised();
    expect(parseAdviceFile(JSON.parse(JSON.stringify(file)), 'advice.json')).toEqual(file);
  });

  it('refuses another format, naming the file and the fix', () => {
    expect(() => parseAdviceFile({ format: 'ecr-janitor-snapshot/1' }, 'x.json')).toThrow(
      /advice file x\.json is not of format ecr-janitor-advice\/1 .*advise --format json/,
    );
  });

  it('refuses a file that recommends a policy ECR would refuse, whole', async () => {
    const { file } = await advised();
    const broken = { ...file, repositories: [{ ...entryOf(file, 'web'), recommendedPolicyText: '{"rules":[]}' }] };
    expect(() => parseAdviceFile(broken, 'advice.json')).toThrow(InvalidInputError);
    expect(() => parseAdviceFile(broken, 'advice.json')).toThrow(
      /repositories\[0\] \(111122223333\/eu-west-1\/web\) recommends a policy ECR would refuse/,
    );
  });
});
