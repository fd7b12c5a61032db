// `ecr-janitor remediate` end to end against moto: a dry run writes nothing, --apply merges the
// default untagged rule into each policy that lacks one (keeping existing rules and the `any` rule
// last), opt-out tags and --exclude globs are honoured, and a second --apply changes nothing.
// moto stores policies without executing them, which is all these tests need from it.
import type { ECRClient } from '@aws-sdk/client-ecr';
import { janitorRuleDescription } from '../../../src/domain/policy';
import type { AuditReport } from '../../../src/domain/report';
import type { RemediationAction } from '../../../src/use-cases/remediate';
import { ecrClientForMoto, resetMoto } from '../support/moto';
import { createRepository, getPolicy, imageManifest, pushImage, pushUntaggedImage } from '../support/seed';
import { janitor, moto, outcomes, stdoutJson, useMotoCredentials, type RemediationJson } from './support/cli';

interface Rule {
  rulePriority: number;
  description?: string;
  selection: { tagStatus: string; [key: string]: unknown };
  action: { type: string };
}

interface Policy {
  rules: Rule[];
}

const keepReleases: Rule = {
  rulePriority: 1,
  description: 'keep ten releases',
  selection: { tagStatus: 'tagged', tagPatternList: ['release-*'], countType: 'imageCountMoreThan', countNumber: 10 },
  action: { type: 'expire' },
};

const keepProd: Rule = {
  rulePriority: 1,
  description: 'keep five prod images',
  selection: { tagStatus: 'tagged', tagPrefixList: ['prod'], countType: 'imageCountMoreThan', countNumber: 5 },
  action: { type: 'expire' },
};

const capEverything = (rulePriority: number): Rule => ({
  rulePriority,
  description: 'cap every repository at 100 images',
  selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 100 },
  action: { type: 'expire' },
});

const untaggedAfter14Days: Rule = {
  rulePriority: 1,
  description: 'expire untagged images after 14 days',
  selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
  action: { type: 'expire' },
};

/** The repositories, their tags and policies as seeded. */
const SEED: ReadonlyArray<{ name: string; tags?: Record<string, string>; policy?: Policy }> = [
  { name: 'app/none' },
  { name: 'app/tagged-only', policy: { rules: [keepReleases] } },
  { name: 'app/compliant', policy: { rules: [untaggedAfter14Days] } },
  // An `any` rule that expires already cleans untagged images, so the policy is left as it is. (moto
  // rejects every action but expire, so an `any` transition rule, which makes the janitor insert its
  // rule before the `any` rule and renumber, cannot be stored here: the unit tests cover that merge.)
  { name: 'app/any-last', policy: { rules: [keepProd, capEverything(2)] } },
  { name: 'optout/svc', tags: { 'ecr-janitor:opt-out': 'true', team: 'payments' } },
  { name: 'keep/svc', tags: { 'ecr-janitor:opt-out': 'false', 'team:frozen': 'true' } },
  { name: 'legacy/old', policy: { rules: [keepReleases] } },
  { name: 'sandbox-alice' },
  // Looks like the excluded names but matches neither glob.
  { name: 'legacyapp' },
];

const NAMES = SEED.map((s) => s.name);
const EXCLUDES = ['--exclude', 'legacy/*', '--exclude', 'sandbox-*'];

/** The outcomes of the first --apply run; a dry run plans where this applies. */
const FIRST_APPLY: Record<string, string> = {
  'us-east-1/app/none': 'applied',
  'us-east-1/app/tagged-only': 'applied',
  'us-east-1/app/compliant': 'compliant',
  'us-east-1/app/any-last': 'compliant',
  'us-east-1/optout/svc': 'skipped-opt-out',
  'us-east-1/keep/svc': 'applied',
  'us-east-1/legacy/old': 'skipped-excluded',
  'us-east-1/sandbox-alice': 'skipped-excluded',
  'us-east-1/legacyapp': 'applied',
};

/**
 * The default rule as the janitor plans it (`planned`) or writes it: a written rule's description
 * also records when the janitor read the policy it merged into.
 */
