import {
  GetScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  type GetScheduleOutput,
  type ScheduleSummary,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { DAY_MS } from '../../domain/time';
import type { WorkloadScan, WorkloadScanner } from '../../ports/in-use';
import { listThenDescribe, pageToken } from './pages';
import { imagesOfTargets, type TaskDefinitionReader, type TaskDefinitionTarget } from './task-definitions';

/** The largest page `ListSchedules` returns. */
export const SCHEDULES_PAGE_SIZE = 100;
/** `GetSchedule` calls in flight at once, by default. */
export const DEFAULT_SCHEDULER_CALLS_IN_FLIGHT = 4;
/** The IAM actions an EventBridge Scheduler scan calls. */
export const SCHEDULER_SCAN_PERMISSIONS = ['scheduler:ListSchedules', 'scheduler:GetSchedule', 'ecs:DescribeTaskDefinition'] as const;

/** What a {@link SchedulerScanner} needs. */
export interface SchedulerScannerOptions {
  /** An EventBridge Scheduler client for `region`. */
  client: SchedulerClient;
  region: string;
  /** The region's task definition reader (shared with its other scanners). */
  taskDefinitions: TaskDefinitionReader;
  /** `GetSchedule` calls in flight at once. @default 4 */
  callsInFlight?: number;
  /** The clock, to leave out schedules that will not run again. @default Date.now */
  now?: () => number;
}

/** An ECS cluster, the target of a templated ECS schedule. */
const ECS_CLUSTER = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\//;
/** The universal target that calls ECS RunTask with the schedule's input. */
const RUN_TASK = /^arn:aws[a-z-]*:scheduler:::aws-sdk:ecs:runTask$/;
/** A one-time schedule: `at(yyyy-mm-ddThh:mm:ss)`. */
const AT = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;

/** What one schedule starts: a task definition, one it does not name, or nothing (gone, disabled or finished). */
type Found = { kind: 'target'; target: TaskDefinitionTarget } | { kind: 'unresolved'; message: string } | { kind: 'none' };

/** Whether a schedule's summary says it may start an ECS task: enabled, with an ECS target. */
function startsTasks(summary: ScheduleSummary): boolean {
  const target = summary.Target?.Arn ?? '';
  return summary.State !== 'DISABLED' && (ECS_CLUSTER.test(target) || RUN_TASK.test(target));
}

/**
 * Whether a schedule has run for the last time: its end date passed, or it runs once at a time that
 * passed (a day's margin for its time zone).
 */
function finished(schedule: GetScheduleOutput, now: number): boolean {
  if (schedule.EndDate !== undefined && schedule.EndDate.getTime() < now) return true;
  const at = AT.exec(schedule.ScheduleExpression ?? '');
  return at !== null && Date.parse(`${at[1] as string}Z`) + DAY_MS < now;
}

/**
 * Reads which images the EventBridge Scheduler schedules of one region start, read-only:
 * `ListSchedules` (every group, 100 a page) → for each enabled schedule whose target is an ECS
 * cluster (or the universal target `aws-sdk:ecs:runTask`), `GetSchedule` → `Target.EcsParameters.TaskDefinitionArn`
 * (the `TaskDefinition` of the universal target's input) → `DescribeTaskDefinition` (shared, once per
 * definition) → the images its containers name. A schedule that has run for the last time adds
 * nothing. The consumer is `scheduler:GROUP/NAME`. A schedule whose input names no task definition is
 * a warning; one deleted between the listing and `GetSchedule` is skipped; any other error throws.
 *
 * @example const { images } = await new SchedulerScanner({ client, region: 'eu-west-1', taskDefinitions }).scan();
 */
export class SchedulerScanner implements WorkloadScanner {
  readonly region: string;
  readonly source = 'scheduler' as const;
  readonly permissions = SCHEDULER_SCAN_PERMISSIONS;
  private readonly client: SchedulerClient;
  private readonly taskDefinitions: TaskDefinitionReader;
  private readonly callsInFlight: number;
  private readonly now: () => number;

  constructor(options: SchedulerScannerOptions) {
    this.client = options.client;
    this.region = options.region;
    this.taskDefinitions = options.taskDefinitions;
    this.callsInFlight = Math.max(1, options.callsInFlight ?? DEFAULT_SCHEDULER_CALLS_IN_FLIGHT);
    this.now = options.now ?? Date.now;
  }

  /** Every image an enabled schedule of the region starts as an ECS task. */
  async scan(): Promise<WorkloadScan> {
    // The clock is read once, when the list is whole, before the first schedule is read.
    let now: number | undefined;
    const read = await listThenDescribe(
      {
        page: (token) => this.client.send(new ListSchedulesCommand({ MaxResults: SCHEDULES_PAGE_SIZE, ...pageToken('NextToken', token) })),
        next: (page) => page.NextToken,
        items: (page) => page.Schedules,
      },
      { inFlight: this.callsInFlight, keep: startsTasks, describe: (summary) => this.targetOf(summary, (now ??= this.now())) },
    );
    const targets = read.flatMap((r) => (r.kind === 'target' ? [r.target] : []));
    const warnings = read.flatMap((r) =>
      r.kind === 'unresolved' ? [{ code: 'InUseReferenceUnresolved' as const, message: r.message }] : [],
    );
    return { images: await imagesOfTargets(this.taskDefinitions, targets), warnings };
  }

  /** The task definition a schedule starts, why it cannot be told, or nothing (gone, or finished). */
  private async targetOf(summary: ScheduleSummary, now: number): Promise<Found> {
    const group = summary.GroupName ?? 'default';
    const name = summary.Name ?? '';
    let schedule: GetScheduleOutput;
    try {
      schedule = await this.client.send(new GetScheduleCommand({ Name: name, GroupName: group }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return { kind: 'none' };
      throw error;
    }
    if (schedule.State === 'DISABLED' || finished(schedule, now)) return { kind: 'none' };
    const consumer = `scheduler:${group}/${name}`;
    const target = schedule.Target;
    const taskDefinition = target?.EcsParameters?.TaskDefinitionArn ?? taskDefinitionOfInput(target?.Input);
    if (taskDefinition === undefined) {
      return {
        kind: 'unresolved',
        message: `schedule ${group}/${name} starts an ECS task whose task definition its input does not name (${RUN_TASK.test(target?.Arn ?? '') ? 'aws-sdk:ecs:runTask' : 'ECS target'}): the images it runs are not seen; list them`,
      };
    }
    return { kind: 'target', target: { taskDefinition, consumer } };
  }
}

/** The `TaskDefinition` of a RunTask input in JSON, as the universal target passes it; undefined when it names none. */
function taskDefinitionOfInput(input: string | undefined): string | undefined {
  if (input === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(input);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const record = parsed as Record<string, unknown>;
    const value = record.TaskDefinition ?? record.taskDefinition;
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}
