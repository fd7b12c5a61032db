import { paginateGetResources, type ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { Tag } from '../../domain/registry';
import type { RepositoryTagIndex } from '../../ports/registry';

/** The most resources `GetResources` returns in one page. */
export const TAGGING_PAGE_SIZE = 100;

/**
 * Reads the tags of every ECR repository of a region with the Resource Groups Tagging API
 * (`tag:GetResources`, `ResourceTypeFilters: ["ecr:repository"]`, 100 a page). `GetResources`
 * supports every resource type (Resource Groups Tagging API Reference, "Services that support the
 * Resource Groups Tagging API"); it returns only resources that are or were tagged, so a repository
 * missing from the answer has no tags. Errors propagate: the caller falls back to
 * `ListTagsForResource` per repository.
 *
 * @example const tags = await new TaggingApiTagIndex({ client, region: 'eu-west-1' }).repositoryTags();
 */
export class TaggingApiTagIndex implements RepositoryTagIndex {
  readonly region: string;
  private readonly client: ResourceGroupsTaggingAPIClient;

  constructor(options: { client: ResourceGroupsTaggingAPIClient; region: string }) {
    this.client = options.client;
    this.region = options.region;
  }

  async repositoryTags(): Promise<Map<string, Tag[]>> {
    const byArn = new Map<string, Tag[]>();
    const pages = paginateGetResources(
      { client: this.client, stopOnSameToken: true },
      { ResourceTypeFilters: ['ecr:repository'], ResourcesPerPage: TAGGING_PAGE_SIZE },
    );
    for await (const page of pages) {
      for (const mapping of page.ResourceTagMappingList ?? []) {
        if (mapping.ResourceARN === undefined) continue;
        const tags: Tag[] = [];
        for (const tag of mapping.Tags ?? []) if (tag.Key !== undefined) tags.push({ Key: tag.Key, Value: tag.Value ?? '' });
        byArn.set(mapping.ResourceARN, tags);
      }
    }
    return byArn;
  }
}
