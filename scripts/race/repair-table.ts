// The repair's DynamoDB table as serverless.yml declares it (partition key `repository`), made in the
// emulator for the race and the integration tests.
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Creates the repair table through `client` (an emulator's).
 *
 * @example await createRepairTable(new DynamoDBClient(motoConfig), 'ecr-janitor-race-repair');
 */
export async function createRepairTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'repository', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'repository', KeyType: 'HASH' }],
    }),
  );
}
