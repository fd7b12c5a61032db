import { REFERRERS_AT_RISK_NOTE } from '../../../../src/adapters/render/format';
import { escapeMarkdown, renderMarkdown } from '../../../../src/adapters/render/markdown';
import { GIB } from '../../../../src/domain/report';
import { costGroupsOf } from '../../../../src/domain/cost-groups';
import { auditReport, repositoryReport } from '../../support/report-fixtures';

/** The lines of the section under `## title`, up to the next section. */
function section(markdown: string, title: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(`## ${title}`);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** Splits a table row on the pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .replace(/^\| /, '')
    .replace(/ \|$/, '')
    .split(/(?<!\\) \| /);
}

describe('render/markdown', () => {
  describe('renderMarkdown', () => {
    it('starts with a title and the run parameters when given a report', () => {
      const md = renderMarkdown(auditReport([repositoryReport()]));

      expect(md.startsWith('# ECR storage audit\n')).toBe(true);
      expect(md).toContain('- **Generated:** 2026-11-01T00:05:00.000Z');
      expect(md).toContain('- **Policies evaluated at:** 2026-11-01T00:00:00.000Z');
      expect(md).toContain('- **Untagged images expire after:** 14 days');
      expect(md).toContain('- **Storage price:** $0.10/GB-month');
    });

    it('writes the totals as a table with formatted values', () => {
      const md = renderMarkdown(
        auditReport([
          repositoryReport(),
          repositoryReport({ repositoryName: 'b', policyStatus: 'ok', storedBytes: 2 * GIB, reclaimableBytes: 0 }),
        ]),
      );

      const rows = section(md, 'Totals')
        .filter((l) => l.startsWith('| '))
        .map(cells);

      expect(rows).toEqual(
        expect.arrayContaining([
          ['Repositories', '2'],
          ['Without lifecycle policy', '1'],
          ['Referrers at risk', '0'],
          ['Stored (billed)', '12.0 GiB'],
          ['Reclaimable', '4.0 GiB (33% of stored)'],
          ['Monthly cost', '$1.20'],
          ['Monthly savings', '$0.40'],
        ]),
      );
    });

    it('writes one table row per repository when given several', () => {
      const md = renderMarkdown(
        auditReport([
          repositoryReport({ repositoryName: 'a' }),
          repositoryReport({ repositoryName: 'b', region: 'eu-west-1', optedOut: true }),
        ]),
      );

      const rows = section(md, 'Repositories').filter((l) => l.startsWith('| ') && !l.startsWith('| Region') && !l.startsWith('| ---'));

      expect(rows.map(cells)).toEqual([
        ['us-east-1', 'a', 'no policy', '120', '40', '10.0 GiB', '4.0 GiB', '$1.00', '$0.40', '0 B'],
        ['eu-west-1', 'b', 'no policy (opted out)', '120', '40', '10.0 GiB', '4.0 GiB', '$1.00', '$0.40', '0 B'],
      ]);
    });

    it('escapes pipes, HTML and emphasis when a repository name holds them', () => {
      const md = renderMarkdown(auditReport([repositoryReport({ repositoryName: 'a|b <script>alert(1)</script> *x*' })]));

      const row = section(md, 'Repositories').find((l) => l.includes('alert'));

      expect(row).toBeDefined();
      expect(cells(row ?? '')).toHaveLength(10);
      expect(md).not.toContain('<script>');
      expect(row).toContain('a\\|b \\<script\\>alert(1)\\</script\\> \\*x\\*');
    });

    it('adds an errors section when the run had errors', () => {
      const md = renderMarkdown(
        auditReport([repositoryReport()], {
          errors: [
            { region: 'eu-west-1', repositoryName: 'team-x/secret', code: 'AccessDeniedException', message: 'denied | twice' },
            { region: 'ap-south-1', code: 'UnrecognizedClientException', message: 'region not enabled' },
          ],
        }),
      );

      const rows = section(md, 'Errors').filter((l) => l.startsWith('| ') && !l.startsWith('| Region') && !l.startsWith('| ---'));

      expect(rows.map(cells)).toEqual([
        ['eu-west-1', 'team-x/secret', 'AccessDeniedException', 'denied \\| twice'],
        ['ap-south-1', '*(repository listing)*', 'UnrecognizedClientException', 'region not enabled'],
      ]);
    });

    it('leaves out the errors section when there were none', () => {
      expect(renderMarkdown(auditReport([repositoryReport()]))).not.toContain('## Errors');
    });

    it('adds an escaped warnings section, apart from the errors, when some policies need a person', () => {
      const md = renderMarkdown(
        auditReport([repositoryReport()], {
          warnings: [
            { region: 'eu-west-1', repositoryName: 'team|x', code: 'InvalidStoredPolicy', message: 'not valid:\n  - <b>rule</b> *1*' },
            { region: 'us-east-1', repositoryName: 'team-y/api', code: 'PolicyNotMergeable', message: 'the policy already has 50 rules' },
          ],
        }),
      );

      const rows = section(md, 'Warnings').filter((l) => l.startsWith('| ') && !l.startsWith('| Region') && !l.startsWith('| ---'));

      expect(md).not.toContain('## Errors');
      expect(rows.map(cells)).toEqual([
        ['eu-west-1', 'team\\|x', 'InvalidStoredPolicy', 'not valid:   - \\<b\\>rule\\</b\\> \\*1\\*'],
        ['us-east-1', 'team-y/api', 'PolicyNotMergeable', 'the policy already has 50 rules'],
      ]);
    });

    it('leaves out the warnings section when there were none', () => {
      expect(renderMarkdown(auditReport([repositoryReport()]))).not.toContain('## Warnings');
    });

    it('calls out the referrers at risk with the repositories that have them when there are some', () => {
      const md = renderMarkdown(
        auditReport([
          repositoryReport({ repositoryName: 'few', referrers: 4, referrersAtRisk: 2 }),
          repositoryReport({ repositoryName: 'none', referrers: 9 }),
          repositoryReport({ repositoryName: 'many*', region: 'eu-west-1', referrers: 30, referrersAtRisk: 25 }),
        ]),
      );

      const lines = section(md, 'Referrers at risk');
      const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| Region') && !l.startsWith('| ---'));

      expect(lines).toContain(`> **27 referrers at risk:** ${escapeMarkdown(REFERRERS_AT_RISK_NOTE)}`);
      expect(rows.map(cells)).toEqual([
        ['eu-west-1', 'many\\*', 'no policy', '30', '25'],
        ['us-east-1', 'few', 'no policy', '4', '2'],
      ]);
      expect(section(md, 'Totals').map((l) => (l.startsWith('| ') ? cells(l) : []))).toContainEqual(['Referrers at risk', '27']);
    });

    it('leaves out the referrers callout when none is at risk', () => {
      expect(renderMarkdown(auditReport([repositoryReport({ referrers: 3 })]))).not.toContain('## Referrers at risk');
    });

    it('lists calls and retries per operation with a total when the run called AWS', () => {
      const md = renderMarkdown(
        auditReport([repositoryReport()], {
          apiCalls: { DescribeImages: 12, BatchGetImage: 3, total: 15 },
          apiRetries: { DescribeImages: 2, total: 2 },
        }),
      );

      const rows = section(md, 'API calls').filter((l) => l.startsWith('| ') && !l.startsWith('| Operation') && !l.startsWith('| ---'));

      expect(rows.map(cells)).toEqual([
        ['BatchGetImage', '3', '0'],
        ['DescribeImages', '12', '2'],
        ['**Total**', '**15**', '**2**'],
      ]);
    });

    it('adds the cost by owner, one table per grouping', () => {
      const rows = [
        repositoryReport({ repositoryName: 'team-a/web', storedBytes: 4 * GIB, costAllocationTags: { team: 'a|b' } }),
        repositoryReport({ repositoryName: 'solo', storedBytes: GIB }),
      ];
      const md = renderMarkdown({
        ...auditReport(rows, { costAllocationTagKeys: ['team'] }),
        costGroups: costGroupsOf(rows, ['team'], 0.1),
      });

      const lines = section(md, 'Cost by owner');

      expect(lines).toContain('### By name prefix');
      expect(lines).toContain('### By tag team');
      expect(lines).toContain('| team-a | 1 | 4.0 GiB | $0.40 | 4.0 GiB | $0.40 |');
      expect(lines).toContain('| a\\|b | 1 | 4.0 GiB | $0.40 | 4.0 GiB | $0.40 |');
      expect(lines).toContain('| no `team` tag | 1 | 1.0 GiB | $0.10 | 4.0 GiB | $0.40 |');
    });

    it('lists the archivable repositories with the rule to add', () => {
      const rule = '{"rulePriority":2,"selection":{"tagStatus":"any"}}';
      const md = renderMarkdown(auditReport([repositoryReport({ archivableBytes: 2 * GIB, archiveRuleSuggestion: rule })]));

      const lines = section(md, 'Archive savings');

      expect(lines.join('\n')).toContain('at least 90 days');
      expect(lines).toContain(`| us-east-1 | team-a/web-api | 2.0 GiB | ${escapeMarkdown(rule)} |`);
    });

    it('has no archive section when nothing is archivable', () => {
      expect(section(renderMarkdown(auditReport([repositoryReport()])), 'Archive savings')).toEqual([]);
    });

    it('says the audit read a snapshot when no AWS call was made', () => {
      expect(section(renderMarkdown(auditReport([repositoryReport()])), 'API calls')).toContain('None: the audit read a snapshot.');
    });
  });

  describe('escapeMarkdown', () => {
    it('folds line breaks into spaces when text spans lines', () => {
      expect(escapeMarkdown('a\r\nb\nc')).toBe('a b c');
    });

    it('shows control characters as visible stand-ins', () => {
      expect(escapeMarkdown('evil\u001b[2J\u009b')).toBe('evil\u241b\\[2J\ufffd');
    });

    it('leaves ordinary repository names readable', () => {
      expect(escapeMarkdown('team-a/web-api.v2')).toBe('team-a/web-api.v2');
    });

    it('explains the naive sum under the totals when it is below the stored bytes', () => {
      const md = renderMarkdown(auditReport([repositoryReport({ storedBytes: 400 * 2 ** 20, naiveBytes: 95 * 2 ** 10 })]));

      expect(section(md, 'Totals').join('\n')).toContain('Naive sum = the imageSizeInBytes the registry reports');
      expect(renderMarkdown(auditReport([repositoryReport()]))).not.toContain('Naive sum =');
    });
  });
});

