import { ECRClient, ECRServiceException, ListPullTimeUpdateExclusionsCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CallCounter } from '../../../../src/adapters/aws/call-counter';
import { createEcrClient } from '../../../../src/adapters/aws/clients';
import {
  EXCLUSIONS_PAGE_SIZE,
  EXCLUSION_CHECK_MAX_ATTEMPTS,
  isPullTimeUpdateExcluded,
  unknownReason,
} from '../../../../src/adapters/aws/pull-time-exclusions';
import { TEST_CREDENTIALS, fakeEcrTransport, type FakeAnswer } from '../../support/fake-ecr-http';

const REGION = 'eu-west-1';
const AUDIT_ROLE = 'arn:aws:iam::123456789012:role/ecr-janitor-prod-eu-west-1-audit';
const SCANNER = 'arn:aws:iam::123456789012:role/scanner';
const CI = 'arn:aws:iam::123456789012:role/ci';

// The mock is per instance, so the fake-transport clients below keep their real send().
let client = new ECRClient({ region: REGION, credentials: TEST_CREDENTIALS });
let ecrMock = mockClient(client);

beforeEach(() => {
  client = new ECRClient({ region: REGION, credentials: TEST_CREDENTIALS });
  ecrMock = mockClient(client);
});

/** An error shaped as the SDK throws a modelled ECR error. */
function serviceError(name: string, status: number, fault: 'client' | 'server' = 'client'): ECRServiceException {
  return new ECRServiceException({ name, $fault: fault, $metadata: { httpStatusCode: status, attempts: 1 }, message: `${name} raised` });
}

