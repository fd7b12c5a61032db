import type { HistoryEntry } from '../domain/history';
import type { TrendPoint } from '../domain/history-trend';
import type { AuditReport } from '../domain/report';
import type { RemediationCounts } from '../domain/report-event';

/** Stores report artifacts (an S3 bucket when deployed). */
export interface ReportStore {
  /** Writes an object whole. */
  put(key: string, body: string, contentType: string): Promise<void>;
  /** Reads an object's text, or undefined when there is none. */
  get(key: string): Promise<string | undefined>;
  /** Where the artifacts live, for people: `s3://bucket`. */
  readonly location: string;
  /**
   * A link a person opens to read an artifact (for S3: the object in the AWS console, which asks for
   * a sign-in with read access). Built from the store's own configuration, never from an event.
   */
  linkTo(key: string): string;
}

/** A short text message for people (an e-mail through SNS when deployed). */
export interface ReportMessage {
  /** One line, at most 100 ASCII characters. */
  subject: string;
  text: string;
}

/** Sends the weekly summary to people (an SNS topic with e-mail subscriptions when deployed). */
export interface ReportNotifier {
  /** Sends one message; throws when it cannot be sent. */
  notify(message: ReportMessage): Promise<void>;
}

/** Publishes events (EventBridge when deployed). */
export interface EventPublisher {
  /** Publishes one event; throws when the bus does not accept it. */
  publish(event: { source: string; detailType: string; detail: object }): Promise<void>;
}

/** The formats a report is published in, one artifact each (`accounts-csv`: the per-account table of a report of several accounts). */
export type ReportArtifactFormat = 'json' | 'csv' | 'cost-groups-csv' | 'accounts-csv' | 'markdown' | 'html';

/** One week's totals, a point of the trend chart. */
export type ReportTrendPoint = TrendPoint;

/** What a renderer may use besides the report itself. */
export interface ReportRenderOptions {
  /**
   * The weeks of the trend chart of the HTML report, this report's included, oldest first (other
   * formats ignore it). One point or none: "no history yet". @default []
   */
  history?: readonly ReportTrendPoint[];
  /** Last week's history entry, for the change per cost group (HTML only). @default none */
  previous?: HistoryEntry;
  /** Each account's weeks, by account id, for a report of several accounts (HTML only). @default none */
  accountTrends?: Readonly<Record<string, readonly ReportTrendPoint[]>>;
}

/** What the weekly summary message says besides the report. */
export interface ReportMessageContext {
  /** Last week's history entry, for the change on last week. */
  previous?: HistoryEntry;
  /** What remediation did, by outcome. */
  remediation: RemediationCounts;
  /** The link to the HTML report ({@link ReportStore.linkTo}). */
  reportLink: string;
}

/**
 * Turns a report into the text of one artifact. A port so the publishing use case depends on no
 * particular renderer (the deployed function uses the CLI's renderers, tests a fake).
 */
export interface ReportRenderer {
  /** The artifact's text, ending with a newline. */
  render(report: AuditReport, format: ReportArtifactFormat, options?: ReportRenderOptions): string;
  /** The weekly summary message: totals, change on last week, top owners and repositories, remediation, link. */
  renderMessage(report: AuditReport, context: ReportMessageContext): ReportMessage;
}
