import type { ImageDetail } from './image';

/** A resource tag as ECR returns it. */
export interface Tag {
  Key: string;
  Value: string;
}

/** Identifies one repository in one registry (account and region). */
export interface RepositoryRef {
  accountId: string;
  region: string;
  repositoryName: string;
  repositoryArn: string;
  /** ISO-8601 creation time, when known. */
  createdAt?: string;
}

/** Everything the janitor reads about one repository. */
export interface RepositoryState extends RepositoryRef {
  tags: Tag[];
  /** The lifecycle policy text, or null when the repository has none. */
  lifecyclePolicyText: string | null;
  /** Every image (ACTIVE, ARCHIVED and ACTIVATING), each with its manifest text when it could be read. */
  images: ImageDetail[];
}