describe('isPullTimeUpdateExcluded', () => {
  describe('answers', () => {
    it('reads the next page with maxResults 1000 and finds the principal there', async () => {
      // Arrange
      ecrMock
        .on(ListPullTimeUpdateExclusionsCommand)
        .resolves({ pullTimeUpdateExclusions: [SCANNER], nextToken: 't1' })
        .on(ListPullTimeUpdateExclusionsCommand, { nextToken: 't1' })
        .resolves({ pullTimeUpdateExclusions: [CI, AUDIT_ROLE] });

      // Act
      const excluded = await isPullTimeUpdateExcluded(client, AUDIT_ROLE);

      // Assert
      expect(excluded).toBe(true);
      expect(ecrMock).toHaveReceivedCommandTimes(ListPullTimeUpdateExclusionsCommand, 2);
      expect(ecrMock).toHaveReceivedNthCommandWith(1, ListPullTimeUpdateExclusionsCommand, { maxResults: EXCLUSIONS_PAGE_SIZE });
      expect(ecrMock).toHaveReceivedNthCommandWith(2, ListPullTimeUpdateExclusionsCommand, { maxResults: 1000, nextToken: 't1' });
    });

    it('returns false when the principal is on no page, after reading to the last one', async () => {
      // Arrange
      ecrMock
        .on(ListPullTimeUpdateExclusionsCommand)
        .resolves({ pullTimeUpdateExclusions: [SCANNER], nextToken: 't1' })
        .on(ListPullTimeUpdateExclusionsCommand, { nextToken: 't1' })
        .resolves({ pullTimeUpdateExclusions: [CI] });

      // Act
      const excluded = await isPullTimeUpdateExcluded(client, AUDIT_ROLE);

      // Assert
      expect(excluded).toBe(false);
      expect(ecrMock).toHaveReceivedCommandTimes(ListPullTimeUpdateExclusionsCommand, 2);
    });

    it('stops when the service hands back a page token it gave before, rather than looping for ever', async () => {
      // Arrange
      ecrMock
        .on(ListPullTimeUpdateExclusionsCommand)
        .resolves({ pullTimeUpdateExclusions: [SCANNER], nextToken: 't1' })
        .on(ListPullTimeUpdateExclusionsCommand, { nextToken: 't1' })
        .resolves({ pullTimeUpdateExclusions: [CI], nextToken: 't1' });

      // Act
      const excluded = await isPullTimeUpdateExcluded(client, AUDIT_ROLE);

      // Assert
      expect(excluded).toBe(false);
      expect(ecrMock).toHaveReceivedCommandTimes(ListPullTimeUpdateExclusionsCommand, 2);
    });

    it('stops reading when the principal is on the first page', async () => {
      ecrMock.on(ListPullTimeUpdateExclusionsCommand).resolves({ pullTimeUpdateExclusions: [AUDIT_ROLE], nextToken: 't1' });

      expect(await isPullTimeUpdateExcluded(client, AUDIT_ROLE)).toBe(true);
      expect(ecrMock).toHaveReceivedCommandTimes(ListPullTimeUpdateExclusionsCommand, 1);
    });

    it.each([
      ['an empty list', {}],
      ['an empty nextToken', { pullTimeUpdateExclusions: [SCANNER], nextToken: '' }],
      ['a role whose ARN only starts the same', { pullTimeUpdateExclusions: [`${AUDIT_ROLE}-old`, AUDIT_ROLE.toUpperCase()] }],
    ])('returns false for %s', async (_label, page) => {
      ecrMock.on(ListPullTimeUpdateExclusionsCommand).resolves(page);

      expect(await isPullTimeUpdateExcluded(client, AUDIT_ROLE)).toBe(false);
      expect(ecrMock).toHaveReceivedCommandTimes(ListPullTimeUpdateExclusionsCommand, 1);
    });
  });

  describe('when the answer cannot be had', () => {
    it.each([
      [
        'access is denied',
        serviceError('AccessDeniedException', 400),
        /^ECR refused ecr:ListPullTimeUpdateExclusions \(AccessDeniedException\)$/,
      ],
      [
        'the region does not offer the call',
        serviceError('UnknownOperationException', 400),
        /does not offer ListPullTimeUpdateExclusions \(UnknownOperationException\)/,
      ],
      [
        'ECR fails after the retries',
        serviceError('ServerException', 500, 'server'),
        /^ECR answered HTTP 500 after 1 attempt \(ServerException\)$/,
      ],
      [
        'the network fails',
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }),
        /^ListPullTimeUpdateExclusions failed with Error: connect ECONNREFUSED/,
      ],
    ])('returns undefined and says why when %s', async (_label, error, reason) => {
      // Arrange
      ecrMock.on(ListPullTimeUpdateExclusionsCommand).rejects(error);
      const onUnknown = jest.fn();

      // Act
      const excluded = await isPullTimeUpdateExcluded(client, AUDIT_ROLE, { onUnknown });

      // Assert
      expect(excluded).toBeUndefined();
      expect(onUnknown).toHaveBeenCalledTimes(1);
      expect(onUnknown).toHaveBeenCalledWith(expect.stringMatching(reason), error);
    });

    it('returns undefined when a later page fails, though earlier pages were read', async () => {
      ecrMock
        .on(ListPullTimeUpdateExclusionsCommand)
        .resolves({ pullTimeUpdateExclusions: [SCANNER], nextToken: 't1' })
        .on(ListPullTimeUpdateExclusionsCommand, { nextToken: 't1' })
        .rejects(serviceError('ThrottlingException', 400));

      expect(await isPullTimeUpdateExcluded(client, AUDIT_ROLE)).toBeUndefined();
      expect(ecrMock).toHaveReceivedCommandTimes(ListPullTimeUpdateExclusionsCommand, 2);
    });

    it('never throws, also without onUnknown', async () => {
      ecrMock.on(ListPullTimeUpdateExclusionsCommand).rejects(serviceError('AccessDeniedException', 400));

      await expect(isPullTimeUpdateExcluded(client, AUDIT_ROLE)).resolves.toBeUndefined();
    });
  });

  // The real SDK stack over a fake transport: the errors as the SDK really shapes them, and the
  // check's client (two attempts) as the weekly Aggregate function builds it.
  describe('through the SDK stack', () => {
    function checkClient(answers: FakeAnswer[], counter?: CallCounter): { client: ECRClient; attempts: () => number } {
      const { requestHandler, received } = fakeEcrTransport({ ListPullTimeUpdateExclusions: answers });
      const real = createEcrClient({
        region: REGION,
        credentials: TEST_CREDENTIALS,
        requestHandler,
        maxAttempts: EXCLUSION_CHECK_MAX_ATTEMPTS,
        ...(counter === undefined ? {} : { counter }),
      });
      return { client: real, attempts: () => received.length };
    }

    it('sends maxResults and the nextToken on the wire', async () => {
      const { requestHandler, received } = fakeEcrTransport({
        ListPullTimeUpdateExclusions: [
          { body: { pullTimeUpdateExclusions: [SCANNER], nextToken: 't1' } },
          { body: { pullTimeUpdateExclusions: [AUDIT_ROLE] } },
        ],
      });
      const real = createEcrClient({ region: REGION, credentials: TEST_CREDENTIALS, requestHandler });

      expect(await isPullTimeUpdateExcluded(real, AUDIT_ROLE)).toBe(true);
      expect(received.map((r) => r.input)).toEqual([{ maxResults: 1000 }, { maxResults: 1000, nextToken: 't1' }]);
    });

    it("names ECR's AccessDeniedException, without a retry", async () => {
      const { client: real, attempts } = checkClient([
        { status: 400, error: 'AccessDeniedException', message: 'User is not authorized to perform: ecr:ListPullTimeUpdateExclusions' },
      ]);
      const onUnknown = jest.fn();

      expect(await isPullTimeUpdateExcluded(real, AUDIT_ROLE, { onUnknown })).toBeUndefined();
      expect(onUnknown).toHaveBeenCalledWith('ECR refused ecr:ListPullTimeUpdateExclusions (AccessDeniedException)', expect.anything());
      expect(attempts()).toBe(1);
    });

    it('gives up on a 5xx after two attempts, counted as one call and one retry', async () => {
      const counter = new CallCounter();
      const { client: real, attempts } = checkClient([{ status: 500, error: 'ServerException' }], counter);
      const onUnknown = jest.fn();

      expect(await isPullTimeUpdateExcluded(real, AUDIT_ROLE, { onUnknown })).toBeUndefined();
      expect(attempts()).toBe(2);
      expect(onUnknown).toHaveBeenCalledWith('ECR answered HTTP 500 after 2 attempts (ServerException)', expect.anything());
      expect(counter.snapshot()).toEqual({
        calls: { ListPullTimeUpdateExclusions: 1, total: 1 },
        retries: { ListPullTimeUpdateExclusions: 1 },
      });
    });
  });
});

describe('unknownReason', () => {
  it("names the HTTP status of an answer the SDK could not parse (an emulator's HTML error page)", () => {
    const error = Object.assign(new SyntaxError('Unexpected token \'<\', "<!doctype "... is not valid JSON'), {
      $metadata: { httpStatusCode: 500, attempts: 2 },
    });
    expect(unknownReason(error)).toBe('ECR answered HTTP 500 after 2 attempts (SyntaxError)');
  });

  it('treats an HTTP 403 as a refusal, whatever the error is named', () => {
    expect(unknownReason({ name: 'Forbidden', $metadata: { httpStatusCode: 403 } })).toBe(
      'ECR refused ecr:ListPullTimeUpdateExclusions (Forbidden)',
    );
  });

  it('copes with something thrown that is not an error', () => {
    expect(unknownReason('boom')).toBe('ListPullTimeUpdateExclusions failed with Error');
  });
});
