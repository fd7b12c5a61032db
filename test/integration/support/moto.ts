// What integration tests need to talk to the moto server that the project's globalSetup started.
// moto is good for wiring (HTTP, serialisation, typed errors) and wrong about much of ECR's behaviour:
// see the moto section of the toolchain notes before asserting anything ECR-specific against it.
import { ECRClient } from '@aws-sdk/client-ecr';

/** The account moto answers as when nothing else is configured. */
export const MOTO_ACCOUNT_ID = '123456789012';

/** The region tests use unless they need another. @default 'us-east-1' */
export const MOTO_REGION = 'us-east-1';

/** Client settings that point any AWS SDK v3 client at moto. */
export interface MotoClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

/**
 * The moto server's URL, from MOTO_ENDPOINT (set by the integration project's globalSetup).
 *
 * @example
 * await fetch(`${motoEndpoint()}/moto-api/data.json`);
 */
export function motoEndpoint(): string {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) {
    throw new Error(
      "MOTO_ENDPOINT is not set: run integration tests through jest's integration project " +
        '(`npx jest --selectProjects integration`), whose globalSetup starts moto, or start one with ' +
        '`scripts/moto.sh serve 5000` and export MOTO_ENDPOINT=http://127.0.0.1:5000',
    );
  }
  return endpoint;
}

/**
 * Clears every moto backend (all services, accounts and regions). Call it in each test file's
 * `beforeAll`/`beforeEach`: all integration test files share one server.
 *
 * @example
 * beforeEach(resetMoto);
 */
export async function resetMoto(): Promise<void> {
  const url = `${motoEndpoint()}/moto-api/reset`;
  const response = await fetch(url, { method: 'POST' });
  if (!response.ok) {
    throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  }
  await response.body?.cancel();
}

/**
 * Settings for any SDK v3 client against moto: its endpoint, fake static credentials (moto accepts
 * any) and `maxAttempts: 1`, so that moto's HTTP 500s for unimplemented calls fail at once instead
 * of being retried.
 *
 * @example
 * const events = new EventBridgeClient(motoClientConfig());
 */
export function motoClientConfig(region: string = MOTO_REGION): MotoClientConfig {
  return {
    endpoint: motoEndpoint(),
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  };
}

/**
 * An ECR client that talks to moto. Destroy it in `afterAll` so no keep-alive socket outlives the test.
 *
 * @example
 * const ecr = ecrClientForMoto('eu-west-1');
 * afterAll(() => ecr.destroy());
 */
export function ecrClientForMoto(region: string = MOTO_REGION): ECRClient {
  return new ECRClient(motoClientConfig(region));
}
