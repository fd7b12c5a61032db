import { MemoryObjectStore } from '../../../src/adapters/memory/memory-store';
import type { LedgerEvent } from '../../../src/domain/ledger';
import { ledgerEventKey } from '../../../src/domain/ledger';
import { readRepositoryLedger, recordLedgerEvent } from '../../../src/use-cases/ledger-store';

const HOUR = 3_600_000;
const FROM = Date.parse('2026-03-01T00:00:00.000Z');
const TO = FROM + 7 * 24 * HOUR;

/** An evaluation of `repositoryName` at `at` that expired one image (none with `acted: false`). */
function event(repositoryName: string, at: number, eventId: string, acted = true): LedgerEvent {
  const base = { eventId, at: new Date(at).toISOString(), accountId: '111122223333', region: 'eu-west-1', repositoryName };
  return {
    ...base,
    actions: acted
      ? [
          {
            ...base,
            imageDigest: `sha256:${'a'.repeat(64)}`,
            imageTags: [],
            pushedAt: null,
            rulePriority: 1,
            ruleDescription: null,
            defaultRule: false,
            action: 'expire',
          },
        ]
      : [],
    failures: [],
  };
}

describe('use-cases/ledger-store', () => {
  describe('recordLedgerEvent', () => {
    it('writes an event once under its key however often it comes, and skips an evaluation that did nothing', async () => {
      const store = new MemoryObjectStore();
      const e = event('team/app', FROM + HOUR, 'id-1');

      expect(await recordLedgerEvent(store, e)).toBe('recorded');
      expect(await recordLedgerEvent(store, e)).toBe('recorded');
      expect(await recordLedgerEvent(store, event('team/app', FROM + 2 * HOUR, 'id-2', false))).toBe('nothing-acted');

      expect([...store.objects.keys()]).toEqual([ledgerEventKey(e)]);
      expect(store.objects.get(ledgerEventKey(e))?.contentType).toBe('application/json');
    });
  });

  describe('readRepositoryLedger', () => {
    it('reads the events of the period only, of that repository only, listing from the period on', async () => {
      const store = new MemoryObjectStore();
      const inside = [event('team/app', FROM, 'at-start'), event('team/app', TO - 1, 'just-before-end')];
      const outside = [
        event('team/app', FROM - 1, 'just-before'),
        event('team/app', TO, 'at-end'),
        event('team/app/x', FROM + HOUR, 'nested'),
      ];
      for (const e of [...inside, ...outside]) await recordLedgerEvent(store, e);

      const { events, unreadable } = await readRepositoryLedger(store, 'eu-west-1', 'team/app', { from: FROM, to: TO });

      expect(events.map((e) => e.eventId).sort()).toEqual(['at-start', 'just-before-end']);
      expect(unreadable).toEqual([]);
      // Records of the second before the period are listed past, never read.
      expect(store.counts.get).toBe(3);
    });

    it('names a record that is not a ledger record, or another repository’s, and leaves it out', async () => {
      const store = new MemoryObjectStore();
      const good = event('app', FROM + HOUR, 'good');
      await recordLedgerEvent(store, good);
      const bad = ledgerEventKey({ ...good, eventId: 'bad' });
      const moved = ledgerEventKey({ ...good, eventId: 'moved' });
      await store.put(bad, 'not json', 'application/json');
      await store.put(
        moved,
        JSON.stringify({ format: 'ecr-janitor-ledger/1', ...event('other', FROM + HOUR, 'moved') }),
        'application/json',
      );

      const { events, unreadable } = await readRepositoryLedger(store, 'eu-west-1', 'app', { from: FROM, to: TO });

      expect(events.map((e) => e.eventId)).toEqual(['good']);
      expect(unreadable.sort()).toEqual([bad, moved].sort());
    });
  });
});
