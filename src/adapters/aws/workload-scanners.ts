import { AppRunnerClient } from '@aws-sdk/client-apprunner';
import { BatchClient } from '@aws-sdk/client-batch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Inspector2Client } from '@aws-sdk/client-inspector2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { WORKLOAD_SOURCES, type InUseSource, type WorkloadSource } from '../../domain/in-use';
import type { WorkloadScanner } from '../../ports/in-use';
import { AppRunnerScanner } from './apprunner-workloads';
import { BatchJobDefinitionScanner, JobDefinitionReader } from './batch-workloads';
import type { InstrumentableClient } from './call-counter';
import { baseClientConfig, perRegion, type EcrClientOptions } from './clients';
import { EcsWorkloadScanner } from './ecs-workloads';
import { EventBridgeRuleScanner } from './eventbridge-workloads';
import { InspectorInUseScanner } from './inspector-in-use';
import { LambdaWorkloadScanner } from './lambda-workloads';
import { SchedulerScanner } from './scheduler-workloads';
import { StepFunctionsScanner } from './stepfunctions-workloads';
import { TaskDefinitionReader } from './task-definitions';

/** How to build the workload scanners of a run: the same retries, timeouts, endpoint and counter as its ECR clients. */
export type WorkloadScannerPoolOptions = Omit<EcrClientOptions, 'region' | 'rateLimits'> & {
  /** The sources to read (`list` is no workload and is ignored). @default every source */
  sources?: readonly InUseSource[];
};

/** `build` once, on first use. */
function once<T>(build: () => T): () => T {
  let value: { built: T } | undefined;
  return () => (value ??= { built: build() }).built;
}

/**
 * A memoising factory of the workload scanners of each region (every source by default), each over a
 * client built once per region with the run's retries, timeouts, endpoint and call counter. Built
 * once per container when deployed, so ECS task definitions (immutable) are described once, whichever
 * scanner of the region asks.
 *
 * @example
 * const scannersFor = createWorkloadScannerPool({ counter });
 * const scans = await Promise.all(scannersFor('eu-west-1').map((s) => s.scan()));
 */
export function createWorkloadScannerPool(options: WorkloadScannerPoolOptions = {}): (region: string) => WorkloadScanner[] {
  const { sources = WORKLOAD_SOURCES, counter, ...clientOptions } = options;
  return perRegion((region) => {
    const config = baseClientConfig({ ...clientOptions, region });
    const counted = <T extends InstrumentableClient>(client: T): T => {
      counter?.attach(client);
      return client;
    };
    const ecs = once(() => counted(new ECSClient(config)));
    const taskDefinitions = once(() => new TaskDefinitionReader({ client: ecs() }));
    const batch = once(() => counted(new BatchClient(config)));
    const jobDefinitions = once(() => new JobDefinitionReader({ client: batch() }));
    const scannerOf: Record<WorkloadSource, () => WorkloadScanner> = {
      ecs: () => new EcsWorkloadScanner({ client: ecs(), region, taskDefinitions: taskDefinitions() }),
      lambda: () => new LambdaWorkloadScanner({ client: counted(new LambdaClient(config)), region }),
      events: () =>
        new EventBridgeRuleScanner({ client: counted(new EventBridgeClient(config)), region, taskDefinitions: taskDefinitions() }),
      scheduler: () => new SchedulerScanner({ client: counted(new SchedulerClient(config)), region, taskDefinitions: taskDefinitions() }),
      batch: () => new BatchJobDefinitionScanner({ client: batch(), region }),
      stepfunctions: () =>
        new StepFunctionsScanner({
          client: counted(new SFNClient(config)),
          region,
          taskDefinitions: taskDefinitions(),
          jobDefinitions: jobDefinitions(),
        }),
      apprunner: () => new AppRunnerScanner({ client: counted(new AppRunnerClient(config)), region }),
      inspector: () => new InspectorInUseScanner({ client: counted(new Inspector2Client(config)), region }),
    };
    return WORKLOAD_SOURCES.filter((source) => sources.includes(source)).map((source) => scannerOf[source]());
  });
}
