import type { AuditReport, InUseAtRiskImage } from '../../domain/report';

/**
 * What an in-use image at risk is and what to do about it, for every report to say the same; starts
 * in lower case to follow a label.
 */
export const IN_USE_AT_RISK_NOTE =
  "images that a running ECS service or task, a Lambda function or your list still pulls, and that a lifecycle rule would remove within the guard's horizon: the next task start or scale-out would fail. Where the default rule would remove one, the janitor holds its write; where the repository's own rule would, only a person can help: tag the image, redeploy, or change the rule.";

/**
 * One line saying how the in-use guard ran, or undefined when no in-use source was read.
 *
 * @example guardLine(report) // 'In-use guard on: 7-day horizon; sources ecs, lambda'
 */
export function guardLine(report: Pick<AuditReport, 'guard'>): string | undefined {
  const guard = report.guard;
  if (guard === undefined) return undefined;
  const sources = guard.sources.length > 0 ? guard.sources.join(', ') : 'none';
  return `In-use guard ${guard.mode}: ${guard.horizonDays}-day horizon; sources ${sources}`;
}

/** The at-risk images of a report, held ones first, then by region, repository and digest. */
export function atRiskImagesOf(report: Pick<AuditReport, 'inUseAtRiskImages'>): InUseAtRiskImage[] {
  return [...(report.inUseAtRiskImages ?? [])].sort(
    (a, b) =>
      Number(b.held) - Number(a.held) ||
      a.region.localeCompare(b.region) ||
      a.repositoryName.localeCompare(b.repositoryName) ||
      a.imageDigest.localeCompare(b.imageDigest),
  );
}

/** Why an image is listed: the default rule would remove it (held, or written with the guard off), or the repository's own policy removes it. */
export function atRiskStatus(image: Pick<InUseAtRiskImage, 'policy' | 'held'>): string {
  if (image.policy === 'own') return "the repository's own policy removes it";
  return image.held ? 'the default rule would: write held' : 'the default rule will: guard off';
}
