// The repair's DynamoDB table in moto, as serverless.yml declares it (partition key `repository`).
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { motoClientConfig } from './moto';

/**
 * Creates the repair table in moto and returns a client for it (destroy it after the tests).
 *
 * @example const { client, tableName } = await createRepairTable();
 */
export async function createRepairTable(tableName = 'ecr-janitor-repair'): Promise<{ client: DynamoDBClient; tableName: string }> {
  const client = new DynamoDBClient(motoClientConfig());
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'repository', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'repository', KeyType: 'HASH' }],
    }),
  );
  return { client, tableName };
}
