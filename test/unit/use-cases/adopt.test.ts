import type { AdviceFile } from '../../../src/domain/advice';
import { InUseCatalog } from '../../../src/domain/in-use';
import { PolicyWriteError, type PolicyWriteFailure } from '../../../src/domain/errors';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';
import { adoptAdvice, type AdoptOptions } from '../../../src/use-cases/adopt';
import { advised, entryOf, releases } from '../support/advice';
import type { FakeRegistry } from '../support/fake-registry';
import { NOW } from '../support/images';
import { UNTAGGED_30_DAYS } from '../support/policies';

const instant = { sleep: async () => undefined, now: () => NOW, random: () => 0.5 };
const OPTIONS: AdoptOptions = { selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] }, apply: true, concurrency: 2, pacing: instant };

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
      guard: { enabled: true, horizonDays: 7, inUse: { catalog: async () => catalog }, now: () => NOW },
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

describe('adoptAdvice writes as remediation does (src/use-cases/remediation/safe-write.ts)', () => {
  const writeError = (failure: PolicyWriteFailure, code: string): PolicyWriteError =>
    new PolicyWriteError(`PutLifecyclePolicy failed (${code})`, failure, code);

  /** The calls about `web`, with `slot` where the write pace was taken (the fake counts slots without naming a repository). */
  function sequenceOf(registry: FakeRegistry, slots: number[]): string[] {
    const out: string[] = [];
    registry.calls.forEach((call, i) => {
      for (const at of slots) if (at === i) out.push('slot');
      if (call.repositoryName === 'web') out.push(call.operation);
    });
    return out;
  }

  /** Adoption's check: the policy (still the one advised from?) and the tags (opted out?). */
  const CHECK = ['getLifecyclePolicy', 'listTags'];
  /** A write round: the pace, the re-read (with the tags once more), the put at once. */
  const PACED_WRITE = ['slot', 'getLifecyclePolicy', 'listTags', 'putLifecyclePolicy'];

  /** Records, at each write slot, how many calls the registry had received. */
  function recordSlots(registry: FakeRegistry): number[] {
    const slots: number[] = [];
    registry.acquireWriteSlot = async () => void slots.push(registry.calls.length);
    return slots;
  }

  it('takes the write pace before the re-read, then sends one put at once and reads it back', async () => {
    const { registry, file } = await advised();
    const slots = recordSlots(registry);
    registry.calls.length = 0;
    await adoptAdvice([{ reader: registry, writer: registry }], { ...file, repositories: [entryOf(file, 'web')] }, OPTIONS);
    // The check (policy, tags), the guard-free decision, then: pace → re-read → put → read-back.
    expect(sequenceOf(registry, slots)).toEqual([...CHECK, ...PACED_WRITE, 'getLifecyclePolicy']);
  });

  it('sends a throttled write back to the pace, decides again from a fresh read, and never overwrites a change made meanwhile', async () => {
    const { registry, file } = await advised();
    const slots = recordSlots(registry);
    registry.failNextWrites('web', { error: writeError('throttled', 'ThrottlingException'), landed: false });
    // While the throttled write waits for its next turn, a team puts its own policy.
    const pacing = { ...instant, sleep: async () => registry.addRepository({ name: 'web', images: releases, policy: UNTAGGED_30_DAYS }) };
    registry.calls.length = 0;
    const result = await adoptAdvice(
      [{ reader: registry, writer: registry }],
      { ...file, repositories: [entryOf(file, 'web')] },
      {
        ...OPTIONS,
        pacing,
      },
    );
    expect(result.actions[0]).toMatchObject({ outcome: 'skipped-changed', before: UNTAGGED_30_DAYS });
    expect(registry.policyOf('web')).toBe(UNTAGGED_30_DAYS);
    // Each round takes the pace before its re-read: the throttled put, a read that finds the team's
    // text (the decision is void), a read that confirms it (the advice no longer applies).
    expect(sequenceOf(registry, slots)).toEqual([...CHECK, ...PACED_WRITE, 'slot', 'getLifecyclePolicy', 'slot', 'getLifecyclePolicy']);
  });

  it('writes no second time when the answer of a write is lost and reading back does not show it (unknown-outcome)', async () => {
    const { registry, file } = await advised();
    registry.failNextWrites('web', { error: writeError('unknown', 'TimeoutError'), landed: false });
    const result = await adoptAdvice([{ reader: registry, writer: registry }], file, OPTIONS);
    const web = result.actions.find((a) => a.repositoryName === 'web');
    expect(web).toMatchObject({ outcome: 'unknown-outcome', writeAttempts: 1 });
    expect(web?.message).toMatch(/TimeoutError.*nothing more is written to this repository in this run/);
    expect(registry.callsOf('putLifecyclePolicy', 'web')).toHaveLength(1);
    expect(registry.policyOf('web')).toBe(entryOf(file, 'web').currentPolicyText ?? undefined);
  });

  it('counts a write whose answer was lost as applied when reading back shows it landed', async () => {
    const { registry, file } = await advised();
    registry.failNextWrites('web', { error: writeError('unknown', 'ServerException'), landed: true });
    const result = await adoptAdvice([{ reader: registry, writer: registry }], file, OPTIONS);
    expect(result.actions.find((a) => a.repositoryName === 'web')).toMatchObject({
      outcome: 'applied',
      readBack: 'matches',
      writeAttempts: 1,
    });
    expect(registry.callsOf('putLifecyclePolicy', 'web')).toHaveLength(1);
    expect(registry.policyOf('web')).toBe(entryOf(file, 'web').recommendedPolicyText);
  });

  it('reports a write refused by ECR as the repository failing, and adopts the others', async () => {
    const { registry, file } = await advised();
    registry.failNextWrites('web', { error: writeError('rejected', 'InvalidParameterException'), landed: false });
    const result = await adoptAdvice([{ reader: registry, writer: registry }], file, OPTIONS);
    expect(result.actions.map((a) => [a.repositoryName, a.outcome])).toEqual([
      ['api', 'applied'],
      ['web', 'failed'],
    ]);
    expect(result.errors.map((e) => e.repositoryName)).toEqual(['web']);
  });
});
