import { parse } from '@cdktf/hcl2json';
import type { AdviceFile, RepositoryAdvice } from '../../../../src/domain/advice';
import { adviseRepository } from '../../../../src/domain/advice';
import type { LifecyclePolicy } from '../../../../src/domain/policy';
import { hclString, policyDiff, renderAdvice, renderAdviceMarkdown, renderAdviceTerraform } from '../../../../src/adapters/render/advice';
import { adviceFileOf } from '../../../../src/use-cases/advise';
import { NOW, daysAgo, imageOf } from '../../support/images';
import { blob, imageManifest } from '../../support/manifests';
import { expectEscapedJson, expectNoRawControls, HOSTILE } from '../../../support/hostile-text';

const TEAM: LifecyclePolicy = {
  rules: [
    {
      rulePriority: 1,
      description: 'keep two releases',
      selection: { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 2 },
      action: { type: 'expire' },
    },
    {
      rulePriority: 2,
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 5 },
      action: { type: 'expire' },
    },
  ],
};

function entry(repositoryName: string, region = 'eu-west-1', policy: LifecyclePolicy | undefined = TEAM): RepositoryAdvice {
  const images = Array.from({ length: 8 }, (_, i) => {
    const manifest = imageManifest({ config: blob(`${repositoryName}-${i}-c`, 10), layers: [blob(`${repositoryName}-${i}`, 2_000_000)] });
    return {
      ...imageOf(manifest, { tags: [`v1.${i}.0`], pushedDaysAgo: 80 - i * 10 }),
      ...(i === 3 ? { lastRecordedPullTime: daysAgo(2) } : {}),
    };
  });
  return adviseRepository(
    {
      accountId: '123456789012',
      region,
      repositoryName,
      repositoryArn: `arn:aws:ecr:${region}:123456789012:repository/${repositoryName}`,
      tags: [],
      lifecyclePolicyText: policy === undefined ? null : JSON.stringify(policy),
      images,
    },
    {
      now: NOW,
      days: 7,
      pricePerGbMonth: 0.1,
      optedOut: false,
      excluded: false,
      lintMaxUntaggedDays: 30,
      keepPulledDays: 90,
      rollbackMargin: 3,
      archivePricePerGbMonth: null,
      archiveAfterDays: 90,
    },
  );
}

function file(entries: RepositoryAdvice[]): AdviceFile {
  return adviceFileOf(
    entries,
    {
      now: NOW,
      generatedAt: NOW,
      days: 7,
      pricePerGbMonth: 0.1,
      archivePricePerGbMonth: null,
      keepPulledDays: 90,
      rollbackMargin: 3,
      selection: { optOutTag: 'x', exclude: [] },
    },
    [],
  );
}

/** HCL's JSON form keeps template escapes (`$${`, `%%{`) that evaluation turns into `${`, `%{`. */
function evaluated(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
  if (Array.isArray(value)) return value.map(evaluated);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluated(v)]));
  return value;
}

/** The expression inside `policy = jsonencode(…)` of each resource, parsed by a real HCL parser. */
async function jsonencodedValues(hcl: string): Promise<unknown[]> {
  const values: unknown[] = [];
  for (const match of hcl.matchAll(/ {2}policy = jsonencode\((\{[\s\S]*?\n {2}\})\)\n\}/g)) {
    const parsed = (await parse('value.tf', `locals {\n  value = ${match[1] ?? ''}\n}\n`)) as { locals: Array<{ value: unknown }> };
    values.push(evaluated(parsed.locals[0]?.value));
  }
  return values;
}

describe('policyDiff', () => {
  it('lists removed rules first, then the recommended policy in order, kept rules with their old priority', () => {
    const current = JSON.stringify({ rules: [TEAM.rules[1], TEAM.rules[0]] });
    const recommended = JSON.stringify({
      rules: [
        { ...TEAM.rules[1], rulePriority: 1 },
        {
          rulePriority: 2,
          description: 'keep last 9 v*.*',
          selection: { tagStatus: 'tagged', tagPatternList: ['v*.*'], countType: 'imageCountMoreThan', countNumber: 9 },
          action: { type: 'expire' },
        },
      ],
    });
    expect(policyDiff(current, recommended)).toEqual([
      { change: 'removed', rulePriority: 1, summary: 'keep two releases' },
      { change: 'kept', rulePriority: 1, was: 2, summary: 'untagged · 5 days since push · expire' },
      { change: 'added', rulePriority: 2, summary: 'keep last 9 v*.*' },
    ]);
  });
});

