import {
  DescribeStateMachineCommand,
  ListStateMachineVersionsCommand,
  ListStateMachinesCommand,
  type SFNClient,
  type StateMachineListItem,
} from '@aws-sdk/client-sfn';
import pLimit from 'p-limit';
import { errorCode } from '../../domain/errors';
import type { WorkloadImage } from '../../domain/in-use-entries';
import { startedByStates, type StartedByState } from '../../domain/state-machine';
import type { WorkloadScan, WorkloadScanner } from '../../ports/in-use';
import type { JobDefinitionReader } from './batch-workloads';
import { allPages } from './pages';
import { imagesOfTargets, type TaskDefinitionReader, type TaskDefinitionTarget } from './task-definitions';

/** The largest page `ListStateMachines` and `ListStateMachineVersions` return. */
export const STATE_MACHINES_PAGE_SIZE = 1000;
/** State machines read at once, by default. */
export const DEFAULT_STATE_MACHINE_CALLS_IN_FLIGHT = 4;
/** The IAM actions a Step Functions scan calls. */
export const STEP_FUNCTIONS_SCAN_PERMISSIONS = [
  'states:ListStateMachines',
  'states:ListStateMachineVersions',
  'states:DescribeStateMachine',
  'ecs:DescribeTaskDefinition',
  'batch:DescribeJobDefinitions',
] as const;

/** What a {@link StepFunctionsScanner} needs. */
export interface StepFunctionsScannerOptions {
  /** A Step Functions client for `region`. */
  client: SFNClient;
  region: string;
  /** The region's task definition reader (shared with its other scanners). */
  taskDefinitions: TaskDefinitionReader;
  /** The region's job definition reader. */
  jobDefinitions: JobDefinitionReader;
  /** State machines read at once. @default 4 */
  callsInFlight?: number;
}

/** One definition of a state machine: its latest, or one of its published versions. */
interface Described {
  /** `stepfunctions:NAME` or `stepfunctions:NAME:VERSION`. */
  consumer: string;
  /** Undefined when it is gone or being deleted. */
  definition?: string;
}

/** The errors of a state machine (or version) deleted between the listing and its description. */
const GONE: ReadonlySet<string> = new Set(['StateMachineDoesNotExist']);

/**
 * Reads which images the Step Functions state machines of one region start, read-only:
 * `ListStateMachines` (1,000 a page) → for each machine, `ListStateMachineVersions` and
 * `DescribeStateMachine` of the machine and of each published version (a version never changes and
 * is described once per container) → the Task states that run an ECS task or submit a Batch job
 * (nested Parallel branches and Map processors included) → their task definitions
 * (`DescribeTaskDefinition`, shared) and job definitions (`DescribeJobDefinitions`) → the images
 * (`stepfunctions:NAME[:VERSION]/STATE`). A definition chosen at run time (`TaskDefinition.$`, a
 * JSONata expression) is a warning; a machine deleted meanwhile is skipped; any other error throws.
 *
 * @example const { images, warnings } = await new StepFunctionsScanner({ client, region, taskDefinitions, jobDefinitions }).scan();
 */
export class StepFunctionsScanner implements WorkloadScanner {
  readonly region: string;
  readonly source = 'stepfunctions' as const;
  readonly permissions = STEP_FUNCTIONS_SCAN_PERMISSIONS;
  private readonly client: SFNClient;
  private readonly taskDefinitions: TaskDefinitionReader;
  private readonly jobDefinitions: JobDefinitionReader;
  private readonly limit: ReturnType<typeof pLimit>;
  /** Published versions, described once: they never change. */
  private readonly versions = new Map<string, Promise<Described>>();

  constructor(options: StepFunctionsScannerOptions) {
    this.client = options.client;
    this.region = options.region;
    this.taskDefinitions = options.taskDefinitions;
    this.jobDefinitions = options.jobDefinitions;
    this.limit = pLimit(Math.max(1, options.callsInFlight ?? DEFAULT_STATE_MACHINE_CALLS_IN_FLIGHT));
  }

