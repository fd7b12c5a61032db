import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SnsNotifier, snsSubject } from '../../../../src/adapters/aws/sns-notifier';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ecr-janitor-prod-ReportTopic-1A2B';
const sns = mockClient(SNSClient);

describe('aws/sns-notifier', () => {
  beforeEach(() => sns.reset());

  describe('SnsNotifier', () => {
    it('publishes the subject and text to the topic', async () => {
      sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

      await new SnsNotifier(new SNSClient({ region: 'eu-west-1' }), TOPIC).notify({ subject: 'ECR storage', text: 'line 1\nline 2' });

      expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC, Subject: 'ECR storage', Message: 'line 1\nline 2' });
    });

    it('fails when SNS refuses the message', async () => {
      sns.on(PublishCommand).rejects(new Error('AuthorizationError'));

      await expect(new SnsNotifier(new SNSClient({ region: 'eu-west-1' }), TOPIC).notify({ subject: 's', text: 't' })).rejects.toThrow(
        'AuthorizationError',
      );
    });
  });

  describe('snsSubject', () => {
    it.each([
      ['ECR storage 2026-11-01: <$0.01/month', 'ECR storage 2026-11-01: <$0.01/month'],
      ['two\nlines', 'two?lines'],
      ['dépôt ±', 'd?p?t ?'],
      ['   ', 'ECR Janitor report'],
    ])('makes %j a subject SNS accepts', (subject, expected) => {
      expect(snsSubject(subject)).toBe(expected);
    });

    it('cuts a subject longer than 100 characters', () => {
      const cut = snsSubject('x'.repeat(150));
      expect(cut).toHaveLength(100);
      expect(cut.endsWith('...')).toBe(true);
    });
  });
});
