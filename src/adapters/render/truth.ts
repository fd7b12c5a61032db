// The words every format uses for the truth loop: what lifecycle policies freed (realized savings),
// whether ECR did what the janitor forecast (prediction), and which stored figure the bill should
// match (blob mounting). One phrasing, so the e-mail, the terminal, Markdown and HTML say the same.
import type { PredictionCounts, PredictionMismatch } from '../../domain/forecast';
import { shortDigest } from '../../domain/in-use-guard';
import type { CumulativeRealized, RealizedSavings } from '../../domain/realized';
import type { AuditReport, BlobMountingSetting, LedgerPeriod } from '../../domain/report';
import { oneLine } from '../../domain/text';
import { formatBytes, formatCount, formatUsd } from './format';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * What lifecycle policies freed over the period, and the janitor's default rule's share.
 *
 * @example realizedSentence(report.totals.realized) // 'Saved 12.0 GiB, $1.20/month: 41 images removed, 10.0 GiB ($1.00/month) of it by the janitor's default rule'
 */
export function realizedSentence(realized: RealizedSavings): string {
  const d = realized.byDefaultRule;
  return (
    `Saved ${formatBytes(realized.freedBytes)}, ${formatUsd(realized.monthlySavingsUsd)}/month: ${plural(realized.images, 'image')} removed by lifecycle policies, ` +
    `${formatBytes(d.freedBytes)} (${formatUsd(d.monthlySavingsUsd)}/month) of it by the janitor's default rule (${plural(d.images, 'image')})`
  );
}

/** What moved to the archive class and what could not be measured, when there is any; undefined otherwise. */
export function realizedNotes(realized: RealizedSavings): string | undefined {
  const notes: string[] = [];
  if (realized.archivedImages > 0)
    notes.push(`${plural(realized.archivedImages, 'image')} archived, ${formatBytes(realized.archivedBytes)} out of standard storage`);
  if (realized.unmeasuredImages > 0)
    notes.push(
      `${plural(realized.unmeasuredImages, 'image')} pushed and removed between two runs: never read, so their bytes are not counted`,
    );
  return notes.length === 0 ? undefined : `${notes.join('; ')}.`;
}

/** The running total since the first week the history recorded realized savings. */
export function cumulativeSentence(c: CumulativeRealized): string {
  return (
    `Since ${c.since} (${plural(c.weeks, 'week')}): ${formatBytes(c.freedBytes)}, ${formatUsd(c.monthlySavingsUsd)}/month freed, ` +
    `${formatBytes(c.byDefaultRule.freedBytes)} (${formatUsd(c.byDefaultRule.monthlySavingsUsd)}/month) by the janitor's default rule`
  );
}

/** The ledger period in words: `2026-10-26 to 2026-11-02, 41 actions, 1 failure read`. */
export function ledgerPeriodText(ledger: LedgerPeriod): string {
  return `${ledger.from.slice(0, 10)} to ${ledger.to.slice(0, 10)}, ${plural(ledger.actions, 'lifecycle action')} and ${plural(ledger.failures, 'failure')} read`;
}

/** Mismatches of every repository, in report order. */
export function predictionMismatchesOf(report: Pick<AuditReport, 'repositories'>): PredictionMismatch[] {
  return report.repositories.flatMap((r) => r.prediction?.mismatches ?? []);
}

/**
 * The prediction in one plain sentence: all matched, or how many images disagree.
 *
 * @example predictionSentence(report.prediction, predictionMismatchesOf(report)) // 'All matched: ECR acted on 37 of the 40 forecast images (3 not yet due), and did nothing the forecast contradicts.'
 */
export function predictionSentence(p: PredictionCounts, found: readonly PredictionMismatch[]): string {
  const mismatches = found.length;
  const explained = p.forecastNotActed - found.filter((m) => m.kind === 'not-acted').length;
  const asides = [
    ...(p.notYetDue > 0 ? [`${formatCount(p.notYetDue)} not yet due`] : []),
    ...(explained > 0 ? [`${formatCount(explained)} no longer due: a moved tag, a pull or a deleted image`] : []),
  ];
  const acted = `ECR acted on ${formatCount(p.actedAsForecast)} of the ${plural(p.forecastImages, 'forecast image')}${asides.length > 0 ? ` (${asides.join('; ')})` : ''}`;
  if (mismatches === 0) return `All matched: ${acted}, and did nothing the forecast contradicts.`;
  return `${plural(mismatches, 'mismatch', 'mismatches')}: ${acted}; ${mismatches === 1 ? 'one image disagrees' : `${formatCount(mismatches)} images disagree`} with the forecast (listed with both timelines).`;
}

