import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PolicyWriteError } from '../../../src/domain/errors';
import { mergeDefaultRule, parsePolicyOrThrow } from '../../../src/domain/policy';
import type { PolicyChangedDeps } from '../../../src/handlers/deps/event';
import { makeHandler } from '../../../src/handlers/on-policy-changed';
import { logger, metrics } from '../../../src/handlers/runtime/powertools';
import { InUseCatalog } from '../../../src/domain/in-use';
import { MemoryRepairStore } from '../../../src/adapters/memory/memory-repair-store';
import { FakeRegistry, awsError, onlyIn } from '../support/fake-registry';
import { imageOf } from '../support/images';
import { blob, imageManifest } from '../support/manifests';
import { keepNewestTagged, policyText, TAGGED_ONLY } from '../support/policies';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';

const EVENTS_DIR = path.resolve(__dirname, '..', '..', '..', 'events');
const REPO = 'team-a/web-api';
const ACCOUNT = '123456789012';

interface PolicyEvent {
  id: string;
  account: string;
  region: string;
  detail: {
    awsRegion: string;
    eventTime: string;
    eventName: string;
    requestParameters: { repositoryName: string; registryId?: string; lifecyclePolicyText?: string };
    userIdentity: { arn: string; sessionContext?: unknown };
    resources?: Array<{ ARN: string }>;
  };
}

/** A sample event from events/, with `change` applied. */
function event(file: string, change: (e: PolicyEvent) => void = () => undefined): PolicyEvent {
  const e = JSON.parse(readFileSync(path.join(EVENTS_DIR, file), 'utf8')) as PolicyEvent;
  change(e);
  return e;
}

/** The team's text in the PutLifecyclePolicy sample, and the time of its call. */
const SAMPLE = event('put-lifecycle-policy.json');
const TEAM_TEXT = SAMPLE.detail.requestParameters.lifecyclePolicyText ?? '';
const TEAM_AT = Date.parse(SAMPLE.detail.eventTime);

const instant = { sleep: (): Promise<void> => Promise.resolve(), random: () => 0 };

function handlerOver(
  registry: FakeRegistry,
  config: Partial<PolicyChangedDeps['config']> = {},
  inUse?: PolicyChangedDeps['inUse'],
  repair?: PolicyChangedDeps['repair'],
) {
  const deps: PolicyChangedDeps = {
    ...(inUse === undefined ? {} : { inUse }),
    ...(repair === undefined ? {} : { repair }),
    config: {
      defaultDays: 7,
      dryRun: false,
      optOutTag: DEFAULT_OPT_OUT_TAG,
      exclude: [],
      regions: ['us-east-1'],
      janitorRoles: [],
      enforcedMaxUntaggedDays: undefined,
      ...config,
    },
    registry: onlyIn(registry),
    pacing: instant,
  };
  return makeHandler(deps);
}

