import type { TrendPoint } from '../../../../src/adapters/render/html';
import { CHART_LIMIT, byteTicks, escapeHtml, renderHtml, usdTicks } from '../../../../src/adapters/render/html';
import { SUMMARY_LIMIT } from '../../../../src/adapters/render/summary';
import type { RepositoryReport } from '../../../../src/domain/report';
import { GIB } from '../../../../src/domain/report';
import { costGroupsOf } from '../../../../src/domain/cost-groups';
import { totalsOf } from '../../../../src/domain/report';
import { auditReport, historyEntry, repositoryReport } from '../../support/report-fixtures';

function many(n: number): RepositoryReport[] {
  return Array.from({ length: n }, (_, i) =>
    repositoryReport({ repositoryName: `team/repo-${i + 1}`, reclaimableBytes: (i + 1) * 2 ** 20, storedBytes: (i + 2) * 2 ** 20 }),
  );
}

/** The text content of the element carrying `data-testid`. */
function byTestId(html: string, testId: string): string | undefined {
  return new RegExp(`data-testid="${testId}"[^>]*>([^<]*)<`).exec(html)?.[1];
}

/** The markup of the element `<tag data-testid="…">…</tag>` (no nesting of the same tag). */
function element(html: string, tag: string, testId: string): string | undefined {
  return new RegExp(`<${tag}[^>]*data-testid="${testId}"[\\s\\S]*?</${tag}>`).exec(html)?.[0];
}

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(new RegExp(pattern.source, 'g'))].length;
}

function weeks(n: number): TrendPoint[] {
  return Array.from({ length: n }, (_, i) => ({
    date: new Date(Date.parse('2026-09-06T00:00:00Z') + i * 7 * 86_400_000).toISOString().slice(0, 10),
    storedBytes: (50 + i) * GIB,
    reclaimableBytes: (10 + i) * GIB,
  }));
}