describe('renderMarkdown: recommended policies', () => {
  const recommendedPolicies = {
    totals: {
      repositories: 3,
      withAdvice: 2,
      withheld: 1,
      removedNow: { images: 12, bytes: 3 * GIB },
      removedIn30Days: { images: 14, bytes: 4 * GIB },
      monthlyExtraSavingsUsd: 0.35,
      monthlyArchiveSavingsUsd: null,
    },
    top: [
      {
        region: 'eu-west-1',
        repositoryName: 'team-a/web',
        owner: 'team-a',
        monthlyExtraSavingsUsd: 0.3,
        removedNow: { images: 10, bytes: 3 * GIB },
      },
    ],
    byOwner: [
      { owner: 'team-a', repositories: 1, monthlyExtraSavingsUsd: 0.3 },
      { owner: 'team-b', repositories: 1, monthlyExtraSavingsUsd: 0.05 },
    ],
    location: 's3://reports/reports/2026-03-01/advice.json',
    link: 'https://console.aws.amazon.com/s3/object/reports?prefix=reports/2026-03-01/advice.json',
  };

  it('lists the top repositories by extra saving, what each owner saves by adopting, and links the advice file', () => {
    const md = renderMarkdown(auditReport([repositoryReport()], { recommendedPolicies }));
    const lines = section(md, 'Recommended policies');
    expect(lines.join('\n')).toContain('2 of 3 repositories have a policy to adopt (1 withheld); adopting them all saves +$0.35/month');
    expect(lines).toContain(
      `The advice file, to adopt with \`ecr-janitor remediate --adopt FILE\`: [s3://reports/reports/2026-03-01/advice.json](${recommendedPolicies.link})`,
    );
    expect(lines).toContain('| eu-west-1 | team-a/web | team-a | 10 (3.0 GiB) | +$0.30 |');
    expect(lines).toContain('| team-b | 1 | +$0.05 |');
  });

  it('has no such section when the run did not advise', () => {
    expect(renderMarkdown(auditReport([repositoryReport()]))).not.toContain('## Recommended policies');
  });
});