describe('onPolicyChanged handler', () => {
  beforeAll(() => {
    logger.setLogLevel('SILENT');
  });
  afterEach(() => {
    metrics.clearMetrics();
  });

  describe("a team's write lost to a janitor write", () => {
    it("puts the team's text back, with the default rule, when the janitor wrote a merge of an older read after the team's call", async () => {
      // Arrange: the janitor read TAGGED_ONLY a second before the team's call and wrote after it.
      const clobbered = mergeDefaultRule(TAGGED_ONLY, 7, { basedOnReadAt: TEAM_AT - 1000 }).text;
      const registry = new FakeRegistry('us-east-1', [{ name: REPO, policy: clobbered }], ACCOUNT);
      const addMetric = jest.spyOn(metrics, 'addMetric');

      // Act
      const result = await handlerOver(registry)(SAMPLE);

      // Assert
      const restored = mergeDefaultRule(TEAM_TEXT, 7, { basedOnReadAt: TEAM_AT }).text;
      expect(result).toMatchObject({ status: 'done', action: { outcome: 'applied', before: clobbered, after: restored } });
      expect(registry.policyOf(REPO)).toBe(restored);
      expect(parsePolicyOrThrow(restored).rules).toEqual(expect.arrayContaining(parsePolicyOrThrow(TEAM_TEXT).rules));
      expect(addMetric).toHaveBeenCalledWith('TeamWritesRestored', 'Count', 1);
    });

    it('leaves a janitor write alone when it was merged from a read after the call', async () => {
      // Arrange: the janitor read the policy two seconds after the call — the team's write was not lost then.
      const later = mergeDefaultRule(TAGGED_ONLY, 7, { basedOnReadAt: TEAM_AT + 2000 }).text;
      const registry = new FakeRegistry('us-east-1', [{ name: REPO, policy: later }], ACCOUNT);

      // Act
      const result = await handlerOver(registry)(SAMPLE);

      // Assert
      expect(result).toMatchObject({ status: 'done', action: { outcome: 'compliant' } });
      expect(registry.writes).toEqual([]);
    });

    it('does not restore on a dry run', async () => {
      // Arrange
      const clobbered = mergeDefaultRule(TAGGED_ONLY, 7, { basedOnReadAt: TEAM_AT - 1000 }).text;
      const registry = new FakeRegistry('us-east-1', [{ name: REPO, policy: clobbered }], ACCOUNT);

      // Act
      const result = await handlerOver(registry, { dryRun: true })(SAMPLE);

      // Assert
      expect(result).toMatchObject({ status: 'done', action: { outcome: 'compliant' } });
      expect(registry.writes).toEqual([]);
    });

    it('puts back the deletion a janitor write undid: the default rule alone', async () => {
      // Arrange: the janitor read the team's old policy, the team deleted it, the janitor wrote the old rules back.
      const deletion = event('delete-lifecycle-policy.json');
      const oldRules = policyText(keepNewestTagged(1, 'prod', 5));
      const clobbered = mergeDefaultRule(oldRules, 7, { basedOnReadAt: Date.parse(deletion.detail.eventTime) - 5000 }).text;
      const registry = new FakeRegistry(
        'us-east-1',
        [{ name: deletion.detail.requestParameters.repositoryName, policy: clobbered }],
        ACCOUNT,
      );

      // Act
      const result = await handlerOver(registry)(deletion);

      // Assert
      expect(result).toMatchObject({ status: 'done', action: { outcome: 'applied' } });
      expect(parsePolicyOrThrow(registry.policyOf(deletion.detail.requestParameters.repositoryName) ?? '').rules).toHaveLength(1);
    });
  });

  describe("the janitor's own writes", () => {
    const JANITOR = 'ecr-janitor-prod-us-east-1-policy';
    /** The janitor's own PutLifecyclePolicy of `text`, at `at`. */
    const own = (text: string, at: number) =>
      event('put-lifecycle-policy.json', (e) => {
        e.id = 'janitor-write';
        e.detail.eventTime = new Date(at).toISOString();
        e.detail.userIdentity = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${JANITOR}/session` };
        e.detail.requestParameters.lifecyclePolicyText = text;
      });

    it('ignores them without the repair store, reading nothing', async () => {
      const registry = new FakeRegistry('us-east-1', [{ name: REPO, policy: TAGGED_ONLY }], ACCOUNT);

      const result = await handlerOver(registry, { janitorRoles: [JANITOR] })(own(TAGGED_ONLY, TEAM_AT + 5000));

      expect(result).toEqual({ status: 'ignored', reason: 'written by ecr-janitor itself' });
      expect(registry.calls).toEqual([]);
    });

    it('with the repair store, puts back the newest team write a late janitor write replaced, once', async () => {
      // Arrange: the team's write is handled and recorded; then a janitor write merged from an older read lands over it.
      const registry = new FakeRegistry('us-east-1', [{ name: REPO, policy: TAGGED_ONLY }], ACCOUNT);
      const repair = new MemoryRepairStore();
      const handle = handlerOver(registry, { janitorRoles: [JANITOR] }, undefined, repair);
      await handle(SAMPLE);
      const late = mergeDefaultRule(TAGGED_ONLY, 7, { basedOnReadAt: TEAM_AT - 1000 }).text;
      registry.addRepository({ name: REPO, policy: late });

      // Act
      const result = await handle(own(late, TEAM_AT + 5000));
      const again = await handle(own(late, TEAM_AT + 5000));

      // Assert
      const restored = mergeDefaultRule(TEAM_TEXT, 7, { basedOnReadAt: TEAM_AT }).text;
      expect(result).toMatchObject({ status: 'done', action: { outcome: 'applied', before: late, after: restored } });
      expect(registry.policyOf(REPO)).toBe(restored);
      expect(again).toEqual({ status: 'ignored', reason: 'written by ecr-janitor itself, over no newer team write' });
    });
  });

  describe('scope', () => {
    it('acts in the region the event names, not the one the function runs in', async () => {
      // Arrange
      const oregon = new FakeRegistry('us-west-2', [{ name: REPO, policy: TEAM_TEXT }], ACCOUNT);
      const forwarded = event('put-lifecycle-policy.json', (e) => {
        e.region = 'us-west-2';
        e.detail.awsRegion = 'us-west-2';
        e.detail.resources = [{ ARN: `arn:aws:ecr:us-west-2:${ACCOUNT}:repository/${REPO}` }];
      });

      // Act
      const result = await handlerOver(oregon, { regions: ['us-east-1', 'us-west-2'] })(forwarded);

      // Assert
      expect(result).toMatchObject({ status: 'done', action: { outcome: 'applied', region: 'us-west-2' } });
      expect(oregon.writes).toHaveLength(1);
    });

    it('acknowledges an event from a region that is not configured without calling ECR', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-north-1', [{ name: REPO, policy: TEAM_TEXT }], ACCOUNT);
      const elsewhere = event('put-lifecycle-policy.json', (e) => {
        e.region = 'eu-north-1';
        e.detail.awsRegion = 'eu-north-1';
      });

      // Act
      const result = await handlerOver(registry)(elsewhere);

      // Assert
      expect(result).toEqual({
        status: 'ignored',
        reason: expect.stringContaining('eu-north-1, which is not one of the configured regions'),
      });
      expect(registry.calls).toEqual([]);
    });

    it("acknowledges a call on another account's registry without calling ECR", async () => {
      // Arrange
      const registry = new FakeRegistry('us-east-1', [{ name: REPO, policy: TEAM_TEXT }], ACCOUNT);
      const foreign = event('put-lifecycle-policy.json', (e) => {
        e.detail.requestParameters.registryId = '999999999999';
      });

      // Act
      const result = await handlerOver(registry)(foreign);

      // Assert
      expect(result).toMatchObject({ status: 'ignored', reason: expect.stringContaining("another account's registry (999999999999)") });
      expect(registry.calls).toEqual([]);
    });

    it('builds the repository ARN in the partition of the region when the event carries none', async () => {
      // Arrange
      const registry = new FakeRegistry('cn-north-1', [{ name: REPO, tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }] }], ACCOUNT);
      const listTags = jest.spyOn(registry, 'listTags');
      const china = event('delete-lifecycle-policy.json', (e) => {
        e.region = 'cn-north-1';
        e.detail.awsRegion = 'cn-north-1';
        e.detail.requestParameters.repositoryName = REPO;
        delete e.detail.resources;
      });

      // Act
      await handlerOver(registry, { regions: ['cn-north-1'] })(china);

      // Assert
      expect(listTags).toHaveBeenCalledWith(
        expect.objectContaining({ repositoryArn: `arn:aws-cn:ecr:cn-north-1:${ACCOUNT}:repository/${REPO}` }),
      );
    });
  });

  describe('the repository it writes', () => {
    it('reads the opt-out tags of the repository it writes, not of another repository the event lists', async () => {
      // Arrange: the written repository opted out; the event's resources name one that did not.
      const registry = new FakeRegistry(
        'us-east-1',
        [
          { name: REPO, policy: TEAM_TEXT, tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }] },
          { name: 'team-b/other', policy: TEAM_TEXT },
        ],
        ACCOUNT,
      );
      const listTags = jest.spyOn(registry, 'listTags');
      const misleading = event('put-lifecycle-policy.json', (e) => {
        e.detail.resources = [{ ARN: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/team-b/other` }];
      });

      // Act
      const result = await handlerOver(registry)(misleading);

      // Assert
      expect(result).toMatchObject({ status: 'done', action: { outcome: 'skipped-opt-out', repositoryName: REPO } });
      expect(listTags).toHaveBeenCalledWith(
        expect.objectContaining({ repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/${REPO}` }),
      );
      expect(registry.writes).toEqual([]);
    });
  });

  describe('the time of the call', () => {
    const NOW = Date.parse('2025-06-03T15:00:00Z');
    const at = (offsetMs: number) =>
      event('put-lifecycle-policy.json', (e) => (e.detail.eventTime = new Date(NOW + offsetMs).toISOString()));
    const handlerAt = (registry: FakeRegistry) =>
      makeHandler({
        config: {
          defaultDays: 7,
          dryRun: false,
          optOutTag: DEFAULT_OPT_OUT_TAG,
          exclude: [],
          regions: ['us-east-1'],
          janitorRoles: [],
          enforcedMaxUntaggedDays: undefined,
        },
        registry: onlyIn(registry),
        pacing: instant,
        now: () => NOW,
      });

    it('refuses an event time more than five minutes ahead of the clock, dropped without calling ECR', async () => {
      // Arrange: a forged time would make every janitor write look older than the call.
      const registry = new FakeRegistry('us-east-1', [{ name: REPO, policy: TEAM_TEXT }], ACCOUNT);
      const addMetric = jest.spyOn(metrics, 'addMetric');

      // Act
      const result = await handlerAt(registry)(at(60 * 60_000));

      // Assert
      expect(result).toEqual({
        status: 'dropped',
        code: 'InvalidInputError',
        reason: expect.stringContaining('60 minutes ahead of this function'),
      });
      expect(registry.calls).toEqual([]);
      expect(addMetric).toHaveBeenCalledWith('EventsDropped', 'Count', 1);
    });

    it.each([
      ['a little ahead (clock skew)', 4 * 60_000],
      ['in the past', -60_000],
    ])('handles an event time %s', async (_label, offset) => {
      // Arrange
      const registry = new FakeRegistry('us-east-1', [{ name: REPO, policy: TEAM_TEXT }], ACCOUNT);

      // Act
      const result = await handlerAt(registry)(at(offset));

      // Assert
      expect(result).toMatchObject({ status: 'done', action: { outcome: 'applied' } });
    });
  });

  describe('failures', () => {
    it.each([
      { code: 'RepositoryNotFoundException', where: 'read', error: awsError('RepositoryNotFoundException', 'gone') },
      {
        code: 'InvalidParameterException',
        where: 'write',
        error: new PolicyWriteError('refused', 'rejected', 'InvalidParameterException'),
      },
    ])('acknowledges $code and counts it, rather than retrying into the dead-letter queue', async ({ code, where, error }) => {
      // Arrange
      const registry = new FakeRegistry('us-east-1', [{ name: REPO, policy: TEAM_TEXT }], ACCOUNT);
      if (where === 'read') registry.failRepository(REPO, error);
      else registry.failNextWrites(REPO, { error, landed: false });
      const addMetric = jest.spyOn(metrics, 'addMetric');

      // Act
      const result = await handlerOver(registry)(SAMPLE);

      // Assert
      expect(result).toMatchObject({ status: 'dropped', code });
      expect(addMetric).toHaveBeenCalledWith('EventsDropped', 'Count', 1);
    });

    it('throws on throttling that outlives the write rounds, so Lambda retries the event', async () => {
      // Arrange
      const error = new PolicyWriteError('slow down', 'throttled', 'ThrottlingException');
      const registry = new FakeRegistry('us-east-1', [{ name: REPO, policy: TEAM_TEXT }], ACCOUNT);
      registry.failNextWrites(REPO, ...Array.from({ length: 10 }, () => ({ error, landed: false })));

      // Act
      const act = handlerOver(registry)(SAMPLE);

      // Assert
      await expect(act).rejects.toBe(error);
    });

    it('throws after one 5xx write that did not land, writing no more, so Lambda retries the event', async () => {
      // Arrange
      const error = new PolicyWriteError('internal', 'unknown', 'ServerException');
      const registry = new FakeRegistry('us-east-1', [{ name: REPO, policy: TEAM_TEXT }], ACCOUNT);
      registry.failNextWrites(REPO, { error, landed: false });

      // Act
      const act = handlerOver(registry)(SAMPLE);

      // Assert
      await expect(act).rejects.toMatchObject({ name: 'RepairPendingError', message: expect.stringMatching(/ServerException/) as unknown });
      expect(registry.callsOf('putLifecyclePolicy')).toHaveLength(1);
    });
  });

  describe('the in-use guard', () => {
    const running = imageManifest({ config: blob('running-config', 100), layers: [blob('running', 5_000)] });
    /** What is in use: the running image, by a service of us-east-1; and each time it was asked for. */
    function inUse() {
      const catalog = new InUseCatalog().add([
        { accountId: ACCOUNT, region: 'us-east-1', repositoryName: REPO, imageDigest: running.digest, consumer: 'ecs:service/prod/web' },
      ]);
      const asked: string[] = [];
      return {
        asked,
        provider: {
          catalog: async () => {
            asked.push('catalog');
            return catalog;
          },
        },
      };
    }

    it('holds the repair of a deleted policy when the default rule would remove an image a service runs', async () => {
      // Arrange: the team deleted the policy; an untagged image the service still runs is 30 days old.
      const registry = new FakeRegistry('us-east-1', [{ name: REPO, images: [imageOf(running, { pushedDaysAgo: 30 })] }], ACCOUNT);
      const { provider, asked } = inUse();
      const addMetric = jest.spyOn(metrics, 'addMetric');

      // Act
      const result = await handlerOver(registry, {}, provider)(event('delete-lifecycle-policy.json'));

      // Assert
      expect(result).toMatchObject({
        status: 'done',
        action: { outcome: 'held-in-use', inUseAtRisk: [{ imageDigest: running.digest, consumers: ['ecs:service/prod/web'] }] },
      });
      expect(registry.writes).toEqual([]);
      expect(asked).toEqual(['catalog']);
      expect(addMetric).toHaveBeenCalledWith('RepositoriesHeld', 'Count', 1);
    });

    it('repairs anyway with guard off', async () => {
      // Arrange
      const registry = new FakeRegistry('us-east-1', [{ name: REPO, images: [imageOf(running, { pushedDaysAgo: 30 })] }], ACCOUNT);

      // Act
      const result = await handlerOver(
        registry,
        { guard: 'off', guardHorizonDays: 7 },
        inUse().provider,
      )(event('delete-lifecycle-policy.json'));

      // Assert
      expect(result).toMatchObject({
        status: 'done',
        action: { outcome: 'applied', inUseAtRisk: [expect.objectContaining({ imageDigest: running.digest })] },
      });
      expect(registry.writes).toHaveLength(1);
    });

    it('reads no workloads when the policy still expires untagged images', async () => {
      // Arrange: the team's new policy is compliant.
      const compliant = policyText(keepNewestTagged(1, 'v', 5), {
        rulePriority: 2,
        description: 'team cleanup',
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 },
        action: { type: 'expire' },
      });
      const registry = new FakeRegistry(
        'us-east-1',
        [{ name: REPO, policy: compliant, images: [imageOf(running, { pushedDaysAgo: 30 })] }],
        ACCOUNT,
      );
      const { provider, asked } = inUse();

      // Act
      const result = await handlerOver(
        registry,
        {},
        provider,
      )(event('put-lifecycle-policy.json', (e) => (e.detail.requestParameters.lifecyclePolicyText = compliant)));

      // Assert
      expect(result).toMatchObject({ status: 'done', action: { outcome: 'compliant' } });
      expect(asked).toEqual([]);
      expect(registry.callsOf('describeImages')).toEqual([]);
    });
  });
});
