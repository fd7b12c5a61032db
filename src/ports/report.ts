/** Stores report artifacts (an S3 bucket when deployed). */
export interface ReportStore {
  /** Writes an object whole. */
  put(key: string, body: string, contentType: string): Promise<void>;
  /** Reads an object's text, or undefined when there is none. */
  get(key: string): Promise<string | undefined>;
  /** Where the artifacts live, for people: `s3://bucket`. */
  readonly location: string;
}

/** Publishes events (EventBridge when deployed). */
export interface EventPublisher {
  /** Publishes one event; throws when the bus does not accept it. */
  publish(event: { source: string; detailType: string; detail: object }): Promise<void>;
}
