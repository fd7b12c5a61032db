import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { ReportMessage, ReportNotifier } from '../../ports/report';

/** SNS's limit for a message subject. */
export const SUBJECT_LIMIT = 100;

/**
 * A subject SNS accepts: ASCII printable characters only (no line breaks), at most 100, never
 * empty. Anything else is replaced rather than rejected, so the summary always goes out.
 */
export function snsSubject(subject: string): string {
  const ascii = subject.replace(/[^\x20-\x7e]/g, '?').trim();
  const cut = ascii.length <= SUBJECT_LIMIT ? ascii : `${ascii.slice(0, SUBJECT_LIMIT - 3)}...`;
  return cut === '' ? 'ECR Janitor report' : cut;
}

/** Sends the weekly summary to an SNS topic (whose e-mail subscriptions deliver it). */
export class SnsNotifier implements ReportNotifier {
  /** @param topicArn the stack's report topic */
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async notify(message: ReportMessage): Promise<void> {
    await this.client.send(new PublishCommand({ TopicArn: this.topicArn, Subject: snsSubject(message.subject), Message: message.text }));
  }
}
