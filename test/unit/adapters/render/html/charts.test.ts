import type { TrendPoint } from '../../../../../src/adapters/render/html';
import { BYTES_TREND, COST_TREND, topChart, trendChart } from '../../../../../src/adapters/render/html/charts';
import { GIB } from '../../../../../src/domain/report';
import { count, many, weeks } from '../../../support/html';
import { repositoryReport } from '../../../support/report-fixtures';

describe('render/html/charts', () => {
  describe('topChart', () => {
    it('draws one bar pair per repository when there are up to 15', () => {
      const chart = topChart(many(4));

      expect(count(chart, /class="bar-pair"/)).toBe(4);
      expect(count(chart, /<rect class="bar-stored" x="\d+" y/)).toBe(4);
      expect(count(chart, /<rect class="bar-reclaimable" x="\d+" y/)).toBe(4);
    });

    it('labels the axes and gives every bar a tooltip', () => {
      const chart = topChart([repositoryReport({ storedBytes: 8 * GIB, reclaimableBytes: 3 * GIB })]);

      expect(chart).toContain('Compressed bytes (binary units)');
      expect(chart).toContain('>Repository</text>');
      expect(chart).toContain('>8 GiB</text>');
      expect(chart).toContain('<title>team-a/web-api (us-east-1): stored 8.0 GiB ($0.80/month)</title>');
      expect(chart).toContain('<title>team-a/web-api (us-east-1): reclaimable 3.0 GiB ($0.30/month)</title>');
    });

    it('scales the bars to the largest repository', () => {
      const chart = topChart([repositoryReport({ repositoryName: 'big', storedBytes: 10 * GIB, reclaimableBytes: 5 * GIB })]);

      const stored = Number(/class="bar-stored" x="\d+" y="[\d.]+" width="([\d.]+)"/.exec(chart)?.[1]);
      const reclaimable = Number(/class="bar-reclaimable" x="\d+" y="[\d.]+" width="([\d.]+)"/.exec(chart)?.[1]);

      expect(stored).toBeGreaterThan(0);
      expect(reclaimable / stored).toBeCloseTo(0.5, 2);
    });

    it('draws a narrow twin for phones: its own test id, 400 units wide, each name above its bars', () => {
      const rows = many(4);

      const chart = topChart(rows, 'narrow');

      expect(chart).toMatch(/^<svg data-testid="chart-top-narrow" class="chart chart-narrow" viewBox="0 0 400 \d+"/);
      expect(count(chart, /class="bar-pair"/)).toBe(4);
      // The name starts at the plot's left edge, where the bars start, on the line above them.
      const first = /<text x="(\d+)" y="(\d+)"><tspan class="repo-label">team\/repo-1<\/tspan>/.exec(chart);
      const bar = /<rect class="bar-stored" x="(\d+)" y="(\d+)"/.exec(chart);
      expect(first?.[1]).toBe(bar?.[1]);
      expect(Number(first?.[2])).toBeLessThan(Number(bar?.[2]));
      expect(chart).toContain('id="chart-top-narrow-title"');
    });

    it('keeps the wide drawing under its own test id, 960 units wide', () => {
      expect(topChart(many(2))).toMatch(/^<svg data-testid="chart-top" class="chart chart-wide" viewBox="0 0 960 \d+"/);
    });
  });

  describe('trendChart', () => {
    it('draws the trend with a line and a point per audit for both series when history has 2+ points', () => {
      const chart = trendChart(weeks(6), BYTES_TREND);

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
      const chart = trendChart(
        [c, a, b].filter((p): p is TrendPoint => p !== undefined),
        BYTES_TREND,
      );

      const xs = [...chart.matchAll(/<circle class="dot-stored" cx="([\d.]+)"[^>]*><title>([^:]+):/g)].map(
        (m) => [m[2], Number(m[1])] as const,
      );

      expect(xs.map(([date]) => date)).toEqual(['2026-09-06', '2026-09-13', '2026-09-20']);
      expect(xs.map(([, x]) => x)).toEqual([...xs.map(([, x]) => x)].sort((p, q) => p - q));
    });

    it('draws the monthly cost over the weeks beside the bytes, leaving out weeks that did not record it', () => {
      const history = weeks(4).map((p, i) => (i === 0 ? p : { ...p, monthlyCostUsd: 5 + i }));
      const chart = trendChart(history, COST_TREND);

      expect(count(chart, /<circle class="dot-cost"/)).toBe(3);
      expect(chart).toContain('<title>2026-09-13: cost $6.00/month</title>');
      expect(chart).toContain('>$8</text>');
    });

    it('labels at most about four dates in the narrow drawing, the last one always', () => {
      const chart = trendChart(weeks(12), BYTES_TREND, 'narrow');

      const dates = [...chart.matchAll(/>(\d{4}-\d{2}-\d{2})<\/text>/g)].map((m) => m[1]);

      expect(chart).toMatch(/^<svg data-testid="chart-trend-narrow" class="chart chart-narrow" viewBox="0 0 400 /);
      expect(dates.length).toBeLessThanOrEqual(4);
      expect(dates[dates.length - 1]).toBe(weeks(12)[11]?.date);
      expect(count(chart, /<circle class="dot-stored"/)).toBe(12);
    });
  });
});
