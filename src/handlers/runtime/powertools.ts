import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { escapeControls } from '../../domain/text';

/**
 * Structured JSON logs for every function. Strings in a log line (a repository name, a tag, an
 * error's message) carry no C1 control or bidirectional character as it is: each is written as the
 * text `\uXXXX`, so a log viewer shows where one was and never reorders the line around it.
 */
export const logger = new Logger({
  serviceName: 'ecr-janitor',
  jsonReplacerFn: (_key: string, value: unknown) => (typeof value === 'string' ? escapeControls(value) : value),
});
/** EMF metrics for every function (namespace EcrJanitor); `withPowertools` flushes them at the end of an invocation. */
export const metrics = new Metrics({ namespace: 'EcrJanitor', serviceName: 'ecr-janitor' });
