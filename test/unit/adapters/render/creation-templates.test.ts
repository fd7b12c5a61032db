import { renderTemplatePlan } from '../../../../src/adapters/render/creation-templates';
import { mergeDefaultRule } from '../../../../src/domain/policy';
import { TAGGED_ONLY } from '../../support/policies';

describe('renderTemplatePlan', () => {
  const merged = mergeDefaultRule(TAGGED_ONLY, 7).text;

  it('lists each template with its scenarios, what it has and what it gets, then the counts', () => {
    const text = renderTemplatePlan(
      {
        actions: [
          {
            region: 'us-east-1',
            prefix: 'docker-hub',
            appliedFor: ['PULL_THROUGH_CACHE', 'CREATE_ON_PUSH'],
            outcome: 'planned',
            before: TAGGED_ONLY,
            after: merged,
          },
          { region: 'us-east-1', prefix: 'ROOT', appliedFor: ['REPLICATION'], outcome: 'compliant', before: merged },
          {
            region: 'eu-west-1',
            prefix: 'quay',
            appliedFor: ['PULL_THROUGH_CACHE'],
            outcome: 'unmergeable',
            before: '{}',
            message: 'not valid',
          },
        ],
        errors: [{ region: 'ap-south-1', code: 'AccessDeniedException', message: 'its creation templates could not be read: denied' }],
      },
      false,
    );

    const lines = text.split('\n');
    expect(lines[0]).toBe('Creation templates (dry run; nothing was written — add --apply to write):');
    expect(text).toMatch(
      /us-east-1 +docker-hub +PULL_THROUGH_CACHE,CREATE_ON_PUSH +planned +1 rule +\+ rule 2: expire untagged after 7 days \(2 rules\)/,
    );
    expect(text).toMatch(/us-east-1 +ROOT +REPLICATION +compliant +2 rules/);
    expect(text).toMatch(
      /eu-west-1 +quay +PULL_THROUGH_CACHE +unmergeable +unreadable|eu-west-1 +quay +PULL_THROUGH_CACHE +unmergeable .* not valid/,
    );
    expect(lines).toContain('1 planned, 1 compliant, 1 unmergeable');
    expect(lines.at(-1)).toBe('error: ap-south-1: AccessDeniedException: its creation templates could not be read: denied');
  });

  it('says the templates were written when applied, and that there were none', () => {
    expect(renderTemplatePlan({ actions: [], errors: [] }, true).split('\n')).toEqual(
      expect.arrayContaining(['Creation templates (applied):', 'no creation templates']),
    );
  });
});
