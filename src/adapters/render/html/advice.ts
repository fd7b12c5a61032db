// The section "Recommended policies" of the HTML report. Every report text is escaped here.
import type { AuditReport } from '../../../domain/report';
import { formatBytes, formatCount, formatUsdChange } from '../format';
import { escapeHtml as h } from './escape';
import { TABLES, tableEnd, tableStart } from './tables';

/** Only a web link is ever made clickable: anything else (a `javascript:` URL in a tampered report) stays text. */
function isWebLink(link: string): boolean {
  return /^https?:\/\//i.test(link);
}

/**
 * The section "Recommended policies" of the weekly report's HTML page: what adopting the advised
 * lifecycle policies saves, the repositories whose advice saves most, each owner's saving, and the
 * link to the advice file. Empty when the run did not advise.
 *
 * @example body.push(recommendedPoliciesSection(report));
 */
export function recommendedPoliciesSection(report: AuditReport): string {
  const advice = report.recommendedPolicies;
  if (advice === undefined) return '';
  const t = advice.totals;
  const file =
    advice.link !== undefined && isWebLink(advice.link)
      ? `<a href="${h(advice.link)}">${h(advice.location ?? 'advice.json')}</a>`
      : h(advice.location ?? 'advice.json');
  const top = advice.top.map(
    (r) =>
      `<tr data-testid="advice-row"><td>${h(r.region)}</td><td class="repo">${h(r.repositoryName)}</td><td>${h(r.owner)}</td><td class="num" data-value="${r.removedNow.bytes}">${h(`${formatCount(r.removedNow.images)} (${formatBytes(r.removedNow.bytes)})`)}</td><td class="num" data-value="${r.monthlyExtraSavingsUsd}">${h(formatUsdChange(r.monthlyExtraSavingsUsd))}</td></tr>`,
  );
  const owners = advice.byOwner.map(
    (o) =>
      `<tr data-testid="advice-owner"><td>${h(o.owner)}</td><td class="num">${h(formatCount(o.repositories))}</td><td class="num" data-value="${o.monthlyExtraSavingsUsd}">${h(formatUsdChange(o.monthlyExtraSavingsUsd))}</td></tr>`,
  );
  return [
    `<section data-testid="recommended-policies">`,
    `<h2>Recommended policies</h2>`,
    `<p>${h(`${formatCount(t.withAdvice)} of ${formatCount(t.repositories)} repositories have a lifecycle policy to adopt (${formatCount(t.withheld)} withheld); adopting them all saves ${formatUsdChange(t.monthlyExtraSavingsUsd)} a month beyond the current policies.`)}</p>`,
    `<p class="muted">${h('Advised from how each repository’s tags are pushed and pulled, and proven safe by the engine: nothing in use, recently pulled, or needed by a kept image is acted on. Adopt with ')}<code>ecr-janitor remediate --adopt FILE</code>${h(' from the advice file: ')}${file}</p>`,
    top.length === 0 ? '' : [tableStart(TABLES.adviceTop), ...top, tableEnd()].join('\n'),
    owners.length === 0 ? '' : [tableStart(TABLES.adviceOwners), ...owners, tableEnd()].join('\n'),
    `</section>`,
  ].join('\n');
}
