/** The one repository (`team/app` in eu-west-1) the domain tests analyse. */
import type { ImageDetail } from '../../../src/domain/image';
import type { RepositoryState } from '../../../src/domain/registry';

/** `team/app` holding `images`, with the stored lifecycle policy text (`null`: none). */
export function repositoryState(images: ImageDetail[], lifecyclePolicyText: string | null = null): RepositoryState {
  return {
    accountId: '111122223333',
    region: 'eu-west-1',
    repositoryName: 'team/app',
    repositoryArn: 'arn:aws:ecr:eu-west-1:111122223333:repository/team/app',
    tags: [],
    lifecyclePolicyText,
    images,
  };
}
