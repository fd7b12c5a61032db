import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runCli } from '../../../../src/cli/program';
import { recordingContext, tempFilesEachTest } from '../../../support/cli-context';
import { expectEscapedJson, HOSTILE } from '../../../support/hostile-text';

const NOW = Date.parse('2026-11-09T06:00:00.000Z');
const sample = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(__dirname, '../../../../events', name), 'utf8')) as Record<string, unknown>;

describe('cli ledger', () => {
  const files = tempFilesEachTest('ecr-janitor-ledger-');

  describe('from a local CloudTrail endpoint', () => {
    // A CloudTrail endpoint on 127.0.0.1 that answers LookupEvents from a script of responses, so the
    // SDK's own paging, retries and the call counter run for real.
    let server: Server;
    let endpoint = '';
    let script: Array<{ status: number; body: unknown }> = [];
    const requests: Array<Record<string, unknown>> = [];
    beforeAll(async () => {
      process.env.AWS_ACCESS_KEY_ID = 'test';
      process.env.AWS_SECRET_ACCESS_KEY = 'test';
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          requests.push({ target: req.headers['x-amz-target'], ...(JSON.parse(body) as object) });
          const next = script.shift() ?? { status: 200, body: { Events: [] } };
          const error = next.status === 200 ? {} : { 'x-amzn-errortype': (next.body as { __type: string }).__type };
          res.writeHead(next.status, { 'content-type': 'application/x-amz-json-1.1', ...error });
          res.end(JSON.stringify(next.body));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
    beforeEach(() => {
      requests.length = 0;
      script = [];
    });

    it('reads every page of PolicyExecutionEvents, retries throttling, counts the calls, and writes the records one a line', async () => {
      const record = sample('policy-execution-record.json');
      const other = sample('policy-execution-expire.json').detail as object;
      script = [
        { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
        {
          status: 200,
          body: { Events: [{ EventSource: 'ecr.amazonaws.com', CloudTrailEvent: JSON.stringify(record) }], NextToken: 'page-2' },
        },
        {
          status: 200,
          body: {
            Events: [
              { EventSource: 'ecr.amazonaws.com', CloudTrailEvent: JSON.stringify(other) },
              { EventSource: 'other.amazonaws.com', CloudTrailEvent: '{}' },
            ],
          },
        },
      ];
      const out = join(files.write('keep.txt', ''), '..', 'ledger.jsonl');
      const ctx = recordingContext(NOW);
      const code = await runCli(
        ['ledger', '--region', 'us-west-2', '--since', '2026-11-01T00:00:00Z', '--endpoint', endpoint, '--out', out],
        ctx,
      );
      expect(code).toBe(0);
      const lines = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { eventID: string });
      expect(lines.map((l) => l.eventID)).toEqual(['9354dd7f-9aac-4e9d-956d-12561a4923aa', '4f1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d']);
      expect(requests).toEqual([
        expect.objectContaining({
          target: 'CloudTrail_20131101.LookupEvents',
          StartTime: Date.parse('2026-11-01T00:00:00Z') / 1000,
          LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'PolicyExecutionEvent' }],
          MaxResults: 50,
        }),
        expect.not.objectContaining({ NextToken: expect.anything() as unknown }),
        expect.objectContaining({ NextToken: 'page-2' }),
      ]);
      expect(ctx.stderr()).toMatch(/us-west-2: 2 PolicyExecutionEvents, 4 image actions/);
      expect(ctx.stderr()).toMatch(/\(2 LookupEvents calls, 1 retry\)/);
    });

    it('writes control and bidirectional characters of an event as JSON escapes, one line an event, each parsing back to it', async () => {
      // Arrange: a repository name and a rule description as hostile as CloudTrail could carry them
      const record = sample('policy-execution-record.json');
      const details = record.serviceEventDetails as {
        repositoryName: string;
        lifecycleEventPolicy: { lifecycleEventRules: Array<{ description: string }> };
      };
      details.repositoryName = HOSTILE;
      for (const r of details.lifecycleEventPolicy.lifecycleEventRules) r.description = HOSTILE;
      record.userAgent = `agent\n${HOSTILE}`;
      script = [
        {
          status: 200,
          body: {
            Events: [
              { EventSource: 'ecr.amazonaws.com', CloudTrailEvent: JSON.stringify(record) },
              { EventSource: 'ecr.amazonaws.com', CloudTrailEvent: JSON.stringify({ ...record, eventID: 'second' }) },
            ],
          },
        },
      ];
      const out = join(files.write('keep.txt', ''), '..', 'hostile.jsonl');

      // Act
      const code = await runCli(['ledger', '--region', 'us-west-2', '--endpoint', endpoint, '--out', out], recordingContext(NOW));

      // Assert
      expect(code).toBe(0);
      const lines = readFileSync(out, 'utf8').split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[2]).toBe('');
      expectEscapedJson(lines[0] as string, record);
      expectEscapedJson(lines[1] as string, { ...record, eventID: 'second' });
    });

    it('goes on with the other regions when one fails, and exits 3', async () => {
      script = [
        { status: 400, body: { __type: 'AccessDeniedException', message: 'denied' } },
        {
          status: 200,
          body: { Events: [{ EventSource: 'ecr.amazonaws.com', CloudTrailEvent: JSON.stringify(sample('policy-execution-record.json')) }] },
        },
      ];
      const ctx = recordingContext(NOW);
      const out = join(files.write('keep.txt', ''), '..', 'l.jsonl');
      expect(await runCli(['ledger', '--region', 'eu-west-1,us-west-2', '--endpoint', endpoint, '--out', out], ctx)).toBe(3);
      expect(ctx.stderr()).toMatch(/eu-west-1: CloudTrail's event history could not be read \(AccessDeniedException/);
      expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(1);
    });
  });
});
