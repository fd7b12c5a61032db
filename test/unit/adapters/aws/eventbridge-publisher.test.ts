import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EventBridgePublisher, EventRejectedError } from '../../../../src/adapters/aws/eventbridge-publisher';
import { JanitorError } from '../../../../src/domain/errors';
import { expectEscapedJson, HOSTILE } from '../../../support/hostile-text';

const BUS = 'arn:aws:events:eu-west-1:123456789012:event-bus/platform';
const EVENT = {
  source: 'ecr-janitor',
  detailType: 'ECR Janitor Report',
  detail: { reportKey: 'reports/2026-03-01/report.json', totals: { repositories: 3 } },
};
const eventBridge = mockClient(EventBridgeClient);

function publisher(bus = BUS): EventBridgePublisher {
  return new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), bus);
}

describe('aws/eventbridge-publisher', () => {
  beforeEach(() => eventBridge.reset());

  describe('EventBridgePublisher', () => {
    describe('publish', () => {
      it('puts one entry on the bus with the source, detail type and the detail as JSON', async () => {
        // Arrange
        eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

        // Act
        await publisher().publish(EVENT);

        // Assert
        expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
        expect(eventBridge).toHaveReceivedCommandWith(PutEventsCommand, {
          Entries: [{ EventBusName: BUS, Source: 'ecr-janitor', DetailType: 'ECR Janitor Report', Detail: JSON.stringify(EVENT.detail) }],
        });
      });

      it('writes control and bidirectional characters of the detail as JSON escapes that parse back to it', async () => {
        // Arrange
        eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
        const detail = { topRepositories: [{ repositoryName: HOSTILE }] };

        // Act
        await publisher().publish({ ...EVENT, detail });

        // Assert
        const sent = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.Detail ?? '';
        expectEscapedJson(sent, detail);
      });

      it('puts on the default bus when told so', async () => {
        // Arrange
        eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });

        // Act
        await publisher('default').publish(EVENT);

        // Assert
        expect(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.EventBusName).toBe('default');
      });

      it('accepts an answer that counts no failed entries at all', async () => {
        eventBridge.on(PutEventsCommand).resolves({});

        await expect(publisher().publish(EVENT)).resolves.toBeUndefined();
      });

      it('fails with EventRejectedError when the entry failed though the call answered 200, naming the bus, the event, the code and the fix', async () => {
        // Arrange
        eventBridge.on(PutEventsCommand).resolves({
          FailedEntryCount: 1,
          Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'not authorized to put to the bus' }],
        });

        // Act
        const publishing = publisher().publish(EVENT);

        // Assert
        await expect(publishing).rejects.toBeInstanceOf(EventRejectedError);
        await expect(publishing).rejects.toThrow(
          `event bus ${BUS} rejected the ECR Janitor Report event: AccessDeniedException not authorized to put to the bus; check that the bus exists and the function may events:PutEvents on it`,
        );
      });

      it('says unknown when the failed entry carries no code', async () => {
        // Arrange
        eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1 });

        // Act
        const error: unknown = await publisher()
          .publish(EVENT)
          .catch((e: unknown) => e);

        // Assert
        expect(error).toBeInstanceOf(JanitorError);
        expect(error).toMatchObject({
          name: 'EventRejectedError',
          message: expect.stringContaining('rejected the ECR Janitor Report event: unknown'),
        });
      });

      it('lets a failed call through as it came, for the caller to retry or report', async () => {
        // Arrange
        const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        eventBridge.on(PutEventsCommand).rejects(throttled);

        // Act / Assert
        await expect(publisher().publish(EVENT)).rejects.toBe(throttled);
      });
    });
  });
});