function janitorRule(rulePriority: number, days = 7, { planned = false } = {}): Rule {
  const plain = janitorRuleDescription(days);
  const stamped = new RegExp(`^${escapeRegExp(plain.slice(0, -1))}; merged into the policy read at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)$`);
  return {
    rulePriority,
    description: planned ? plain : (expect.stringMatching(stamped) as unknown as string),
    selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
    action: { type: 'expire' },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function parsed(text: string | undefined): Policy {
  if (text === undefined) throw new Error('the repository has no lifecycle policy');
  return JSON.parse(text) as Policy;
}

function action(result: RemediationJson, repositoryName: string): RemediationAction {
  const found = result.actions.find((a) => a.repositoryName === repositoryName);
  if (!found) throw new Error(`no action for ${repositoryName}`);
  return found;
}

describe('ecr-janitor remediate (CLI against moto)', () => {
  let restoreEnv: () => void;
  let ecr: ECRClient;
  let readPolicies: () => Promise<Record<string, string | undefined>>;
  /** The policies as seeded. */
  let initial: Record<string, string | undefined>;

  beforeAll(async () => {
    restoreEnv = useMotoCredentials();
    await resetMoto();
    ecr = ecrClientForMoto();
    for (const { name, tags, policy } of SEED) {
      await createRepository(ecr, name, { ...(tags ? { tags } : {}), ...(policy ? { policyText: policy } : {}) });
    }
    // Images make the repositories realistic; remediation never touches them.
    await pushImage(ecr, 'app/none', { manifest: imageManifest({ layers: [2_000] }), tag: 'v1' });
    await pushUntaggedImage(ecr, 'app/none', imageManifest({ layers: [3_000] }));
    readPolicies = async () =>
      Object.fromEntries(await Promise.all(NAMES.map(async (name) => [name, await getPolicy(ecr, name)] as const)));
    initial = await readPolicies();
  });

  afterAll(() => {
    ecr.destroy();
    restoreEnv();
  });

  describe('remediate (dry run)', () => {
    let dry: RemediationJson;
    let dryCode: number;

    beforeAll(async () => {
      const run = await janitor(['remediate', ...moto(), ...EXCLUDES, '--format', 'json']);
      dryCode = run.code;
      dry = stdoutJson<RemediationJson>(run);
    });

    it('plans a merge for each repository that lacks an untagged rule when --apply is absent', () => {
      const planned = Object.fromEntries(
        Object.entries(FIRST_APPLY).map(([key, outcome]) => [key, outcome === 'applied' ? 'planned' : outcome]),
      );

      expect(dryCode).toBe(0);
      expect(dry.apply).toBe(false);
      expect(outcomes(dry)).toEqual(planned);
      expect(dry.errors).toEqual([]);
    });

    it('writes nothing when --apply is absent', async () => {
      expect(dry.apiCalls.PutLifecyclePolicy).toBeUndefined();
      expect(await readPolicies()).toEqual(initial);
    });

    it('prints a table that says nothing was written when no format is given', async () => {
      const run = await janitor(['remediate', ...moto(), ...EXCLUDES]);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain('dry run; nothing was written');
      expect(run.stdout).toContain('app/tagged-only');
      expect(await readPolicies()).toEqual(initial);
    });

    it('plans the rule with the age given by --days', async () => {
      const result = stdoutJson<RemediationJson>(await janitor(['remediate', ...moto(), ...EXCLUDES, '--days', '14', '--format', 'json']));

      expect(parsed(action(result, 'app/none').after)).toEqual({ rules: [janitorRule(1, 14, { planned: true })] });
    });

    it('skips the repositories tagged KEY=true when --opt-out-tag KEY is given', async () => {
      const result = stdoutJson<RemediationJson>(
        await janitor(['remediate', ...moto(), '--opt-out-tag', 'team:frozen', '--format', 'json']),
      );

      expect(action(result, 'keep/svc').outcome).toBe('skipped-opt-out');
      // The default tag no longer counts, and without --exclude nothing is excluded.
      expect(action(result, 'optout/svc').outcome).toBe('planned');
      expect(action(result, 'legacy/old').outcome).toBe('planned');
    });
  });

  describe('remediate --apply', () => {
    let first: RemediationJson;
    let firstCode: number;
    let afterFirst: Record<string, string | undefined>;

    beforeAll(async () => {
      const run = await janitor(['remediate', ...moto(), ...EXCLUDES, '--apply', '--format', 'json']);
      firstCode = run.code;
      first = stdoutJson<RemediationJson>(run);
      afterFirst = await readPolicies();
    });

    it('writes the merged policy to every repository that lacked an untagged rule', () => {
      const applied = first.actions.filter((a) => a.outcome === 'applied');

      expect(firstCode).toBe(0);
      expect(first.apply).toBe(true);
      expect(outcomes(first)).toEqual(FIRST_APPLY);
      expect(first.apiCalls.PutLifecyclePolicy).toBe(applied.length);
      for (const a of applied) expect(parsed(afterFirst[a.repositoryName])).toEqual(parsed(a.after));
    });

    it('gives a repository without a policy the default rule alone', () => {
      expect(parsed(afterFirst['app/none'])).toEqual({ rules: [janitorRule(1)] });
      expect(parsed(afterFirst['legacyapp'])).toEqual({ rules: [janitorRule(1)] });
    });

    it('appends the untagged rule and keeps the existing rule byte-for-byte when the policy selects only tagged images', () => {
      const policy = parsed(afterFirst['app/tagged-only']);

      expect(policy.rules).toHaveLength(2);
      expect(JSON.stringify(policy.rules[0])).toBe(JSON.stringify(keepReleases));
      expect(policy.rules[1]).toEqual(janitorRule(2));
      expect(action(first, 'app/tagged-only').after).toContain(JSON.stringify(keepReleases));
      expect(action(first, 'app/tagged-only').before).toBe(initial['app/tagged-only']);
    });

    it('keeps the any rule last and the policy unchanged when an any rule already expires images', () => {
      const policy = parsed(afterFirst['app/any-last']);
      const last = policy.rules.reduce((a, b) => (b.rulePriority > a.rulePriority ? b : a));

      expect(afterFirst['app/any-last']).toBe(initial['app/any-last']);
      expect(last.selection.tagStatus).toBe('any');
      expect(JSON.stringify(last)).toBe(JSON.stringify(capEverything(2)));
      expect(action(first, 'app/any-last').after).toBeUndefined();
    });

    it('leaves opted-out and excluded repositories as they were', () => {
      expect(afterFirst['optout/svc']).toBeUndefined();
      expect(afterFirst['legacy/old']).toBe(initial['legacy/old']);
      expect(afterFirst['sandbox-alice']).toBeUndefined();
    });

    it('changes a repository whose opt-out tag is not "true"', () => {
      expect(parsed(afterFirst['keep/svc'])).toEqual({ rules: [janitorRule(1)] });
    });

    it('leaves a policy that already expires untagged images untouched', () => {
      expect(afterFirst['app/compliant']).toBe(initial['app/compliant']);
      expect(action(first, 'app/compliant').after).toBeUndefined();
    });

    describe('run a second time', () => {
      let second: RemediationJson;
      let secondCode: number;

      beforeAll(async () => {
        const run = await janitor(['remediate', ...moto(), ...EXCLUDES, '--apply', '--format', 'json']);
        secondCode = run.code;
        second = stdoutJson<RemediationJson>(run);
      });

      it('finds every repository compliant or skipped and writes nothing', async () => {
        const expected = Object.fromEntries(
          Object.entries(FIRST_APPLY).map(([key, outcome]) => [key, outcome === 'applied' ? 'compliant' : outcome]),
        );

        expect(secondCode).toBe(0);
        expect(outcomes(second)).toEqual(expected);
        expect(second.apiCalls.PutLifecyclePolicy).toBeUndefined();
        expect(second.actions.filter((a) => a.after !== undefined)).toEqual([]);
        expect(await readPolicies()).toEqual(afterFirst);
      });

      it('leaves audit reporting ok for every repository the janitor may change', async () => {
        const report = stdoutJson<AuditReport>(await janitor(['audit', ...moto(), ...EXCLUDES, '--format', 'json']));

        const statuses = Object.fromEntries(report.repositories.map((r) => [r.repositoryName, r.policyStatus]));
        expect(statuses).toEqual({
          'app/none': 'ok',
          'app/tagged-only': 'ok',
          'app/compliant': 'ok',
          'app/any-last': 'ok',
          'optout/svc': 'missing',
          'keep/svc': 'ok',
          'legacy/old': 'no-untagged-rule',
          'sandbox-alice': 'missing',
          legacyapp: 'ok',
        });
        expect(
          report.repositories
            .filter((r) => r.excluded)
            .map((r) => r.repositoryName)
            .sort(),
        ).toEqual(['legacy/old', 'sandbox-alice']);
      });
    });
  });
});
