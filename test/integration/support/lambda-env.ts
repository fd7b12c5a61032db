// The environment a deployed function gets (serverless.yml), pointed at moto: the handlers build their
// own SDK clients, and AWS_ENDPOINT_URL sends every one of them to the moto server. What the handlers
// build once per container is forgotten at every change of environment.
import { eventDependencies } from '../../../src/handlers/deps/event';
import { forgetContainer } from '../../../src/handlers/runtime/container';
import { logger } from '../../../src/handlers/runtime/powertools';
import { MOTO_REGION, motoEndpoint, resetMoto } from './moto';
import { MOTO_IN_USE_SCAN } from './workloads';

/** Every variable the SDK or a handler reads from the environment: cleared before a test sets its own. */
export const LAMBDA_ENV_KEYS = [
  'AWS_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'REGIONS',
  'DEFAULT_DAYS',
  'DRY_RUN',
  'MAX_UNTAGGED_DAYS',
  'EXCLUDE',
  'OPT_OUT_TAG',
  'PRICE_PER_GB_MONTH',
  'CONCURRENCY',
  'RATE_LIMITS',
  'REPORT_BUCKET',
  'REPORT_BUS',
  'JANITOR_ROLES',
  'AUDIT_ROLE_ARN',
  'GUARD',
  'GUARD_HORIZON_DAYS',
  'IN_USE_LIST_S3_URI',
  'IN_USE_SCAN',
  'REPORT_TOPIC_ARN',
  'BULK_TAGS',
  'CENTRAL_BUCKET',
  'ACCOUNT_ID',
  'REPAIR_TABLE',
] as const;

/** A variable of {@link LAMBDA_ENV_KEYS}. */
export type LambdaEnvKey = (typeof LAMBDA_ENV_KEYS)[number];

/** The settings serverless.yml gives every function, as the event-handler tests run them. */
export const FUNCTION_ENV: Partial<Record<LambdaEnvKey, string>> = {
  REGIONS: '',
  DEFAULT_DAYS: '7',
  DRY_RUN: 'false',
  EXCLUDE: '',
  OPT_OUT_TAG: 'ecr-janitor:opt-out',
  REPORT_BUS: 'default',
  // moto's tagging API does not know ECR repositories (it lists none): tags are read per repository.
  BULK_TAGS: 'false',
  IN_USE_SCAN: MOTO_IN_USE_SCAN,
};

// Taken when a test file first imports this module, before any test changed the environment (jest
// loads modules afresh for every test file).
const saved = new Map(LAMBDA_ENV_KEYS.map((key) => [key, process.env[key]]));

/**
 * Replaces the function's environment with moto's endpoint, fake credentials and region, plus `vars`
 * (every other variable of {@link LAMBDA_ENV_KEYS} is unset), and forgets what the container built so the
 * next invocation reads it.
 *
 * @example
 * beforeEach(() => useLambdaEnv({ ...FUNCTION_ENV, DRY_RUN: 'true' }));
 * afterAll(restoreLambdaEnv);
 */
export function useLambdaEnv(vars: Partial<Record<LambdaEnvKey, string>> = {}): void {
  for (const key of LAMBDA_ENV_KEYS) delete process.env[key];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: motoEndpoint(),
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: MOTO_REGION,
    ...vars,
  });
  forgetContainer();
}

/** Puts back the variables {@link useLambdaEnv} changed, as they were before the test file ran, and forgets what the container built. */
export function restoreLambdaEnv(): void {
  for (const [key, value] of saved) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  forgetContainer();
}

/**
 * The AWS calls the handler's clients made since the container's dependencies were built, by operation (`total` included).
 *
 * @example expect(handlerCalls().PutLifecyclePolicy).toBe(1);
 */
export function handlerCalls(): Record<string, number> {
  return eventDependencies().counter.snapshot().calls;
}

/**
 * Registers the hooks of an event-handler test file (or describe block): before each test, a moto
 * with no state and the environment `applyEnv` sets; the handlers' logger silent throughout (the
 * Powertools wiring has its own test); the environment and the log level put back at the end.
 *
 * @example
 * describe('onRepositoryCreated handler (moto)', () => {
 *   freshMotoAndEnvEachTest(() => useLambdaEnv(FUNCTION_ENV));
 */
export function freshMotoAndEnvEachTest(applyEnv: () => void): void {
  beforeAll(() => {
    logger.setLogLevel('SILENT');
  });

  beforeEach(async () => {
    await resetMoto();
    applyEnv();
  });

  afterAll(() => {
    restoreLambdaEnv();
    logger.setLogLevel('INFO');
  });
}
