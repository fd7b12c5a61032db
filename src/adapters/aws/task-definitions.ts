import { DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import pLimit from 'p-limit';
import { errorCode } from '../../domain/errors';
import type { WorkloadImage } from '../../domain/in-use-entries';

/** `DescribeTaskDefinition` calls in flight at once, by default. */
export const DEFAULT_TASK_DEFINITION_CALLS_IN_FLIGHT = 4;

/** What ECS says about one task definition. */
export interface TaskDefinitionImages {
  /** The ARN with its revision, as ECS answered. */
  arn: string;
  /** `ACTIVE`, or `INACTIVE` / `DELETE_IN_PROGRESS` for one deregistered: a service keeps running it, nothing new can start from it. */
  status: string;
  /** The image of each container, as the definition names it (by tag or by digest). */
  images: string[];
}

/** A task definition named with its revision (`family:3` or an ARN ending in `:3`): immutable, so read once. */
const WITH_REVISION = /:\d+$/;

/**
 * The container images of ECS task definitions, read with `DescribeTaskDefinition` and shared by every
 * scanner of a region (services, EventBridge rules and schedules, Step Functions state machines):
 * many targets name the same definition. A definition named with its revision never changes and is
 * described once per container; one named by family alone (its latest `ACTIVE` revision) is described
 * again on each scan, once however many ask at the same time.
 *
 * @example const images = await new TaskDefinitionReader({ client }).read('nightly-report:7');
 */
export class TaskDefinitionReader {
  private readonly client: ECSClient;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly known = new Map<string, Promise<TaskDefinitionImages | undefined>>();

  /** `callsInFlight` bounds the `DescribeTaskDefinition` calls at once. @default 4 */
  constructor(options: { client: ECSClient; callsInFlight?: number }) {
    this.client = options.client;
    this.limit = pLimit(Math.max(1, options.callsInFlight ?? DEFAULT_TASK_DEFINITION_CALLS_IN_FLIGHT));
  }

  /**
   * The task definition's images, or undefined when ECS cannot describe it (`ClientException`: it
   * does not exist, so nothing starts from it). Any other error throws.
   */
  read(taskDefinition: string): Promise<TaskDefinitionImages | undefined> {
    let cached = this.known.get(taskDefinition);
    if (cached === undefined) {
      cached = this.limit(() => this.describe(taskDefinition));
      this.known.set(taskDefinition, cached);
      // A failed read is not remembered, nor a family's latest revision past this scan: the next asks again.
      const forget = (): void => void this.known.delete(taskDefinition);
      if (WITH_REVISION.test(taskDefinition)) cached.catch(forget);
      else cached.then(forget, forget);
    }
    return cached;
  }

  private async describe(taskDefinition: string): Promise<TaskDefinitionImages | undefined> {
    let out;
    try {
      out = await this.client.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
    } catch (error) {
      if (errorCode(error) === 'ClientException') return undefined;
      throw error;
    }
    const definition = out.taskDefinition;
    return {
      arn: definition?.taskDefinitionArn ?? taskDefinition,
      status: definition?.status ?? 'ACTIVE',
      images: (definition?.containerDefinitions ?? []).map((c) => c.image).filter((image): image is string => image !== undefined),
    };
  }
}

/** A task definition something starts, and who starts it. */
export interface TaskDefinitionTarget {
  /** Family, `family:revision` or ARN, as the target names it. */
  taskDefinition: string;
  /** The in-use consumer: the rule, schedule or state machine that starts it. */
  consumer: string;
}

/**
 * The images the targets start: each target's task definition read (once each), its images named
 * after the target. A definition ECS cannot describe, or one deregistered (`INACTIVE`), starts nothing
 * new and adds nothing.
 *
 * @example await imagesOfTargets(reader, [{ taskDefinition: 'report:3', consumer: 'events:rule/default/nightly' }]);
 */
export async function imagesOfTargets(reader: TaskDefinitionReader, targets: readonly TaskDefinitionTarget[]): Promise<WorkloadImage[]> {
  const read = await Promise.all(targets.map(async (target) => ({ target, definition: await reader.read(target.taskDefinition) })));
  return read.flatMap(({ target, definition }) =>
    definition === undefined || definition.status !== 'ACTIVE'
      ? []
      : definition.images.map((image) => ({ image, consumer: target.consumer })),
  );
}