describe('renderAdviceTerraform', () => {
  it('writes one resource per policy to adopt, whose jsonencoded value is the recommended policy', async () => {
    const advice = file([entry('team-a/web'), entry('9lives')]);
    const hcl = renderAdviceTerraform(advice);
    const tree = (await parse('main.tf', hcl)) as {
      resource: { aws_ecr_lifecycle_policy: Record<string, Array<{ repository: string; policy: string }>> };
    };
    expect(Object.keys(tree.resource.aws_ecr_lifecycle_policy).sort()).toEqual(['_9lives', 'team-a_web']);
    expect(tree.resource.aws_ecr_lifecycle_policy['team-a_web']?.[0]?.repository).toBe('team-a/web');
    expect(await jsonencodedValues(hcl)).toEqual(advice.repositories.map((r) => JSON.parse(r.recommendedPolicyText as string)));
  });

  it('escapes descriptions so that none is read as an interpolation, a directive or the end of the string', async () => {
    const tricky = 'it\'s "${var.x}" and %{ if true } \\ done\n\u0007';
    const base = entry('app');
    const policy = JSON.parse(base.recommendedPolicyText as string) as LifecyclePolicy;
    policy.rules = policy.rules.map((r) => ({ ...r, description: tricky }));
    const hcl = renderAdviceTerraform(file([{ ...base, recommendedPolicyText: JSON.stringify(policy) }]));
    expect(await jsonencodedValues(hcl)).toEqual([policy]);
  });

  it('names the provider of each region when the advice spans several', async () => {
    const hcl = renderAdviceTerraform(file([entry('app', 'eu-west-1'), entry('app', 'us-east-1')]));
    expect(hcl).toContain('provider   = aws.eu_west_1');
    expect(hcl).toContain('resource "aws_ecr_lifecycle_policy" "app_us-east-1"');
    await expect(parse('main.tf', hcl)).resolves.toBeDefined();
  });

  it.each([
    ['plain', '"plain"'],
    ['${x}', '"$${x}"'],
    ['%{x}', '"%%{x}"'],
    ['$ {x}', '"$ {x}"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['C1 \u0085\u009b and DEL \u007f', '"C1 \\u0085\\u009b and DEL \\u007f"'],
    ['bidi \u202e\u2066\u2069\u200e\u200f\u061c', '"bidi \\u202e\\u2066\\u2069\\u200e\\u200f\\u061c"'],
  ])('quotes %s as %s', (text, quoted) => {
    expect(hclString(text)).toBe(quoted);
  });
});

describe('renderAdviceMarkdown', () => {
  it('has a section per owner with its saving, the diff, the checks and the policy', () => {
    const advice = file([entry('team-a/web'), entry('team-b/api')]);
    const md = renderAdviceMarkdown(advice, { ownerOf: (e) => e.repositoryName.split('/')[0] ?? '' });
    expect(md).toContain('## team-a');
    expect(md).toContain('## team-b');
    expect(md).toMatch(/```diff\n- 1 keep two releases\n/);
    expect(md).toContain('| Pulled in the last 90 days | 1 | 0 | 0 |');
    expect(md).toContain('<details><summary>Recommended policy</summary>');
    expect(md).toMatch(/Adopting 1 policy saves \*\*-\\<\$0\.01\/month\*\* beyond the current policies\./);
  });

  it('writes the recommended policy with control and bidirectional characters as JSON escapes that parse back to it', () => {
    const hostile = { ...TEAM, rules: TEAM.rules.map((r) => ({ ...r, description: HOSTILE })) };
    const md = renderAdviceMarkdown(file([entry('app', 'eu-west-1', hostile)]));
    const policy = /<summary>Recommended policy<\/summary>\n\n`{3,}json\n([\s\S]*?)\n`{3,}/.exec(md)?.[1] ?? '';
    expectEscapedJson(policy, JSON.parse(policy));
    expect((JSON.parse(policy) as LifecyclePolicy).rules.map((r) => r.description)).toContain(HOSTILE);
    expectNoRawControls(md);
  });

  it('escapes repository names and reasons', () => {
    const e = {
      ...entry('app'),
      repositoryName: 'a|b*c',
      advice: 'none' as const,
      reason: 'withheld: <b>x</b>',
      recommendedPolicyText: null,
    };
    const md = renderAdviceMarkdown(file([e]));
    expect(md).toContain('a\\|b\\*c');
    expect(md).toContain('withheld: \\<b\\>x\\</b\\>');
  });
});

describe('renderAdvice', () => {
  it('writes the advice file as JSON with the fields the issue names, and a table with the diff', () => {
    const advice = file([entry('app')]);
    const json = JSON.parse(renderAdvice(advice, 'json')) as AdviceFile;
    expect(Object.keys(json.repositories[0] ?? {})).toEqual([
      'accountId',
      'region',
      'repositoryName',
      'advice',
      'reason',
      'currentPolicyText',
      'recommendedPolicyText',
      'removedNow',
      'removedIn30Days',
      'monthlyExtraSavingsUsd',
      'monthlyArchiveSavingsUsd',
      'checks',
    ]);
    const table = renderAdvice(advice, 'table');
    expect(table).toMatch(/eu-west-1\s+app\s+policy\s+\+\d -1 =1/);
    expect(table).toContain('  - 1 keep two releases');
  });

  it('escapes a bidirectional override in the JSON, which parses back to the same name', () => {
    const name = 'team/\u202eexe.gnp';
    const json = renderAdvice(file([entry(name)]), 'json');

    expect(json).not.toContain('\u202e');
    expect(json).toContain('team/\\u202eexe.gnp');
    expect((JSON.parse(json) as AdviceFile).repositories[0]?.repositoryName).toBe(name);
  });
});
