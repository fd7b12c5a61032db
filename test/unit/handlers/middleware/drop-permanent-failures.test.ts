import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { InvalidInputError, PolicyWriteError } from '../../../../src/domain/errors';
import { dropPermanentFailures } from '../../../../src/handlers/middleware/drop-permanent-failures';
import { logger, metrics } from '../../../../src/handlers/runtime/powertools';
import { awsError } from '../../support/fake-registry';

const context = {} as Context;

function failingWith(error: Error) {
  return middy(async (): Promise<unknown> => {
    throw error;
  }).use(dropPermanentFailures());
}

describe('middleware', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));
  afterAll(() => logger.setLogLevel('INFO'));
  afterEach(() => {
    metrics.clearMetrics();
    jest.restoreAllMocks();
  });

  describe('dropPermanentFailures', () => {
    it.each([
      ['a repository deleted since', awsError('RepositoryNotFoundException', 'gone'), 'RepositoryNotFoundException'],
      ['a write ECR refused', new PolicyWriteError('refused', 'rejected', 'InvalidParameterException'), 'InvalidParameterException'],
      ['a request ECR finds invalid', awsError('ValidationException', 'bad'), 'ValidationException'],
      ['an event the handler refuses', new InvalidInputError('the event time is ahead'), 'InvalidInputError'],
    ])('acknowledges %s as dropped, logs it and counts it', async (_label, error, code) => {
      const addMetric = jest.spyOn(metrics, 'addMetric');
      const warn = jest.spyOn(logger, 'warn');

      const result = await failingWith(error)({}, context);

      expect(result).toEqual({ status: 'dropped', code, reason: error.message });
      expect(addMetric).toHaveBeenCalledWith('EventsDropped', 'Count', 1);
      expect(warn).toHaveBeenCalledWith('dropping an event that cannot succeed on retry', { code, reason: error.message });
    });

    it.each([
      ['throttling', new PolicyWriteError('slow down', 'throttled', 'ThrottlingException')],
      ['a write that may have landed', new PolicyWriteError('internal', 'unknown', 'ServerException')],
      ['access denied', awsError('AccessDeniedException', 'no')],
      ['a bug', new TypeError('x is undefined')],
    ])('rethrows %s, so Lambda retries the event', async (_label, error) => {
      const addMetric = jest.spyOn(metrics, 'addMetric');

      await expect(failingWith(error)({}, context)).rejects.toBe(error);
      expect(addMetric).not.toHaveBeenCalled();
    });
  });
});
