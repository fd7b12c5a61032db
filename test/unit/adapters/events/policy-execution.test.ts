import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLedgerLines, readPolicyExecutionEvent } from '../../../../src/adapters/events/policy-execution';
import { InvalidInputError } from '../../../../src/domain/errors';

const sample = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(__dirname, '../../../../events', name), 'utf8')) as Record<string, unknown>;

describe('policy-execution', () => {
  describe('readPolicyExecutionEvent', () => {
    it('reads the EventBridge event: each image with its rule, action, tags and push time; the janitor rule recognised', () => {
      const reading = readPolicyExecutionEvent(sample('policy-execution-expire.json'));
      if (!reading.ok) throw new Error(reading.reason);
      const { event } = reading;
      expect(event).toMatchObject({
        eventId: '4f1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        at: '2026-11-04T03:22:13.000Z',
        accountId: '123456789012',
        region: 'eu-west-1',
        repositoryName: 'team-a/web-api',
      });
      expect(event.actions).toEqual([
        expect.objectContaining({
          imageDigest: `sha256:${'1'.repeat(64)}`,
          imageTags: [],
          pushedAt: '2025-10-27T00:00:00.000Z',
          rulePriority: 2,
          defaultRule: true,
          action: 'expire',
        }),
        expect.objectContaining({
          imageDigest: `sha256:${'2'.repeat(64)}`,
          imageTags: ['release-41'],
          rulePriority: 1,
          defaultRule: false,
        }),
      ]);
      expect(event.failures).toEqual([
        expect.objectContaining({
          imageDigest: `sha256:${'3'.repeat(64)}`,
          failureCode: 'ImageReferencedByManifestList',
          action: 'expire',
        }),
      ]);
    });

    it('reads the bare CloudTrail record (the Knowledge Center example) the same way as its EventBridge envelope', () => {
      const bare = sample('policy-execution-record.json');
      const wrapped = { 'detail-type': 'AWS Service Event via CloudTrail', source: 'aws.ecr', account: '123456789012', detail: bare };
      const a = readPolicyExecutionEvent(bare);
      const b = readPolicyExecutionEvent(wrapped);
      expect(a).toEqual(b);
      if (!a.ok) throw new Error(a.reason);
      expect(a.event.actions.map((x) => [x.imageTags[0], x.action, x.defaultRule])).toEqual([
        ['alpine', 'expire', false],
        ['centos', 'expire', false],
      ]);
      expect(a.event.failures).toEqual([]);
    });

    it('reads a transition rule as a transition', () => {
      const reading = readPolicyExecutionEvent(sample('policy-execution-transition.json'));
      if (!reading.ok) throw new Error(reading.reason);
      expect(reading.event.actions.map((a) => a.action)).toEqual(['transition']);
    });

    it('reads an evaluation that acted on nothing as an event without actions', () => {
      const bare = sample('policy-execution-record.json');
      const details = { ...(bare.serviceEventDetails as object), lifecycleEventImageActions: [], lifecycleEventFailureDetails: [] };
      const reading = readPolicyExecutionEvent({ ...bare, serviceEventDetails: details });
      expect(reading).toMatchObject({ ok: true, event: { actions: [], failures: [] } });
    });

    it.each([
      ['another event name', { eventName: 'PutLifecyclePolicy' }, /eventName/],
      ['no repository', { serviceEventDetails: {} }, /repositoryName/],
      ['a time that is not one', { eventTime: 'yesterday' }, /eventTime/],
    ])('refuses %s with the field', (_what, change, reason) => {
      const reading = readPolicyExecutionEvent({ ...sample('policy-execution-record.json'), ...change });
      expect(reading).toEqual({ ok: false, reason: expect.stringMatching(reason) as unknown });
    });

    it('refuses an envelope of another detail-type', () => {
      const event = { ...sample('policy-execution-expire.json'), 'detail-type': 'AWS API Call via CloudTrail' };
      expect(readPolicyExecutionEvent(event)).toEqual({ ok: false, reason: expect.stringMatching(/detail-type/) as unknown });
    });

    it('refuses an image action whose rule the event does not list, or whose action it does not know', () => {
      const bare = sample('policy-execution-record.json');
      const details = bare.serviceEventDetails as { lifecycleEventPolicy: { lifecycleEventRules: Array<Record<string, unknown>> } };
      const unknownAction = {
        ...details,
        lifecycleEventPolicy: { lifecycleEventRules: [{ ...details.lifecycleEventPolicy.lifecycleEventRules[0], action: 'shred' }] },
      };
      expect(readPolicyExecutionEvent({ ...bare, serviceEventDetails: unknownAction })).toEqual({
        ok: false,
        reason: expect.stringMatching(/"shred" is neither expire nor transition/) as unknown,
      });
      const noRules = { ...details, lifecycleEventPolicy: null };
      expect(readPolicyExecutionEvent({ ...bare, serviceEventDetails: noRules })).toEqual({
        ok: false,
        reason: expect.stringMatching(/names rule 1, which the event's policy does not list/) as unknown,
      });
    });
  });

  describe('parseLedgerLines', () => {
    it('reads one event a line in either shape, skipping blank lines', () => {
      const text = [
        JSON.stringify(sample('policy-execution-expire.json')),
        '',
        JSON.stringify(sample('policy-execution-record.json')),
        '',
      ].join('\n');
      expect(parseLedgerLines(text, 'l.jsonl').map((e) => e.repositoryName)).toEqual(['team-a/web-api', 'testrepo']);
    });

    it('names the file and the line that is not an event', () => {
      const text = `${JSON.stringify(sample('policy-execution-record.json'))}\n{"eventName":"Other"}\n`;
      expect(() => parseLedgerLines(text, 'l.jsonl')).toThrow(InvalidInputError);
      expect(() => parseLedgerLines(text, 'l.jsonl')).toThrow(/l\.jsonl, line 2: not an ECR PolicyExecutionEvent/);
      expect(() => parseLedgerLines('{oops', 'l.jsonl')).toThrow(/l\.jsonl, line 1: not JSON/);
    });
  });
});
