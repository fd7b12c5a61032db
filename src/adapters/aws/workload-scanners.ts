import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { WORKLOAD_SOURCES, type InUseSource } from '../../domain/in-use';
import type { WorkloadScanner } from '../../ports/in-use';
import { baseClientConfig, perRegion, type EcrClientOptions } from './clients';
import { EcsWorkloadScanner } from './ecs-workloads';
import { LambdaWorkloadScanner } from './lambda-workloads';

/** How to build the workload scanners of a run: the same retries, timeouts, endpoint and counter as its ECR clients. */
export type WorkloadScannerPoolOptions = Omit<EcrClientOptions, 'region' | 'rateLimits'> & {
  /** The sources to read (`list` is no workload and is ignored). @default every source */
  sources?: readonly InUseSource[];
};

/**
 * A memoising factory of the workload scanners of each region (ECS and Lambda by default), each over a
 * client built once per region with the run's retries, timeouts, endpoint and call counter. Built
 * once per container when deployed, so ECS task definitions (immutable) are described once.
 *
 * @example
 * const scannersFor = createWorkloadScannerPool({ counter });
 * const images = await Promise.all(scannersFor('eu-west-1').map((s) => s.scan()));
 */
export function createWorkloadScannerPool(options: WorkloadScannerPoolOptions = {}): (region: string) => WorkloadScanner[] {
  const { sources = WORKLOAD_SOURCES, counter, ...clientOptions } = options;
  return perRegion((region) => {
    const config = baseClientConfig({ ...clientOptions, region });
    const built: WorkloadScanner[] = [];
    if (sources.includes('ecs')) {
      const client = new ECSClient(config);
      counter?.attach(client);
      built.push(new EcsWorkloadScanner({ client, region }));
    }
    if (sources.includes('lambda')) {
      const client = new LambdaClient(config);
      counter?.attach(client);
      built.push(new LambdaWorkloadScanner({ client, region }));
    }
    return built;
  });
}
