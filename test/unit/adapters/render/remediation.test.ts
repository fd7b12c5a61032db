import { REFERRERS_AT_RISK_NOTE } from '../../../../src/adapters/render/format';
import { renderRemediationPlan } from '../../../../src/adapters/render/remediation';
import { mergeDefaultRule } from '../../../../src/domain/policy';
import type { RemediationResult } from '../../../../src/use-cases/remediate';

const TAGGED_ONLY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: 'keep 10 releases',
      selection: { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 10 },
      action: { type: 'expire' },
    },
  ],
});

function result(): RemediationResult {
  return {
    actions: [
      { region: 'us-east-1', repositoryName: 'team-a/web', outcome: 'planned', before: null, after: mergeDefaultRule(undefined, 7).text },
      {
        region: 'us-east-1',
        repositoryName: 'team-b/api',
        outcome: 'planned',
        before: TAGGED_ONLY,
        after: mergeDefaultRule(TAGGED_ONLY, 14).text,
      },
      {
        region: 'us-east-1',
        repositoryName: 'sandbox/x',
        outcome: 'skipped-excluded',
        before: null,
        message: 'name matches an exclude glob',
      },
      { region: 'eu-west-1', repositoryName: 'team-c/db', outcome: 'compliant', before: TAGGED_ONLY },
    ],
    errors: [{ region: 'eu-west-1', repositoryName: 'team-d/broken', code: 'AccessDeniedException', message: 'not authorized' }],
  };
}

describe('renderRemediationPlan', () => {
  it('says a dry run wrote nothing and how to write', () => {
    expect(renderRemediationPlan(result(), false)).toContain('dry run; nothing was written — add --apply to write');
  });

  it('says the policies were applied when they were', () => {
    expect(renderRemediationPlan(result(), true).split('\n')[0]).toBe('Remediation (applied):');
  });

  it('shows each repository with its outcome, the rule added and where it went', () => {
    const lines = renderRemediationPlan(result(), false).split('\n');
    expect(lines.find((l) => l.includes('team-a/web'))).toMatch(/planned\s+none\s+\+ rule 1: expire untagged after 7 days \(1 rule\)/);
    expect(lines.find((l) => l.includes('team-b/api'))).toMatch(/planned\s+1 rule\s+\+ rule 2: expire untagged after 14 days \(2 rules\)/);
  });

  it('shows which untagged rule a plan shortens, from and to how many days', () => {
    const plan: RemediationResult = {
      actions: [
        {
          region: 'us-east-1',
          repositoryName: 'team-e/slow',
          outcome: 'planned',
          before: TAGGED_ONLY,
          after: TAGGED_ONLY,
          shortened: { rulePriority: 2, fromDays: 90, toDays: 30 },
        },
      ],
      errors: [],
    };
    const line = renderRemediationPlan(plan, false)
      .split('\n')
      .find((l) => l.includes('team-e/slow'));
    expect(line).toMatch(/planned\s+1 rule\s+rule 2: expire untagged after 30 days, not 90 \(1 rule\)$/);
  });

  it('shows "-" rather than "none" for a repository it did not read', () => {
    const line = renderRemediationPlan(result(), false)
      .split('\n')
      .find((l) => l.includes('sandbox/x'));
    expect(line).toMatch(/skipped-excluded\s+-\s+name matches an exclude glob/);
  });

  it('counts outcomes and lists errors', () => {
    const text = renderRemediationPlan(result(), false);
    expect(text).toContain('2 planned, 1 skipped-excluded, 1 compliant');
    expect(text).toContain('error: eu-west-1/team-d/broken: AccessDeniedException: not authorized');
  });

  it('never lets a repository name or an error message drive the terminal', () => {
    const plan: RemediationResult = {
      actions: [{ region: 'us-east-1', repositoryName: 'evil\u001b[2J', outcome: 'compliant', before: null }],
      errors: [{ region: 'us-east-1', repositoryName: 'x\u009b', code: 'Denied', message: 'no\r\nway\u001b[31m' }],
    };

    const text = renderRemediationPlan(plan, false);

    expect(
      [...text.replace(/\n/g, '')].filter((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f)),
    ).toEqual([]);
    expect(text).toContain('evil\u241b[2J');
    expect(text).toContain('error: us-east-1/x\ufffd: Denied: no way\u241b[31m');
  });

  it('names the repositories the plan would write where referrers are at risk, before --apply writes there', () => {
    const plan = result();
    plan.actions[0] = { ...(plan.actions[0] as RemediationResult['actions'][number]), referrersAtRisk: 1 };
    plan.actions[1] = { ...(plan.actions[1] as RemediationResult['actions'][number]), referrersAtRisk: 4 };
    // A repository the plan does not change is no reason to look before --apply.
    plan.actions[3] = { ...(plan.actions[3] as RemediationResult['actions'][number]), referrersAtRisk: 9 };

    const text = renderRemediationPlan(plan, false);
    const start = text.split('\n').findIndex((l) => l.startsWith('Referrers at risk:'));
    const block = text
      .split('\n')
      .slice(start)
      .filter((l, i) => i === 0 || l.startsWith('  '));

    expect(block.map((l) => l.trim()).join(' ')).toBe(
      `Referrers at risk: 5 referrers in 2 repositories this plan changes (us-east-1/team-b/api (4) and us-east-1/team-a/web (1)): ${REFERRERS_AT_RISK_NOTE}`,
    );
    expect(block.every((l) => l.length <= 100)).toBe(true);
    expect(text).toMatch(/team-a\/web +planned .*; 1 referrer at risk/);
  });

  it('says nothing of referrers when none is at risk', () => {
    expect(renderRemediationPlan(result(), false)).not.toMatch(/referrer/i);
  });
});
