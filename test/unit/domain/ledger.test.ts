import {
  decodeLedgerEvent,
  distinctActions,
  distinctFailures,
  encodeLedgerEvent,
  eventsBetween,
  ledgerByRepository,
  ledgerEventKey,
  ledgerStartAfter,
  type LedgerAction,
  type LedgerEvent,
} from '../../../src/domain/ledger';
import { expectEscapedJson, HOSTILE } from '../../support/hostile-text';

const action = (over: Partial<LedgerAction> = {}): LedgerAction => ({
  eventId: 'e1',
  at: '2026-11-04T03:22:13.000Z',
  accountId: '123456789012',
  region: 'eu-west-1',
  repositoryName: 'team-a/web',
  imageDigest: `sha256:${'1'.repeat(64)}`,
  imageTags: [],
  pushedAt: '2026-10-27T00:00:00.000Z',
  rulePriority: 1,
  ruleDescription: null,
  defaultRule: false,
  action: 'expire',
  ...over,
});

const event = (over: Partial<LedgerEvent> = {}): LedgerEvent => ({
  eventId: 'e1',
  at: '2026-11-04T03:22:13.000Z',
  accountId: '123456789012',
  region: 'eu-west-1',
  repositoryName: 'team-a/web',
  actions: [action()],
  failures: [],
  ...over,
});

describe('ledger', () => {
  describe('ledgerEventKey', () => {
    it('puts a record under its repository (name encoded), by time then event id', () => {
      expect(ledgerEventKey(event())).toBe('ledger/v1/eu-west-1/team-a%2Fweb/2026-11-04T032213Z_e1.json');
    });

    it('gives a redelivered event the same key', () => {
      expect(ledgerEventKey(event())).toBe(ledgerEventKey(event({ actions: [] })));
    });

    it('sorts a record of an event at or after `since` after the start key, and an older one before it', () => {
      const since = Date.parse('2026-11-04T03:22:13Z');
      const start = ledgerStartAfter('eu-west-1', 'team-a/web', since);
      expect(ledgerEventKey(event()) > start).toBe(true);
      expect(ledgerEventKey(event({ at: '2026-11-04T03:22:11.000Z' })) < start).toBe(true);
    });
  });

  describe('encodeLedgerEvent / decodeLedgerEvent', () => {
    it('reads back what it wrote', () => {
      const e = event({ failures: [{ ...action(), action: null, failureCode: 'X', failureReason: 'y' }] });
      expect(decodeLedgerEvent(encodeLedgerEvent(e))).toEqual(e);
    });

    it('writes control and bidirectional characters as escapes and reads back the same event', () => {
      const e = event({
        repositoryName: HOSTILE,
        actions: [action({ repositoryName: HOSTILE, imageTags: [HOSTILE], ruleDescription: HOSTILE })],
      });

      const text = encodeLedgerEvent(e);

      expectEscapedJson(text, { format: 'ecr-janitor-ledger/1', ...e });
      expect(decodeLedgerEvent(text)).toEqual(e);
    });

    it.each(['not json', '{"format":"other"}', JSON.stringify({ ...event(), format: 'ecr-janitor-ledger/1', actions: [{}] })])(
      'refuses %s whole',
      (text) => expect(decodeLedgerEvent(text)).toBeUndefined(),
    );
  });

  describe('distinctActions', () => {
    it('counts a redelivered event, or the same image in two events, once (the earliest)', () => {
      const first = event();
      const again = event();
      const later = event({
        eventId: 'e2',
        at: '2026-11-05T00:00:00.000Z',
        actions: [action({ eventId: 'e2', at: '2026-11-05T00:00:00.000Z' })],
      });
      const actions = distinctActions([later, first, again]);
      expect(actions).toEqual([action()]);
    });

    it('keeps an expiry and a transition of the same image apart, and orders by time', () => {
      const t = action({ action: 'transition', at: '2026-11-01T00:00:00.000Z' });
      expect(distinctActions([event(), event({ actions: [t] })]).map((a) => a.action)).toEqual(['transition', 'expire']);
    });
  });

  describe('distinctFailures', () => {
    it('keeps the latest of the same failure', () => {
      const f = { ...action(), action: 'expire' as const, failureCode: 'ImageReferencedByManifestList', failureReason: 'r' };
      const later = { ...f, at: '2026-11-05T00:00:00.000Z' };
      expect(distinctFailures([event({ failures: [f] }), event({ failures: [later] })])).toEqual([later]);
    });
  });

  describe('ledgerByRepository / eventsBetween', () => {
    it('groups by region and name, and keeps the events in [from, to)', () => {
      const a = event();
      const b = event({ repositoryName: 'other', at: '2026-11-10T00:00:00.000Z' });
      expect([...ledgerByRepository([a, b]).keys()]).toEqual(['eu-west-1/team-a/web', 'eu-west-1/other']);
      expect(eventsBetween([a, b], Date.parse('2026-11-04T03:22:13Z'), Date.parse('2026-11-10T00:00:00Z'))).toEqual([a]);
    });
  });
});
