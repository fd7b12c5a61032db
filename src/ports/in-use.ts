import type { InUseWarning, WorkloadSource } from '../domain/in-use';
import type { WorkloadImage } from '../domain/in-use-entries';

/** What one scan of a region's source found: the images its workloads run or can start, and what it could not see. */
export interface WorkloadScan {
  images: WorkloadImage[];
  /** References the scan could not resolve (a task definition chosen at run time, one that does not exist). */
  warnings: Array<Pick<InUseWarning, 'code' | 'message'>>;
}

/**
 * Reads which images the workloads of one region run or can start: ECS services and tasks, Lambda
 * functions, EventBridge rules and schedules, Batch job definitions, Step Functions state machines,
 * App Runner services, or Amazon Inspector's coverage. Read-only; lists are read to their end and
 * batched by the adapter.
 */
export interface WorkloadScanner {
  /** The region whose workloads this scanner reads. */
  readonly region: string;
  /** What it reads. */
  readonly source: WorkloadSource;
  /** The IAM actions a scan calls, named in the warning when the source is refused. */
  readonly permissions: readonly string[];
  /**
   * Every image the region's workloads pin or name, each with its consumer. Throws when the source
   * cannot be read whole: a partial answer would look like "not in use".
   */
  scan(): Promise<WorkloadScan>;
}

/** A list of images in use that the user keeps (a file, an S3 object), read whole. */
export interface InUseListReader {
  /** Where the list is (a path or `s3://bucket/key`): consumers are named `list:LOCATION`. */
  readonly location: string;
  /** The list's text. */
  read(): Promise<string>;
}
