import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { JanitorError } from '../../domain/errors';
import type { EventPublisher } from '../../ports/report';
import { safeJson } from '../../domain/text';

/** EventBridge refused an event entry. */
export class EventRejectedError extends JanitorError {
  override readonly name: string = 'EventRejectedError';
}

/** Publishes events to one EventBridge bus. */
export class EventBridgePublisher implements EventPublisher {
  /** @param bus an event bus name or ARN; `default` is the account's default bus. */
  constructor(
    private readonly client: EventBridgeClient,
    private readonly bus: string,
  ) {}

  async publish(event: { source: string; detailType: string; detail: object }): Promise<void> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: this.bus, Source: event.source, DetailType: event.detailType, Detail: safeJson(event.detail) }],
      }),
    );
    // PutEvents answers 200 even when an entry fails; the failure is per entry.
    if ((out.FailedEntryCount ?? 0) > 0) {
      const entry = out.Entries?.[0];
      throw new EventRejectedError(
        `event bus ${this.bus} rejected the ${event.detailType} event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}; check that the bus exists and the function may events:PutEvents on it`,
      );
    }
  }
}
