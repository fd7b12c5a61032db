// The repair store's conditional writes against moto's DynamoDB.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbRepairStore } from '../../../src/adapters/aws/dynamodb-repair-store';
import { repairStoreContract } from '../../support/repair-store-contract';
import { resetMoto } from '../support/moto';
import { createRepairTable } from '../support/repair-table';

describe('DynamoDbRepairStore (moto)', () => {
  let client: DynamoDBClient;
  let store: DynamoDbRepairStore;

  beforeEach(async () => {
    await resetMoto();
    const table = await createRepairTable();
    client = table.client;
    store = new DynamoDbRepairStore(table);
  });
  afterEach(() => client.destroy());

  repairStoreContract(() => store);
});
