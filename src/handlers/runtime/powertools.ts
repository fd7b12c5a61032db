import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Structured JSON logs for every function. */
export const logger = new Logger({ serviceName: 'ecr-janitor' });
/** EMF metrics for every function (namespace EcrJanitor); `withPowertools` flushes them at the end of an invocation. */
export const metrics = new Metrics({ namespace: 'EcrJanitor', serviceName: 'ecr-janitor' });
