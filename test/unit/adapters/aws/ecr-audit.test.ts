// The audit over the real ECR adapter with SDK-level mocks: one repository failing (access denied,
// deleted mid-run) never stops the others, and the failure is recorded in the report.
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ECRServiceException,
  GetAccountSettingCommand,
  GetLifecyclePolicyCommand,
  LifecyclePolicyNotFoundException,
  ListTagsForResourceCommand,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EcrRegistry } from '../../../../src/adapters/aws/ecr';
import { audit } from '../../../../src/use-cases/audit';
import { TEST_CREDENTIALS } from '../../support/fake-ecr-http';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const NOW = Date.parse('2026-06-01T00:00:00Z');
const repo = (name: string) => ({
  repositoryName: name,
  repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`,
  registryId: ACCOUNT,
});

const OPTIONS = {
  now: NOW,
  generatedAt: NOW,
  days: 7,
  pricePerGbMonth: 0.1,
  selection: { optOutTag: 'ecr-janitor:opt-out', exclude: [] },
  concurrency: 2,
};

describe('audit over the ECR adapter', () => {
  const client = new ECRClient({ region: REGION, credentials: TEST_CREDENTIALS });
  const ecr = mockClient(client);

  beforeEach(() => {
    ecr.reset();
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: ['team-a/web', 'team-b/api', 'team-c/gone'].map(repo) });
    ecr
      .on(GetLifecyclePolicyCommand)
      .rejects(new LifecyclePolicyNotFoundException({ $metadata: {}, message: 'Lifecycle policy does not exist' }));
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [] });
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] });
    ecr.on(BatchGetImageCommand).resolves({ images: [], failures: [] });
    // team-b/api: access denied on its images; team-c/gone: deleted between the listing and the read.
    ecr.on(DescribeImagesCommand, { repositoryName: 'team-b/api' }).rejects(
      new ECRServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: {},
        message: 'User is not authorized to perform: ecr:DescribeImages',
      }),
    );
    ecr
      .on(GetLifecyclePolicyCommand, { repositoryName: 'team-c/gone' })
      .rejects(new RepositoryNotFoundException({ $metadata: {}, message: "The repository with name 'team-c/gone' does not exist" }));
  });

  it('records each failing repository in errors and reports every other one', async () => {
    const report = await audit([new EcrRegistry({ client, region: REGION })], OPTIONS);

    expect(report.repositories.map((r) => r.repositoryName)).toEqual(['team-a/web']);
    expect(report.errors.map((e) => [e.repositoryName, e.code])).toEqual([
      ['team-b/api', 'AccessDeniedException'],
      ['team-c/gone', 'RepositoryNotFoundException'],
    ]);
    expect(report.errors[0]?.message).toContain('ecr:DescribeImages');
  });

  it("reads the registry's BLOB_MOUNTING setting once, by name, and reports it with the bill's figure", async () => {
    ecr.on(GetAccountSettingCommand, { name: 'BLOB_MOUNTING' }).resolves({ name: 'BLOB_MOUNTING', value: 'ENABLED' });

    const report = await audit([new EcrRegistry({ client, region: REGION })], OPTIONS);

    expect(ecr).toHaveReceivedCommandTimes(GetAccountSettingCommand, 1);
    expect(report.blobMounting).toEqual([
      expect.objectContaining({ region: REGION, status: 'ENABLED', billShouldMatch: 'registry-unique', registryUniqueBytes: 0 }),
    ]);
  });

  it('takes any answer but ENABLED as off (the setting’s default)', async () => {
    ecr.on(GetAccountSettingCommand).resolves({ name: 'BLOB_MOUNTING', value: 'DISABLED' });
    const registry = new EcrRegistry({ client, region: REGION });
    await expect(registry.blobMounting()).resolves.toBe('DISABLED');
  });
});
