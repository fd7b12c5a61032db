import type { WorkloadImage } from '../domain/in-use';

/**
 * Reads which images the workloads of one region run: ECS services and tasks, or Lambda functions.
 * Read-only; lists are read to their end and batched by the adapter.
 */
export interface WorkloadScanner {
  /** The region whose workloads this scanner reads. */
  readonly region: string;
  /** What it reads. */
  readonly source: 'ecs' | 'lambda';
  /**
   * Every image the region's workloads pin, each with its consumer. Throws when the source cannot be
   * read whole: a partial answer would look like "not in use".
   */
  scan(): Promise<WorkloadImage[]>;
}

/** A list of images in use that the user keeps (a file, an S3 object), read whole. */
export interface InUseListReader {
  /** Where the list is (a path or `s3://bucket/key`): consumers are named `list:LOCATION`. */
  readonly location: string;
  /** The list's text. */
  read(): Promise<string>;
}
