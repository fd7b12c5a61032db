import { addSourceFlags } from '../../../../src/cli/flags/sources';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_PROGRESS_INTERVAL_SECONDS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RETRY_MODE,
} from '../../../../src/domain/defaults';
import { flagHelp, parsedFlags } from '../../support/flags';

describe('cli source flags', () => {
  describe('addSourceFlags', () => {
    it('gives the client settings, concurrency and progress interval their named defaults', () => {
      expect(parsedFlags((c) => addSourceFlags(c, { snapshot: false }), [])).toEqual({
        concurrency: DEFAULT_CONCURRENCY,
        maxAttempts: DEFAULT_MAX_ATTEMPTS,
        retryMode: DEFAULT_RETRY_MODE,
        connectTimeout: DEFAULT_CONNECTION_TIMEOUT_MS,
        requestTimeout: DEFAULT_REQUEST_TIMEOUT_MS,
        progressInterval: DEFAULT_PROGRESS_INTERVAL_SECONDS,
      });
    });

    it('reads the rate limits per operation and refuses a malformed one, naming the flag', () => {
      const add = (c: Parameters<typeof addSourceFlags>[0]) => addSourceFlags(c, { snapshot: false });

      expect(parsedFlags(add, ['--rate-limit', 'DescribeImages=18/5'])).toMatchObject({
        rateLimit: { DescribeImages: expect.objectContaining({ perSecond: 18, burst: 5 }) },
      });
      expect(parsedFlags(add, ['--rate-limit', 'DescribeImages=fast'])).toMatch(
        /^option '--rate-limit <limits>' argument 'DescribeImages=fast' is invalid\. rate limit "DescribeImages=fast" must look like Operation=PER_SECOND/,
      );
    });

    it('takes --snapshot only where the command reads snapshots, and the account flags only where it reads accounts', () => {
      expect(parsedFlags((c) => addSourceFlags(c, { snapshot: false }), ['--snapshot', 'f.json'])).toBe("unknown option '--snapshot'");
      expect(parsedFlags((c) => addSourceFlags(c, { snapshot: true }), ['--snapshot', 'f.json'])).toMatchObject({ snapshot: 'f.json' });
      expect(parsedFlags((c) => addSourceFlags(c, { snapshot: false }), ['--org'])).toBe("unknown option '--org'");
      expect(parsedFlags((c) => addSourceFlags(c, { snapshot: false, accounts: true }), ['--org'])).toMatchObject({ org: true });
    });
  });

  describe('help', () => {
    it("gives snapshot's --region a default that a capture can have", async () => {
      // Act
      const [snapshot, audit] = [await flagHelp('snapshot', '--region'), await flagHelp('audit', '--region')];

      // Assert
      expect(snapshot).toMatch(/\(default: AWS_REGION\)$/);
      expect(snapshot).not.toContain('snapshot');
      expect(audit).toContain('with --snapshot, every region in the file');
    });
  });
});
