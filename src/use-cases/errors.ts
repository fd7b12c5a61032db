import { PolicyWriteError } from '../domain/errors';
import type { ReportError } from '../domain/report';

/**
 * Turns any thrown value into a report entry that names the repository and keeps the error's code
 * (the service's code for a failed write, else the error's name).
 */
export function toReportError(region: string, repositoryName: string | undefined, error: unknown): ReportError {
  const code = error instanceof PolicyWriteError ? error.code : error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return { region, ...(repositoryName === undefined ? {} : { repositoryName }), code, message };
}
