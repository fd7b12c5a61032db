// The repair's DynamoDB table in moto, as serverless.yml declares it (partition key `repository`).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRepairTable as createTable } from '../../../scripts/race/repair-table';
import { motoClientConfig } from './moto';

/**
 * Creates the repair table in moto and returns a client for it (destroy it after the tests).
 *
 * @example const { client, tableName } = await createRepairTable();
 */
export async function createRepairTable(tableName = 'ecr-janitor-repair'): Promise<{ client: DynamoDBClient; tableName: string }> {
  const client = new DynamoDBClient(motoClientConfig());
  await createTable(client, tableName);
  return { client, tableName };
}
