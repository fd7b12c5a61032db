// The Markdown report's truth sections: what lifecycle policies saved (realized savings), whether ECR
// did what the janitor forecast (prediction), and which stored figure the bill should match (blob
// mounting). Each appears only when the report carries its figures.
import { shortDigest } from '../../domain/in-use-guard';
import type { AuditReport } from '../../domain/report';
import { formatBytes, formatCount, formatUsd } from './format';
import {
  blobMountingSentence,
  cumulativeSentence,
  ledgerPeriodText,
  mismatchTimelines,
  predictionMismatchesOf,
  predictionSentence,
  realizedNotes,
  realizedSentence,
} from './truth';

type Table = (header: readonly string[], rows: ReadonlyArray<readonly string[]>, align: ReadonlyArray<'l' | 'r'>) => string;

/**
 * Appends the sections "Realized savings", "Predicted vs actual" and "Stored bytes and the bill" to
 * `out`, each only when the report has its figures.
 *
 * @example truthSectionsMarkdown(out, report, escapeMarkdown, table);
 */
export function truthSectionsMarkdown(out: string[], report: AuditReport, escape: (text: string) => string, table: Table): void {
  realizedSection(out, report, escape, table);
  predictionSection(out, report, escape, table);
  const settings = report.blobMounting ?? [];
  if (settings.length > 0) {
    out.push('## Stored bytes and the bill', '');
    out.push(...settings.map((s) => `- ${escape(blobMountingSentence(s))}.`), '');
  }
}

function realizedSection(out: string[], report: AuditReport, escape: (text: string) => string, table: Table): void {
  const realized = report.totals.realized;
  if (realized === undefined && report.cumulativeRealized === undefined) return;
  out.push('## Realized savings', '');
  if (report.ledger !== undefined)
    out.push(`What lifecycle policies removed, read from the ledger (${escape(ledgerPeriodText(report.ledger))}).`, '');
  if (realized !== undefined) out.push(`**${escape(realizedSentence(realized))}.**`, '');
  const notes = realized === undefined ? undefined : realizedNotes(realized);
  if (notes !== undefined) out.push(escape(notes), '');
  if (report.cumulativeRealized !== undefined) out.push(`${escape(cumulativeSentence(report.cumulativeRealized))}.`, '');
  const rows = report.repositories
    .flatMap((r) => (r.realized !== undefined && (r.realized.images > 0 || r.realized.archivedImages > 0) ? [{ r, x: r.realized }] : []))
    .sort((a, b) => b.x.freedBytes - a.x.freedBytes);
  if (rows.length === 0) return;
  out.push(
    table(
      ['Repository', 'Region', 'Images removed', 'Freed', 'Saved / month', 'By the default rule', 'Archived'],
      rows.map(({ r, x }) => [
        escape(r.repositoryName),
        escape(r.region),
        formatCount(x.images),
        formatBytes(x.freedBytes),
        formatUsd(x.monthlySavingsUsd),
        formatBytes(x.byDefaultRule.freedBytes),
        formatBytes(x.archivedBytes),
      ]),
      ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
  );
}

function predictionSection(out: string[], report: AuditReport, escape: (text: string) => string, table: Table): void {
  const prediction = report.prediction;
  if (prediction === undefined) return;
  const mismatches = predictionMismatchesOf(report);
  out.push('## Predicted vs actual', '');
  out.push(`**${escape(predictionSentence(prediction, mismatches))}**`, '');
  out.push(
    table(
      ['Forecast', 'Acted as forecast', 'Forecast, not acted on', 'Acted on, not forecast', 'Pushed after the forecast', 'Not yet due'],
      [
        [
          prediction.forecastImages,
          prediction.actedAsForecast,
          prediction.forecastNotActed,
          prediction.actedNotForecast,
          prediction.pushedAfterForecast,
          prediction.notYetDue,
        ].map(formatCount),
      ],
      ['r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
  );
  if (mismatches.length === 0) return;
  out.push(
    table(
      ['Repository', 'Region', 'Image', 'Rule', 'Forecast', 'Actual', 'Why'],
      mismatches.map((m) => {
        const { forecast, actual } = mismatchTimelines(m);
        return [
          escape(m.repositoryName),
          escape(m.region),
          `\`${shortDigest(m.imageDigest)}\``,
          `${m.rulePriority} (${m.action})`,
          escape(forecast),
          escape(actual),
          escape(m.message),
        ];
      }),
      ['l', 'l', 'l', 'r', 'l', 'l', 'l'],
    ),
    '',
  );
}