/** The counts behind the prediction sentence, for tables. */
export function predictionCountsText(p: PredictionCounts): string {
  return (
    `${formatCount(p.forecastImages)} forecast, ${formatCount(p.actedAsForecast)} acted as forecast, ${formatCount(p.forecastNotActed)} forecast but not acted on, ` +
    `${formatCount(p.actedNotForecast)} acted on but not forecast, ${formatCount(p.pushedAfterForecast)} pushed after the forecast, ${formatCount(p.notYetDue)} not yet due`
  );
}

/** One mismatch's two timelines in a line: forecast (made, eligible) and actual (pushed, acted, failure, still there). */
export function mismatchTimelines(m: PredictionMismatch): { forecast: string; actual: string } {
  const forecast =
    m.forecast.eligibleAt === null
      ? `not forecast (forecast made ${m.forecast.forecastAt})`
      : `forecast ${m.forecast.forecastAt}, eligible ${m.forecast.eligibleAt}`;
  const actual = [
    `pushed ${m.actual.pushedAt ?? 'unknown'}`,
    m.actual.actedAt === null ? 'not acted on' : `acted ${m.actual.actedAt}`,
    ...(m.actual.failure === null ? [] : [`ECR failed ${m.actual.failure.at}: ${oneLine(m.actual.failure.code)}`]),
    m.actual.present ? 'still there' : 'gone',
  ].join(', ');
  return { forecast, actual };
}

/** One mismatch on a line: where, which image, which rule, both timelines. */
export function mismatchLine(m: PredictionMismatch): string {
  const { forecast, actual } = mismatchTimelines(m);
  return `${oneLine(m.repositoryName)} (${oneLine(m.region)}) ${shortDigest(m.imageDigest)} rule ${m.rulePriority} ${m.action}: ${forecast}; ${actual}`;
}

/** Which stored figure a registry's bill should match, and why. */
export function blobMountingSentence(s: BlobMountingSetting): string {
  const where = `${oneLine(s.accountId)} ${oneLine(s.region)}`;
  const unique = s.registryUniqueBytes;
  if (s.status === 'ENABLED' && unique === undefined)
    return `${where}: blob mounting on, layers shared across repositories; the bill should match the registry-wide unique bytes, which could not be added up this time (see the warnings), so it may be below the ${formatBytes(s.perRepositoryBytes)} counted per repository`;
  if (s.status === 'ENABLED' && unique !== undefined)
    return (
      `${where}: blob mounting on, layers shared across repositories: ${formatBytes(unique)} unique in the registry ` +
      `against ${formatBytes(s.perRepositoryBytes)} counted per repository; the bill should match the registry-wide figure`
    );
  if (s.status === 'DISABLED')
    return `${where}: blob mounting off; the bill should match the per-repository figure, ${formatBytes(s.perRepositoryBytes)}`;
  return `${where}: blob mounting unknown (the setting could not be read); the per-repository figure, ${formatBytes(s.perRepositoryBytes)}, is shown`;
}

/**
 * The truth loop as plain-text lines, for the terminal and the e-mail: what was saved (unless
 * `realized` is false: the e-mail opens with it), the running total, what could not be measured, the
 * prediction with up to `limit` mismatches, and (with `bill`) which stored figure each registry's bill
 * should match. Empty for a report without a ledger or a BLOB_MOUNTING reading. Every line one line.
 *
 * @example lines.push(...truthLines(report, 5, { realized: true, bill: true }));
 */
export function truthLines(report: AuditReport, limit: number, include: { realized: boolean; bill: boolean }): string[] {
  const lines: string[] = [];
  const realized = report.totals.realized;
  if (include.realized && realized !== undefined) lines.push(`${realizedSentence(realized)}.`);
  if (report.cumulativeRealized !== undefined) lines.push(`${cumulativeSentence(report.cumulativeRealized)}.`);
  const notes = realized === undefined ? undefined : realizedNotes(realized);
  if (notes !== undefined) lines.push(notes);
  if (report.prediction !== undefined) {
    const mismatches = predictionMismatchesOf(report);
    lines.push(`Prediction: ${predictionSentence(report.prediction, mismatches)}`);
    for (const m of mismatches.slice(0, limit)) lines.push(`  ${mismatchLine(m)}`);
    if (mismatches.length > limit) lines.push(`  … and ${mismatches.length - limit} more in the report`);
  }
  if (include.bill) for (const s of report.blobMounting ?? []) lines.push(`${blobMountingSentence(s)}.`);
  return lines.map(oneLine);
}
