import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { NewestTeamWrite, RepairStore, TeamWrite } from '../../ports/repair-store';
import type { CallCounter } from './call-counter';
import { baseClientConfig, type EcrClientOptions } from './clients';

/** Days a repository's record is kept after its newest team write (the table's TTL attribute `expiresAt`). */
export const REPAIR_RECORD_DAYS = 30;

/** What a {@link DynamoDbRepairStore} needs. */
export interface DynamoDbRepairStoreOptions {
  /** A client of the table's region, built once per container (see `baseClientConfig`). */
  client: DynamoDBClient;
  /** The table: partition key `repository` (string), TTL on `expiresAt`. */
  tableName: string;
}

/** True for DynamoDB's answer that a condition did not hold: an expected outcome, not an error. */
function conditionFailed(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error instanceof Error && error.name === 'ConditionalCheckFailedException');
}

function teamWriteOf(item: Record<string, AttributeValue> | undefined): NewestTeamWrite | undefined {
  const calledAt = item?.calledAt?.N;
  const eventId = item?.eventId?.S;
  const eventName = item?.eventName?.S;
  if (item === undefined || calledAt === undefined || eventId === undefined) return undefined;
  if (eventName !== 'PutLifecyclePolicy' && eventName !== 'DeleteLifecyclePolicy') return undefined;
  const text = item.policyText?.S;
  return {
    write: { eventId, eventName, calledAt: Number(calledAt), ...(text === undefined ? {} : { policyText: text }) },
    ambiguous: item.ambiguous?.BOOL === true,
  };
}

/**
 * The repair's store in a DynamoDB table, one item per repository: the newest team write seen (its
 * event id, call time and text) and the repair lease. Every write is a conditional `UpdateItem`, so
 * concurrent invocations never step the newest write back, and one lease holder at a time restores;
 * a retried update that already applied fails its condition harmlessly. An item expires
 * {@link REPAIR_RECORD_DAYS} days after its newest team write (the table's TTL).
 *
 * @example const store = new DynamoDbRepairStore({ client: new DynamoDBClient(baseClientConfig({ region })), tableName });
 */
export class DynamoDbRepairStore implements RepairStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;

  constructor(options: DynamoDbRepairStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  private key(repository: string): Record<string, AttributeValue> {
    return { repository: { S: repository } };
  }

  /** One conditional update of a repository's item: true when it applied, false when its condition failed. */
  private async updateIf(
    repository: string,
    update: { set: string; condition: string; values: Record<string, AttributeValue> },
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(repository),
          UpdateExpression: update.set,
          ConditionExpression: update.condition,
          ExpressionAttributeValues: update.values,
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async recordTeamWrite(repository: string, write: TeamWrite): Promise<NewestTeamWrite> {
    const values: Record<string, AttributeValue> = {
      ':t': { N: String(write.calledAt) },
      ':id': { S: write.eventId },
      ':name': { S: write.eventName },
      ':no': { BOOL: false },
      ':exp': { N: String(Math.floor(write.calledAt / 1000) + REPAIR_RECORD_DAYS * 86_400) },
    };
    if (write.policyText !== undefined) values[':text'] = { S: write.policyText };
    const recorded = await this.updateIf(repository, {
      set:
        'SET calledAt = :t, eventId = :id, eventName = :name, ambiguous = :no, expiresAt = :exp' +
        (write.policyText === undefined ? ' REMOVE policyText' : ', policyText = :text'),
      condition: 'attribute_not_exists(calledAt) OR calledAt < :t',
      values,
    });
    if (recorded) return { write: { ...write }, ambiguous: false };
    // As new or newer is recorded: the same event again, another call in the same second, or a newer call.
    const known = await this.newestTeamWrite(repository);
    if (known === undefined || known.ambiguous || known.write.calledAt !== write.calledAt || known.write.eventId === write.eventId) {
      return known ?? { write: { ...write }, ambiguous: false };
    }
    await this.updateIf(repository, {
      set: 'SET ambiguous = :yes',
      condition: 'calledAt = :t AND eventId <> :id',
      values: { ':yes': { BOOL: true }, ':t': { N: String(write.calledAt) }, ':id': { S: write.eventId } },
    });
    return (await this.newestTeamWrite(repository)) ?? known;
  }

  async newestTeamWrite(repository: string): Promise<NewestTeamWrite | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: this.key(repository), ConsistentRead: true }));
    return teamWriteOf(out.Item);
  }

  async acquireLease(repository: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    return this.updateIf(repository, {
      set: 'SET leaseHolder = :h, leaseUntil = :until',
      condition: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseHolder = :h',
      values: { ':h': { S: holder }, ':until': { N: String(now + ttlMs) }, ':now': { N: String(now) } },
    });
  }

  async releaseLease(repository: string, holder: string): Promise<void> {
    // A condition that fails: the lease expired and another holder took it meanwhile; theirs now.
    await this.updateIf(repository, {
      set: 'REMOVE leaseHolder, leaseUntil',
      condition: 'leaseHolder = :h',
      values: { ':h': { S: holder } },
    });
  }
}

/**
 * The repair store of a deployment: a client of the table's region (with the run's timeouts and
 * standard retries, counted when a counter is given) over the stack's table.
 *
 * @example const store = createRepairStore({ tableName: config.repairTable, region: config.deployRegion });
 */
export function createRepairStore(
  options: { tableName: string; region: string; counter?: CallCounter } & Omit<EcrClientOptions, 'region' | 'counter'>,
): DynamoDbRepairStore {
  const { tableName, counter, ...clientOptions } = options;
  const client = new DynamoDBClient(baseClientConfig({ retryMode: 'standard', maxAttempts: 3, ...clientOptions }));
  counter?.attach(client);
  return new DynamoDbRepairStore({ client, tableName });
}
