import type { AuditReport } from '../domain/report';

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

/** The formats a report is published in, one artifact each. */
export type ReportArtifactFormat = 'json' | 'csv' | 'markdown' | 'html';

/** One earlier report's totals, a point of the trend chart. */
export interface ReportTrendPoint {
  /** The report's date, `YYYY-MM-DD`. */
  date: string;
  storedBytes: number;
  reclaimableBytes: number;
}

/** What a renderer may use besides the report itself. */
export interface ReportRenderOptions {
  /** Earlier reports' totals, for the trend chart of the HTML report (other formats ignore it). @default [] */
  history?: readonly ReportTrendPoint[];
}

/**
 * Turns a report into the text of one artifact. A port so the publishing use case depends on no
 * particular renderer (the deployed function uses the CLI's renderers, tests a fake).
 */
export interface ReportRenderer {
  /** The artifact's text, ending with a newline. */
  render(report: AuditReport, format: ReportArtifactFormat, options?: ReportRenderOptions): string;
}
