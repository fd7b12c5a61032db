import {
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  ResourceNotFoundException,
  type EventBridgeClient,
  type Rule,
} from '@aws-sdk/client-eventbridge';
import type { WorkloadScan, WorkloadScanner } from '../../ports/in-use';
import { allItems, describeEach, pageToken } from './pages';
import { imagesOfTargets, type TaskDefinitionReader, type TaskDefinitionTarget } from './task-definitions';

/** The largest page `ListEventBuses`, `ListRules` and `ListTargetsByRule` return. */
export const EVENTS_PAGE_SIZE = 100;
/** `ListTargetsByRule` calls in flight at once, by default. */
export const DEFAULT_EVENTS_CALLS_IN_FLIGHT = 4;
/** The IAM actions an EventBridge rules scan calls. */
export const EVENTS_SCAN_PERMISSIONS = [
  'events:ListEventBuses',
  'events:ListRules',
  'events:ListTargetsByRule',
  'ecs:DescribeTaskDefinition',
] as const;

/** What an {@link EventBridgeRuleScanner} needs. */
export interface EventBridgeRuleScannerOptions {
  /** An EventBridge client for `region`. */
  client: EventBridgeClient;
  region: string;
  /** The region's task definition reader (shared with its other scanners). */
  taskDefinitions: TaskDefinitionReader;
  /** `ListTargetsByRule` calls in flight at once. @default 4 */
  callsInFlight?: number;
}

/**
 * Reads which images the EventBridge rules of one region start, read-only: `ListEventBuses` → on each
 * bus `ListRules` → for each rule that is not `DISABLED`, `ListTargetsByRule` → each ECS target's
 * `EcsParameters.TaskDefinitionArn` → `DescribeTaskDefinition` (shared, once per definition) → the
 * images its containers name, by tag or digest. Every list is read to its end (100 a page). The
 * consumer is `events:rule/BUS/RULE`. A rule deleted between the listing and `ListTargetsByRule` is
 * skipped; any other error throws.
 *
 * @example const { images } = await new EventBridgeRuleScanner({ client, region: 'eu-west-1', taskDefinitions }).scan();
 */
export class EventBridgeRuleScanner implements WorkloadScanner {
  readonly region: string;
  readonly source = 'events' as const;
  readonly permissions = EVENTS_SCAN_PERMISSIONS;
  private readonly client: EventBridgeClient;
  private readonly taskDefinitions: TaskDefinitionReader;
  private readonly callsInFlight: number;

  constructor(options: EventBridgeRuleScannerOptions) {
    this.client = options.client;
    this.region = options.region;
    this.taskDefinitions = options.taskDefinitions;
    this.callsInFlight = Math.max(1, options.callsInFlight ?? DEFAULT_EVENTS_CALLS_IN_FLIGHT);
  }

  /** Every image an enabled rule of the region's buses starts as an ECS task. */
  async scan(): Promise<WorkloadScan> {
    const buses = (
      await allItems({
        page: (token) => this.client.send(new ListEventBusesCommand({ Limit: EVENTS_PAGE_SIZE, ...pageToken('NextToken', token) })),
        next: (page) => page.NextToken,
        items: (page) => page.EventBuses,
      })
    )
      .map((bus) => bus.Name)
      .filter((name): name is string => name !== undefined);
    const rules = (await Promise.all(buses.map((bus) => this.rulesOf(bus)))).flat().filter((rule) => rule.State !== 'DISABLED');
    const targets = (await describeEach(rules, this.callsInFlight, (rule) => this.targetsOf(rule))).flat();
    return { images: await imagesOfTargets(this.taskDefinitions, targets), warnings: [] };
  }

  private async rulesOf(bus: string): Promise<Rule[]> {
    const rules = await allItems({
      page: (token) =>
        this.client.send(new ListRulesCommand({ EventBusName: bus, Limit: EVENTS_PAGE_SIZE, ...pageToken('NextToken', token) })),
      next: (page) => page.NextToken,
      items: (page) => page.Rules,
    });
    return rules.map((rule) => ({ ...rule, EventBusName: rule.EventBusName ?? bus }));
  }

  /** The ECS task definitions a rule starts; none when the rule is gone since it was listed. */
  private async targetsOf(rule: Rule): Promise<TaskDefinitionTarget[]> {
    if (rule.Name === undefined) return [];
    const { Name, EventBusName } = rule;
    let targets;
    try {
      targets = await allItems({
        page: (token) =>
          this.client.send(
            new ListTargetsByRuleCommand({
              Rule: Name,
              ...(EventBusName === undefined ? {} : { EventBusName }),
              Limit: EVENTS_PAGE_SIZE,
              ...pageToken('NextToken', token),
            }),
          ),
        next: (page) => page.NextToken,
        items: (page) => page.Targets,
      });
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return [];
      throw error;
    }
    const consumer = `events:rule/${EventBusName ?? 'default'}/${Name}`;
    return targets
      .map((target) => target.EcsParameters?.TaskDefinitionArn)
      .filter((arn): arn is string => arn !== undefined && arn !== '')
      .map((taskDefinition) => ({ taskDefinition, consumer }));
  }
}
