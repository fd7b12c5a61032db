// How a run tells on stderr what it could not read or do.
import type { ReportError, ReportWarning } from '../domain/report-problems';
import { isAccountFailure } from '../domain/report-problems';
import { oneLine } from '../domain/text';

/**
 * One error on stderr, `error: REGION[/REPOSITORY]: CODE: MESSAGE` (a region failure's message says it is one).
 *
 * @example errorLine({ region: 'eu-west-1', repositoryName: 'app', code: 'AccessDeniedException', message: '…' }) // 'error: eu-west-1/app: AccessDeniedException: …'
 */
export function errorLine(e: ReportError): string {
  // One line, control characters made visible: names and messages may come from a snapshot file.
  if (isAccountFailure(e)) return oneLine(`error: ${e.accountId ?? ''} (whole account): ${e.code}: ${e.message}`);
  const account = e.accountId === undefined ? '' : `${e.accountId}/`;
  const where = e.repositoryName === undefined ? '' : `/${e.repositoryName}`;
  const source = e.source === undefined ? '' : ` (in-use source ${e.source})`;
  return oneLine(`error: ${account}${e.region}${where}${source}: ${e.code}: ${e.message}`);
}

/**
 * One warning on stderr, `warning: [ACCOUNT/]REGION[/REPOSITORY]: CODE: MESSAGE`.
 *
 * @example warningLine({ region: 'eu-west-1', repositoryName: '', code: 'InUseSourceSkipped', message: '…' }) // 'warning: eu-west-1: InUseSourceSkipped: …'
 */
export function warningLine(w: ReportWarning): string {
  const account = w.accountId === undefined ? '' : `${w.accountId}/`;
  const where = w.repositoryName === '' ? '' : `/${w.repositoryName}`;
  return oneLine(`warning: ${account}${w.region}${where}: ${w.code}: ${w.message}`);
}

/**
 * The line `audit`, `snapshot` and `weekly` print on stderr before exiting 3: how many regions could
 * not be listed, how many repositories could not be read and how many in-use sources could not be read.
 *
 * @example partialFailureLine(report.errors, 'audited', 'the report') // '1 region could not be listed (…); 2 repositories could not be fully audited; see "errors" in the report'
 */
export function partialFailureLine(errors: readonly ReportError[], done: string, where: string): string | undefined {
  const accounts = errors.filter(isAccountFailure).length;
  const regional = errors.filter((e) => e.repositoryName === undefined && !isAccountFailure(e));
  const regions = regional.filter((e) => e.source === undefined).length;
  const sources = regional.length - regions;
  const repositories = new Set(
    errors.filter((e) => e.repositoryName !== undefined).map((e) => `${e.accountId ?? ''}/${e.region}/${e.repositoryName}`),
  ).size;
  if (accounts === 0 && regional.length === 0 && repositories === 0) return undefined;
  const parts = [
    accounts > 0
      ? `${accounts} account${accounts === 1 ? '' : 's'} could not be read (${accounts === 1 ? 'its' : 'their'} figures are all missing)`
      : '',
    regions > 0
      ? `${regions} region${regions === 1 ? '' : 's'} could not be listed (a region failure: its repositories are all missing)`
      : '',
    repositories > 0 ? `${repositories} repositor${repositories === 1 ? 'y' : 'ies'} could not be fully ${done}` : '',
    sources > 0
      ? `${sources} in-use source${sources === 1 ? '' : 's'} could not be read (writes that could remove an image are held in every region)`
      : '',
  ].filter((part) => part !== '');
  // The one fix that mends every error at once, said where the user looks first.
  const credentials = errors.some((e) => e.code === 'CredentialsProviderError')
    ? '; no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
    : '';
  return `${parts.join('; ')}; see "errors" in ${where}${credentials}`;
}
