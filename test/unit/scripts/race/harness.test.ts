import { judgeLedger, percentile } from '../../../../scripts/race/harness';
import type { LandedWrite } from '../../../../scripts/race/ledger';
import { mergeDefaultRule } from '../../../../src/domain/policy';
import { keepNewestTagged, policyText } from '../../support/policies';

const team = (n: number): LandedWrite => ({ by: 'team', text: policyText(keepNewestTagged(1, `v${n}`, n)), at: n });
/** The janitor's merge of team version `n` (it holds that version's rules). */
const merged = (n: number): LandedWrite => ({ by: 'run', text: mergeDefaultRule(team(n).text, 7, { basedOnReadAt: 0 }).text, at: n });
/** A restore of team version `n` by the repair. */
const restored = (n: number): LandedWrite => ({ ...merged(n), by: 'repair' });

describe('race harness', () => {
  describe('judgeLedger', () => {
    it('counts no overwrite when every janitor write merged the team write before it', () => {
      expect(judgeLedger([team(1), merged(1), team(2), merged(2)])).toEqual({ overwrites: 0, repaired: 0, superseded: 0 });
    });

    it('counts an overwrite, and its repair, when a janitor write from an older read replaced a team write and a restore put it back', () => {
      expect(judgeLedger([team(1), team(2), merged(1), restored(2)])).toEqual({ overwrites: 1, repaired: 1, superseded: 0 });
    });

    it("counts an overwrite as superseded when the team's next write comes before any repair", () => {
      expect(judgeLedger([team(1), team(2), merged(1), team(3), merged(3)])).toEqual({ overwrites: 1, repaired: 0, superseded: 1 });
    });

    it('counts an overwrite of a janitor merge that held the team write (a late write landing over it)', () => {
      expect(judgeLedger([team(2), merged(2), merged(1)])).toEqual({ overwrites: 1, repaired: 0, superseded: 0 });
    });
  });

  describe('percentile', () => {
    it.each([
      [50, 5],
      [99, 10],
      [100, 10],
      [1, 1],
    ])('the %ith percentile of 1..10 is %i (nearest rank)', (p, expected) => {
      expect(percentile([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], p)).toBe(expected);
    });

    it('is 0 for no values', () => {
      expect(percentile([], 99)).toBe(0);
    });
  });
});