  /** Every image a Task state of a state machine of the region (latest or published version) starts. */
  async scan(): Promise<WorkloadScan> {
    const pages = await allPages(
      (nextToken) =>
        this.client.send(
          new ListStateMachinesCommand({ maxResults: STATE_MACHINES_PAGE_SIZE, ...(nextToken === undefined ? {} : { nextToken }) }),
        ),
      (page) => page.nextToken,
    );
    const machines = pages.flatMap((page) => page.stateMachines ?? []);
    const described = (await Promise.all(machines.map((machine) => this.limit(() => this.definitionsOf(machine))))).flat();
    const ecs: TaskDefinitionTarget[] = [];
    const batch: TaskDefinitionTarget[] = [];
    const warnings: WorkloadScan['warnings'] = [];
    for (const { consumer, definition } of described) {
      if (definition === undefined) continue;
      let started: StartedByState[];
      try {
        started = startedByStates(definition);
      } catch (error) {
        warnings.push({
          code: 'InUseReferenceUnresolved',
          message: `${consumer.slice('stepfunctions:'.length)}: its definition is not valid JSON (${(error as Error).message}): what it starts is not seen; list it`,
        });
        continue;
      }
      for (const start of started) {
        const who = `${consumer}/${start.state}`;
        if (start.definition === undefined) {
          const what = start.kind === 'ecs' ? 'an ECS task whose task definition' : 'a Batch job whose job definition';
          warnings.push({
            code: 'InUseReferenceUnresolved',
            message: `state machine ${who.slice('stepfunctions:'.length)} starts ${what} is chosen at run time (${start.dynamic}): the images it runs are not seen; list them`,
          });
        } else (start.kind === 'ecs' ? ecs : batch).push({ taskDefinition: start.definition, consumer: who });
      }
    }
    const images: WorkloadImage[] = [...(await imagesOfTargets(this.taskDefinitions, ecs)), ...(await this.jobImages(batch))];
    return { images, warnings };
  }

  /** The images of the job definitions the states submit jobs to; one that does not exist or is inactive adds nothing. */
  private async jobImages(targets: readonly TaskDefinitionTarget[]): Promise<WorkloadImage[]> {
    const read = await Promise.all(
      targets.map(async (target) => ({ target, images: await this.limit(() => this.jobDefinitions.read(target.taskDefinition)) })),
    );
    return read.flatMap(({ target, images }) => (images ?? []).map((image) => ({ image, consumer: target.consumer })));
  }

  /** The machine's latest definition and each published version's. */
  private async definitionsOf(machine: StateMachineListItem): Promise<Described[]> {
    const arn = machine.stateMachineArn ?? '';
    const name = machine.name ?? arn.split(':').pop() ?? '';
    let versionArns: string[];
    try {
      const pages = await allPages(
        (nextToken) =>
          this.client.send(
            new ListStateMachineVersionsCommand({
              stateMachineArn: arn,
              maxResults: STATE_MACHINES_PAGE_SIZE,
              ...(nextToken === undefined ? {} : { nextToken }),
            }),
          ),
        (page) => page.nextToken,
      );
      versionArns = pages.flatMap((page) => (page.stateMachineVersions ?? []).map((v) => v.stateMachineVersionArn ?? ''));
    } catch (error) {
      if (GONE.has(errorCode(error))) return [];
      throw error;
    }
    const latest = await this.describe(arn, `stepfunctions:${name}`);
    const versions = await Promise.all(
      versionArns
        .filter((v) => v !== '')
        .map((versionArn) => {
          let cached = this.versions.get(versionArn);
          if (cached === undefined) {
            cached = this.describe(versionArn, `stepfunctions:${name}:${versionArn.split(':').pop() ?? ''}`);
            this.versions.set(versionArn, cached);
            void cached.then(
              (d) => (d.definition === undefined ? this.versions.delete(versionArn) : undefined),
              () => this.versions.delete(versionArn),
            );
          }
          return cached;
        }),
    );
    return [latest, ...versions];
  }

  /** One definition, or none when it is gone or being deleted. */
  private async describe(arn: string, consumer: string): Promise<Described> {
    try {
      const out = await this.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
      return out.status === 'DELETING' || out.definition === undefined ? { consumer } : { consumer, definition: out.definition };
    } catch (error) {
      if (GONE.has(errorCode(error))) return { consumer };
      throw error;
    }
  }
}
