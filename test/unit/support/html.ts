/**
 * Reading the HTML report in tests without a browser: the text of an element by test id, the
 * markup of one element, and pattern counts; plus the rows and weeks the HTML tests draw.
 */
import type { TrendPoint } from '../../../src/adapters/render/html';
import type { RepositoryReport } from '../../../src/domain/report';
import { GIB } from '../../../src/domain/report';
import { repositoryReport } from './report-fixtures';

/** `n` repositories `team/repo-1…n`, the later ones with more reclaimable and stored bytes. */
export function many(n: number): RepositoryReport[] {
  return Array.from({ length: n }, (_, i) =>
    repositoryReport({ repositoryName: `team/repo-${i + 1}`, reclaimableBytes: (i + 1) * 2 ** 20, storedBytes: (i + 2) * 2 ** 20 }),
  );
}

/** The text content of the element carrying `data-testid`. */
export function byTestId(html: string, testId: string): string | undefined {
  return new RegExp(`data-testid="${testId}"[^>]*>([^<]*)<`).exec(html)?.[1];
}

/** The markup of the element `<tag data-testid="…">…</tag>` (no nesting of the same tag). */
export function element(html: string, tag: string, testId: string): string | undefined {
  return new RegExp(`<${tag}[^>]*data-testid="${testId}"[\\s\\S]*?</${tag}>`).exec(html)?.[0];
}

/** How often `pattern` occurs in `text`. */
export function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(new RegExp(pattern.source, 'g'))].length;
}

/** `n` weekly trend points from 2026-09-06 on, growing by a GiB a week. */
export function weeks(n: number): TrendPoint[] {
  return Array.from({ length: n }, (_, i) => ({
    date: new Date(Date.parse('2026-09-06T00:00:00Z') + i * 7 * 86_400_000).toISOString().slice(0, 10),
    storedBytes: (50 + i) * GIB,
    reclaimableBytes: (10 + i) * GIB,
  }));
}
