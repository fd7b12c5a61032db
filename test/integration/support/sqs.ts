// SQS on moto, for tests that watch what EventBridge delivers: a queue is a rule's target, and the
// test reads back what reached it. moto delivers to the queue while PutEvents runs, so a message is
// there as soon as the call that published it returns.
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { MOTO_REGION, motoClientConfig } from './moto';

/** A queue by the two names tests need: its URL (to read it) and its ARN (to target it). */
export interface TestQueue {
  url: string;
  arn: string;
}

/** How {@link takeMessages} reads a queue. */
export interface TakeOptions {
  /**
   * How long the first ReceiveMessage waits for a message to arrive, in seconds; moto answers as soon
   * as one is there. Use 0 where the queue is expected to stay empty, so that checking it costs nothing.
   * @default 1
   */
  waitTimeSeconds?: number;
}

/**
 * An SQS client that talks to moto. Destroy it in `afterAll` so no keep-alive socket outlives the test.
 *
 * @example
 * const sqs = sqsClientForMoto();
 * afterAll(() => sqs.destroy());
 */
export function sqsClientForMoto(region: string = MOTO_REGION): SQSClient {
  return new SQSClient(motoClientConfig(region));
}

/**
 * Creates a standard queue (or finds the one of that name) and returns its URL and ARN.
 *
 * @example
 * const queue = await createQueue(sqs, 'report-events');
 * await events.send(new PutTargetsCommand({ Rule: 'report', Targets: [{ Id: 'queue', Arn: queue.arn }] }));
 */
export async function createQueue(sqs: SQSClient, name: string): Promise<TestQueue> {
  const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (url === undefined) throw new Error(`CreateQueue ${name} answered without a QueueUrl`);
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`GetQueueAttributes ${url} answered without a QueueArn`);
  return { url, arn };
}

/**
 * Takes every message waiting in the queue (each is deleted once read) and returns their bodies
 * parsed as JSON, oldest first as far as SQS keeps an order.
 *
 * @example const received = (await takeMessages(sqs, queue.url)) as Array<{ detail: unknown }>;
 */
export async function takeMessages(sqs: SQSClient, queueUrl: string, options: TakeOptions = {}): Promise<unknown[]> {
  const bodies: unknown[] = [];
  let waitTimeSeconds = options.waitTimeSeconds ?? 1;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitTimeSeconds }),
    );
    if (Messages.length === 0) return bodies;
    for (const message of Messages) {
      bodies.push(JSON.parse(message.Body ?? 'null'));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
    // The first receive waited for delivery; what is left is already there.
    waitTimeSeconds = 0;
  }
}

/**
 * Empties the queue without reading it, e.g. to drop what an earlier run published. (Real SQS allows
 * one purge a minute per queue; moto does not enforce it unless asked to.)
 *
 * @example await purgeQueue(sqs, queue.url);
 */
export async function purgeQueue(sqs: SQSClient, queueUrl: string): Promise<void> {
  await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
}