describe('render/html', () => {
  describe('renderHtml', () => {
    it('shows the totals formatted under stable test ids when given repositories', () => {
      const report = auditReport([
        repositoryReport({ storedBytes: 30 * GIB, reclaimableBytes: 12 * GIB }),
        repositoryReport({ repositoryName: 'b', policyStatus: 'ok', storedBytes: 5 * GIB, reclaimableBytes: 0 }),
      ]);

      const html = renderHtml(report);

      expect(byTestId(html, 'total-repositories')).toBe('2');
      expect(byTestId(html, 'total-without-policy')).toBe('1');
      expect(byTestId(html, 'total-stored')).toBe('35.0 GiB');
      expect(byTestId(html, 'total-reclaimable')).toBe('12.0 GiB');
      expect(byTestId(html, 'total-monthly-cost')).toBe('$3.50');
      expect(byTestId(html, 'total-savings')).toBe('$1.20');
      expect(html).toMatch(new RegExp(`data-testid="total-stored" data-value="${35 * GIB}"`));
    });

    it('is one self-contained document with inline styles and a script-forbidding policy', () => {
      const html = renderHtml(auditReport([repositoryReport()]), { history: weeks(3) });

      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).toContain('<style>');
      expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
      expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
      expect(html).not.toMatch(/https?:\/\//i);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    });

    it('escapes a malicious repository name everywhere when it holds markup', () => {
      const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'&';
      const report = auditReport([repositoryReport({ repositoryName: evil })], {
        errors: [{ region: 'us-east-1', repositoryName: evil, code: '<b>Code</b>', message: '<i>oops</i>' }],
      });

      const html = renderHtml(report, { title: '<title>' });

      expect(html).not.toContain('<script');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<b>Code');
      expect(html).not.toContain('<i>oops');
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect(html).toContain(`data-repository="${escapeHtml(evil)}"`);
      expect(html).toContain('<h1>&lt;title&gt;</h1>');
    });

    it('draws one bar pair per repository when there are up to 15', () => {
      const html = renderHtml(auditReport(many(4)));
      const chart = element(html, 'svg', 'chart-top') ?? '';

      expect(count(chart, /class="bar-pair"/)).toBe(4);
      expect(count(chart, /<rect class="bar-stored" x="\d+" y/)).toBe(4);
      expect(count(chart, /<rect class="bar-reclaimable" x="\d+" y/)).toBe(4);
    });

    it('draws the top 20 by reclaimable bytes when there are more, the same top as the terminal table', () => {
      const html = renderHtml(auditReport(many(25)));
      const chart = element(html, 'svg', 'chart-top') ?? '';

      const shown = [...chart.matchAll(/data-repository="([^"]+)"/g)].map((m) => m[1]);

      expect(CHART_LIMIT).toBe(SUMMARY_LIMIT);
      expect(shown).toHaveLength(20);
      expect(shown[0]).toBe('team/repo-25');
      expect(shown).not.toContain('team/repo-5');
      expect(html).toContain('Top 20 repositories by reclaimable bytes');
    });

    it('labels the axes and gives every bar a tooltip', () => {
      const html = renderHtml(auditReport([repositoryReport({ storedBytes: 8 * GIB, reclaimableBytes: 3 * GIB })]));
      const chart = element(html, 'svg', 'chart-top') ?? '';

      expect(chart).toContain('Compressed bytes (binary units)');
      expect(chart).toContain('>Repository</text>');
      expect(chart).toContain('>8 GiB</text>');
      expect(chart).toContain('<title>team-a/web-api (us-east-1): stored 8.0 GiB ($0.80/month)</title>');
      expect(chart).toContain('<title>team-a/web-api (us-east-1): reclaimable 3.0 GiB ($0.30/month)</title>');
    });

    it('scales the bars to the largest repository', () => {
      const html = renderHtml(auditReport([repositoryReport({ repositoryName: 'big', storedBytes: 10 * GIB, reclaimableBytes: 5 * GIB })]));
      const chart = element(html, 'svg', 'chart-top') ?? '';

      const stored = Number(/class="bar-stored" x="\d+" y="[\d.]+" width="([\d.]+)"/.exec(chart)?.[1]);
      const reclaimable = Number(/class="bar-reclaimable" x="\d+" y="[\d.]+" width="([\d.]+)"/.exec(chart)?.[1]);

      expect(stored).toBeGreaterThan(0);
      expect(reclaimable / stored).toBeCloseTo(0.5, 2);
    });

    it.each([
      ['no history is given', undefined],
      ['history has one point', weeks(1)],
    ])('says "no history yet" instead of the trend charts when %s', (_, history) => {
      const html = renderHtml(auditReport([repositoryReport()]), history === undefined ? {} : { history });

      expect(html).not.toContain('chart-trend');
      expect(element(html, 'p', 'no-history')).toContain('No history yet');
    });

    it('draws the trend with a line and a point per audit for both series when history has 2+ points', () => {
      const html = renderHtml(auditReport([repositoryReport()]), { history: weeks(6) });
      const chart = element(html, 'svg', 'chart-trend') ?? '';

      expect(chart).not.toBe('');
      expect(count(chart, /<polyline class="line-stored"/)).toBe(1);
      expect(count(chart, /<polyline class="line-reclaimable"/)).toBe(1);
      expect(count(chart, /<circle class="dot-stored"/)).toBe(6);
      expect(count(chart, /<circle class="dot-reclaimable"/)).toBe(6);
      expect(chart).toContain('<title>2026-09-06: stored 50.0 GiB</title>');
      expect(chart).toContain('Audit date');
    });

    it('orders the trend by date when history comes unordered', () => {
      const [a, b, c] = weeks(3);
      const html = renderHtml(auditReport([repositoryReport()]), { history: [c, a, b].filter((p): p is TrendPoint => p !== undefined) });
      const chart = element(html, 'svg', 'chart-trend') ?? '';

      const xs = [...chart.matchAll(/<circle class="dot-stored" cx="([\d.]+)"[^>]*><title>([^:]+):/g)].map(
        (m) => [m[2], Number(m[1])] as const,
      );

      expect(xs.map(([date]) => date)).toEqual(['2026-09-06', '2026-09-13', '2026-09-20']);
      expect(xs.map(([, x]) => x)).toEqual([...xs.map(([, x]) => x)].sort((p, q) => p - q));
    });

    it('lists every repository in the table when there are more than the chart shows', () => {
      const html = renderHtml(auditReport(many(20)));

      expect(count(html, /data-testid="repository-row"/)).toBe(20);
    });

    it('shows the errors when the run had some and no errors section otherwise', () => {
      const withErrors = renderHtml(
        auditReport([repositoryReport()], {
          errors: [{ region: 'ap-south-1', code: 'UnrecognizedClientException', message: 'region not enabled' }],
        }),
      );

      expect(element(withErrors, 'section', 'errors')).toContain('region not enabled');
      expect(renderHtml(auditReport([repositoryReport()]))).not.toContain('data-testid="errors"');
    });

    it('shows the warnings in their own escaped section, apart from the errors, when some policies need a person', () => {
      const html = renderHtml(
        auditReport([repositoryReport()], {
          warnings: [
            {
              region: 'eu-west-1',
              repositoryName: '<img src=x>',
              code: 'InvalidStoredPolicy',
              message: '<script>alert(1)</script> not valid',
            },
          ],
        }),
      );
      const warnings = element(html, 'section', 'warnings') ?? '';

      expect(warnings).toContain('<h2>Warnings (1)</h2>');
      expect(warnings).toContain(
        '<td class="repo">&lt;img src=x&gt;</td><td>InvalidStoredPolicy</td><td class="msg">&lt;script&gt;alert(1)&lt;/script&gt; not valid</td>',
      );
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('data-testid="errors"');
      expect(html).toContain('<span>1 warning</span>');
    });

    it('has no warnings section when there were none', () => {
      expect(renderHtml(auditReport([repositoryReport()]))).not.toContain('data-testid="warnings"');
    });

    it('calls out the referrers at risk under the totals with the repositories that have them', () => {
      const html = renderHtml(
        auditReport([
          repositoryReport({ repositoryName: 'few', referrers: 4, referrersAtRisk: 2 }),
          repositoryReport({ repositoryName: 'none', referrers: 9 }),
          repositoryReport({ repositoryName: '<many>', referrers: 30, referrersAtRisk: 1500 }),
        ]),
      );
      const callout = element(html, 'section', 'referrers-at-risk') ?? '';

      expect(byTestId(html, 'total-referrers-at-risk')).toBe('1,502');
      expect(html).toContain('data-testid="total-referrers-at-risk" data-value="1502"');
      expect(callout).toContain('Untagged signatures, SBOMs or attestations of images that stay');
      expect([...callout.matchAll(/<td class="repo">([^<]*)<\/td>/g)].map((m) => m[1])).toEqual(['&lt;many&gt;', 'few']);
      expect(html.indexOf('data-testid="referrers-at-risk"')).toBeLessThan(html.indexOf('data-testid="chart-top"'));
    });

    it('draws the monthly cost over the weeks beside the bytes, leaving out weeks that did not record it', () => {
      const history = weeks(4).map((p, i) => (i === 0 ? p : { ...p, monthlyCostUsd: 5 + i }));
      const html = renderHtml(auditReport([repositoryReport()]), { history });
      const chart = element(html, 'svg', 'chart-trend-cost') ?? '';

      expect(count(chart, /<circle class="dot-cost"/)).toBe(3);
      expect(chart).toContain('<title>2026-09-13: cost $6.00/month</title>');
      expect(chart).toContain('>$8</text>');
    });

    it('groups cost by owner, one table per grouping, with the change on last week', () => {
      const rows = [
        repositoryReport({ repositoryName: 'team-a/web', storedBytes: 4 * GIB, costAllocationTags: { team: 'payments' } }),
        repositoryReport({ repositoryName: 'team-b/api', storedBytes: 2 * GIB, costAllocationTags: {} }),
      ];
      const report = { ...auditReport(rows, { costAllocationTagKeys: ['team'] }), costGroups: costGroupsOf(rows, ['team'], 0.1) };
      const previous = historyEntry('2026-10-25', 5 * GIB, {
        groups: {
          'name-prefix': {
            'team-a': { repositories: 1, storedBytes: 3 * GIB, reclaimableBytes: 0, monthlyCostUsd: 0.3, monthlySavingsUsd: 0 },
          },
        },
      });

      const html = renderHtml(report, { previous });
      const section = element(html, 'section', 'cost-groups') ?? '';

      expect(section).toContain('By name prefix');
      expect(section).toContain('By tag team');
      const rowsOf = [...section.matchAll(/data-by="([^"]+)" data-value="([^"]+)"/g)].map((m) => `${m[1]}=${m[2]}`);
      expect(rowsOf).toEqual(['name-prefix=team-a', 'name-prefix=team-b', 'tag:team=payments', 'tag:team=(untagged)']);
      expect(section).toContain('<span class="up">+$0.10</span>');
      expect(section).toContain('+1.0 GiB');
      expect(section).toMatch(/data-value="team-b"[\s\S]*?>new</);
      expect(section).toMatch(/data-value="payments"[\s\S]*?>–</);
      expect(section).toContain('Change on the report of 2026-10-25');
    });

    it('says there is no history yet for the change per group on the first week', () => {
      expect(element(renderHtml(auditReport([repositoryReport()])), 'section', 'cost-groups')).toContain('No history yet');
    });

    it('lists the archivable repositories with the rule to add, and says the saving is not priced without an archive price', () => {
      const rule = '{"rulePriority":2,"description":"Archive images not pulled for 90 days (suggested by ecr-janitor)"}';
      const rows = [
        repositoryReport({ repositoryName: 'small', archivableBytes: GIB, archiveRuleSuggestion: rule }),
        repositoryReport({ repositoryName: 'big', archivableBytes: 3 * GIB, archiveRuleSuggestion: null }),
        repositoryReport({ repositoryName: 'none', archivableBytes: 0 }),
      ];

      const html = renderHtml(auditReport(rows));
      const section = element(html, 'section', 'archive') ?? '';

      expect(count(section, /data-testid="archive-row"/)).toBe(2);
      expect(section.indexOf('big')).toBeLessThan(section.indexOf('small'));
      expect(section).toContain(escapeHtml(rule));
      expect(section).toContain('the policy’s own transition rules');
      expect(section).toContain('No archive price was given');
      expect(section).toContain('at least 90 days');
      expect(byTestId(html, 'total-archivable')).toBe('4.0 GiB');
      expect(byTestId(html, 'total-archive-savings')).toBe('not priced');
    });

    it('prices the archive saving with the archive price', () => {
      const rows = [repositoryReport({ archivableBytes: 10 * GIB })];
      const report = {
        ...auditReport(rows, { archivePricePerGbMonth: 0.07 }),
        totals: totalsOf(rows, 0.1, { archivePricePerGbMonth: 0.07 }),
      };

      const html = renderHtml(report);

      expect(byTestId(html, 'total-archive-savings')).toBe('$0.30');
      expect(element(html, 'section', 'archive')).toContain('At $0.07/GB-month in the archive class that saves $0.30 a month.');
    });

    it('shows control characters in names as visible stand-ins', () => {
      const html = renderHtml(auditReport([repositoryReport({ repositoryName: 'evil\u001b[2J\u202e' })]));

      expect(html).not.toContain('\u001b');
      expect(html).not.toContain('\u202e');
      expect(html).toContain('evil\u241b[2J\ufffd');
    });

    it('has no referrers callout when none is at risk', () => {
      expect(renderHtml(auditReport([repositoryReport({ referrers: 3 })]))).not.toContain('referrers-at-risk');
    });

    it('still renders the totals and an empty chart when no repository was audited', () => {
      const html = renderHtml(auditReport([]));

      expect(byTestId(html, 'total-stored')).toBe('0 B');
      expect(element(html, 'svg', 'chart-top')).toContain('No repositories audited.');
    });
  });

  describe('usdTicks', () => {
    it('covers the maximum with round dollar steps', () => {
      expect(usdTicks(8.2).ticks.map((t) => t.label)).toEqual(['$0', '$2', '$4', '$6', '$8', '$10']);
      expect(usdTicks(0.3).ticks.map((t) => t.label)).toEqual(['$0', '$0.10', '$0.20', '$0.30']);
      expect(usdTicks(0)).toEqual({ domainMax: 1, ticks: [{ value: 0, label: '$0' }] });
    });
  });

  describe('byteTicks', () => {
    it('covers the maximum with round steps in one binary unit', () => {
      const { domainMax, ticks } = byteTicks(8.4 * GIB);

      expect(ticks.map((t) => t.label)).toEqual(['0', '2 GiB', '4 GiB', '6 GiB', '8 GiB', '10 GiB']);
      expect(domainMax).toBe(10 * GIB);
    });

    it('uses fractional steps when the maximum is just over a unit', () => {
      expect(byteTicks(1.1 * GIB).ticks.map((t) => t.label)).toEqual(['0', '0.25 GiB', '0.5 GiB', '0.75 GiB', '1 GiB', '1.25 GiB']);
    });

    it('returns a single zero tick when everything is empty', () => {
      expect(byteTicks(0)).toEqual({ domainMax: 1, ticks: [{ value: 0, label: '0' }] });
    });
  });
});

describe('renderHtml: recommended policies', () => {
  const section = {
    totals: {
      repositories: 2,
      withAdvice: 1,
      withheld: 1,
      removedNow: { images: 3, bytes: 2 ** 30 },
      removedIn30Days: { images: 4, bytes: 2 ** 30 },
      monthlyExtraSavingsUsd: 0.1,
      monthlyArchiveSavingsUsd: null,
    },
    top: [
      {
        region: 'eu-west-1',
        repositoryName: 'team-a/<web>',
        owner: 'team-a',
        monthlyExtraSavingsUsd: 0.1,
        removedNow: { images: 3, bytes: 2 ** 30 },
      },
    ],
    byOwner: [{ owner: 'team-a', repositories: 1, monthlyExtraSavingsUsd: 0.1 }],
    location: 's3://bucket/reports/2026-03-01/advice.json',
    link: 'https://console.aws.amazon.com/s3/object/bucket?prefix=reports/2026-03-01/advice.json',
  };

  it('shows the top repositories, what each owner saves, and links the advice file', () => {
    const html = renderHtml(auditReport([repositoryReport()], { recommendedPolicies: section }));
    expect(html).toContain('<h2>Recommended policies</h2>');
    expect(html).toContain('1 of 2 repositories have a lifecycle policy to adopt (1 withheld); adopting them all saves +$0.10 a month');
    expect(html).toContain(`<a href="${section.link.replace(/&/g, '&amp;')}">s3://bucket/reports/2026-03-01/advice.json</a>`);
    expect(html).toContain('team-a/&lt;web&gt;');
    expect(html.match(/data-testid="advice-owner"/g)).toHaveLength(1);
  });

  it('never makes a link of anything but a web address', () => {
    const html = renderHtml(auditReport([repositoryReport()], { recommendedPolicies: { ...section, link: 'javascript:alert(1)' } }));
    expect(html).not.toContain('javascript:alert');
    expect(html).toContain('s3://bucket/reports/2026-03-01/advice.json');
  });
});
