import { PolicyWriteError } from '../../../src/domain/errors';
import { regionFailure, toReportError } from '../../../src/use-cases/errors';

/** An error as the SDK throws it: a name and a message. */
function sdkError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

describe('use-cases/errors', () => {
  describe('toReportError', () => {
    it('says that no credentials were found and how to set them, when the SDK found none', () => {
      const entry = toReportError(
        'us-east-1',
        undefined,
        sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
      );

      expect(entry).toEqual({
        region: 'us-east-1',
        code: 'CredentialsProviderError',
        message:
          'no AWS credentials found (Could not load credentials from any providers): set AWS_PROFILE (a profile from aws configure or aws sso login) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role provides them',
      });
    });

    it('says a timeout timed out on every attempt, and what to check', () => {
      const entry = toReportError('eu-west-1', 'app', sdkError('TimeoutError', 'request timed out after 10000 ms'));

      expect(entry.message).toBe(
        'timed out: no answer within the request timeout, on every attempt (request timed out after 10000 ms); check the endpoint and the network, or raise --request-timeout',
      );
      expect(entry).toMatchObject({ region: 'eu-west-1', repositoryName: 'app', code: 'TimeoutError' });
    });

    it("keeps any other error's own code and words", () => {
      expect(toReportError('eu-west-1', 'app', sdkError('AccessDeniedException', 'not authorized'))).toEqual({
        region: 'eu-west-1',
        repositoryName: 'app',
        code: 'AccessDeniedException',
        message: 'not authorized',
      });
      expect(toReportError('eu-west-1', undefined, new PolicyWriteError('throttled', 'throttled', 'ThrottlingException')).code).toBe(
        'ThrottlingException',
      );
      expect(toReportError('eu-west-1', undefined, 'a string')).toEqual({ region: 'eu-west-1', code: 'Error', message: 'a string' });
    });
  });

  describe('regionFailure', () => {
    it('says a region failure is one, with the fix for missing credentials kept', () => {
      const entry = regionFailure('us-east-1', sdkError('CredentialsProviderError', 'Could not load credentials from any providers'));

      expect(entry.message).toMatch(/^region failure: its repositories could not be listed: no AWS credentials found .*set AWS_PROFILE/);
    });

    it('does not say it twice for a failure replayed from a snapshot', () => {
      const once = regionFailure('us-east-1', new Error('denied'));

      expect(regionFailure('us-east-1', new Error(once.message)).message).toBe(once.message);
    });
  });
});
