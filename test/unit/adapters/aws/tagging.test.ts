import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TAGGING_PAGE_SIZE, TaggingApiTagIndex } from '../../../../src/adapters/aws/tagging';
import { TEST_CREDENTIALS } from '../../support/fake-ecr-http';

const REGION = 'eu-west-1';
const arn = (name: string): string => `arn:aws:ecr:${REGION}:123456789012:repository/${name}`;

describe('TaggingApiTagIndex', () => {
  const client = new ResourceGroupsTaggingAPIClient({ region: REGION, credentials: TEST_CREDENTIALS });
  const tagging = mockClient(client);
  beforeEach(() => tagging.reset());
  afterAll(() => tagging.restore());

  it('reads every page of ecr:repository resources, 100 a page, into tags by ARN', async () => {
    // Arrange
    tagging
      .on(GetResourcesCommand)
      .resolvesOnce({
        ResourceTagMappingList: [{ ResourceARN: arn('a'), Tags: [{ Key: 'team', Value: 'payments' }] }],
        PaginationToken: 'page-2',
      })
      .resolvesOnce({
        ResourceTagMappingList: [
          {
            ResourceARN: arn('b'),
            Tags: [{ Key: 'ecr-janitor:opt-out', Value: 'true' }, { Key: 'empty' } as { Key: string; Value: string }],
          },
          { Tags: [{ Key: 'no-arn', Value: 'x' }] },
        ],
        PaginationToken: '',
      });

    // Act
    const tags = await new TaggingApiTagIndex({ client, region: REGION }).repositoryTags();

    // Assert
    expect([...tags]).toEqual([
      [arn('a'), [{ Key: 'team', Value: 'payments' }]],
      [
        arn('b'),
        [
          { Key: 'ecr-janitor:opt-out', Value: 'true' },
          { Key: 'empty', Value: '' },
        ],
      ],
    ]);
    expect(tagging).toHaveReceivedCommandTimes(GetResourcesCommand, 2);
    expect(tagging).toHaveReceivedNthCommandWith(1, GetResourcesCommand, {
      ResourceTypeFilters: ['ecr:repository'],
      ResourcesPerPage: TAGGING_PAGE_SIZE,
    });
    expect(tagging).toHaveReceivedNthCommandWith(2, GetResourcesCommand, { PaginationToken: 'page-2' });
  });

  it('lets an error propagate, so the caller can fall back to ListTagsForResource', async () => {
    // Arrange
    tagging
      .on(GetResourcesCommand)
      .rejects(Object.assign(new Error('not authorized to perform tag:GetResources'), { name: 'AccessDeniedException' }));

    // Act
    const act = new TaggingApiTagIndex({ client, region: REGION }).repositoryTags();

    // Assert
    await expect(act).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
