import fc from 'fast-check';
import type { LifecycleRule } from '../../../../src/domain/policy';
import { holdsTeamRules, isLostTeamWrite, janitorWriteOf, mergeDefaultRule, parsePolicyOrThrow } from '../../../../src/domain/policy';
import { keepNewestTagged, policyText, TAGGED_ONLY, UNTAGGED_30_DAYS } from '../../support/policies';

const READ_AT = Date.parse('2026-06-01T12:00:00.250Z');
const TEAM = policyText(keepNewestTagged(1, 'prod', 50), keepNewestTagged(2, 'dev', 3));

/** The text the janitor writes into `text`, merged from a read at `readAt`. */
const janitorWrite = (text: string | undefined, readAt = READ_AT, days = 7): string =>
  mergeDefaultRule(text, days, { basedOnReadAt: readAt }).text;

/** Object keys sorted at every level, as Terraform's jsonencode writes them. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

describe('janitor-write', () => {
  describe('janitorWriteOf', () => {
    it.each([
      { name: 'no policy', base: undefined, days: 7 },
      { name: 'a tagged-only policy', base: TAGGED_ONLY, days: 7 },
      { name: 'a team policy', base: TEAM, days: 30 },
    ])('recognises the janitor write into $name and reads its read time back', ({ base, days }) => {
      // Arrange
      const text = janitorWrite(base, READ_AT, days);

      // Act
      const write = janitorWriteOf(text);

      // Assert
      expect(write).toEqual({ days, basedOnReadAt: READ_AT });
    });

    it.each([
      { name: 'no policy', text: undefined },
      { name: 'a plan (no read time)', text: mergeDefaultRule(TEAM, 7).text },
      { name: 'a team policy', text: UNTAGGED_30_DAYS },
      { name: 'the write pretty-printed', text: JSON.stringify(JSON.parse(janitorWrite(TEAM)), null, 2) },
      {
        name: "the write re-serialised with sorted keys (Terraform's jsonencode)",
        text: JSON.stringify(sortedKeys(JSON.parse(janitorWrite(TEAM)))),
      },
      { name: 'the write with its rule edited', text: janitorWrite(TEAM).replace('"countNumber":7', '"countNumber":8') },
      { name: 'a read time that does not exist', text: janitorWrite(TEAM).replace('2026-06-01T12:00:00.250Z', '2026-02-31T12:00:00.250Z') },
      { name: 'not JSON', text: 'not a policy' },
    ])('does not take $name for a janitor write', ({ text }) => {
      // Act
      const write = janitorWriteOf(text);

      // Assert
      expect(write).toBeUndefined();
    });
  });

  describe('isLostTeamWrite', () => {
    it("flags a janitor write merged from a read before the team's call that lacks the team's rules", () => {
      // Arrange: the janitor read TAGGED_ONLY, the team put TEAM two seconds later, the janitor wrote its merge.
      const stored = janitorWrite(TAGGED_ONLY);

      // Act
      const lost = isLostTeamWrite(stored, TEAM, Date.parse('2026-06-01T12:00:02Z'));

      // Assert
      expect(lost).toBe(true);
    });

    it("flags a team's call in the same second as the janitor's read: CloudTrail's time has whole seconds", () => {
      // Arrange: read at 12:00:00.250, the team's call at 12:00:00.600 is logged as 12:00:00.
      const stored = janitorWrite(TAGGED_ONLY);

      // Act
      const lost = isLostTeamWrite(stored, TEAM, Date.parse('2026-06-01T12:00:00Z'));

      // Assert
      expect(lost).toBe(true);
    });

    it.each([
      { name: 'the janitor merged into the team text', stored: janitorWrite(TEAM), team: TEAM, at: '2026-06-01T12:00:02Z' },
      { name: "the janitor read after the team's call", stored: janitorWrite(TAGGED_ONLY), team: TEAM, at: '2026-06-01T11:59:59Z' },
      { name: 'the stored policy is not a janitor write', stored: TAGGED_ONLY, team: TEAM, at: '2026-06-01T12:00:02Z' },
      { name: 'the team text is not a valid policy', stored: janitorWrite(TAGGED_ONLY), team: '{"rules":[]}', at: '2026-06-01T12:00:02Z' },
      {
        name: 'the janitor merged into the team text, renumbering it',
        stored: janitorWrite(
          policyText({ ...keepNewestTagged(1, 'prod', 5) }, {
            rulePriority: 2,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 100 },
            action: { type: 'expire' },
          } as LifecycleRule),
        ),
        team: policyText({ ...keepNewestTagged(1, 'prod', 5) }, {
          rulePriority: 2,
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 100 },
          action: { type: 'expire' },
        } as LifecycleRule),
        at: '2026-06-01T12:00:02Z',
      },
    ])('does not flag a write when $name', ({ stored, team, at }) => {
      // Act
      const lost = isLostTeamWrite(stored, team, Date.parse(at));

      // Assert
      expect(lost).toBe(false);
    });

    it('flags a janitor write that brought back rules the team had deleted', () => {
      // Arrange: the janitor read TEAM, the team deleted the policy, the janitor wrote TEAM + its rule.
      const stored = janitorWrite(TEAM);

      // Act
      const lost = isLostTeamWrite(stored, undefined, Date.parse('2026-06-01T12:00:01Z'));

      // Assert
      expect(lost).toBe(true);
    });

    it('does not flag the default policy alone after a team deleted its policy', () => {
      // Act
      const lost = isLostTeamWrite(janitorWrite(undefined), undefined, Date.parse('2026-06-01T12:00:01Z'));

      // Assert
      expect(lost).toBe(false);
    });
  });

  describe('holdsTeamRules', () => {
    const team = policyText(keepNewestTagged(1, 'prod', 50), keepNewestTagged(2, 'dev', 5));

    it.each([
      ['the team text itself', team, true],
      ["the team text with the janitor's rule merged in", mergeDefaultRule(team, 7, { basedOnReadAt: 0 }).text, true],
      ['another team text', TAGGED_ONLY, false],
      ["the janitor's merge of an older text", mergeDefaultRule(TAGGED_ONLY, 7, { basedOnReadAt: 0 }).text, false],
      ['no policy at all', undefined, false],
    ])('is %s → %s', (_case, stored, expected) => {
      expect(holdsTeamRules(stored, team)).toBe(expected);
    });

    it("takes a deleted policy as held by no policy, or by the janitor's rule alone", () => {
      expect(holdsTeamRules(undefined, undefined)).toBe(true);
      expect(holdsTeamRules(mergeDefaultRule(undefined, 7).text, undefined)).toBe(true);
      expect(holdsTeamRules(TAGGED_ONLY, undefined)).toBe(false);
    });
  });

  describe('two writers racing (property)', () => {
    /** A team policy: one to three tagged rules (distinct prefixes), sometimes with its own untagged rule. */
    const teamPolicy = fc
      .record({
        prefixes: fc.uniqueArray(fc.constantFrom('prod', 'dev', 'v', 'rc', 'nightly', 'release'), { minLength: 1, maxLength: 3 }),
        keep: fc.integer({ min: 1, max: 30 }),
        untaggedDays: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
      })
      .map(({ prefixes, keep, untaggedDays }) => {
        const rules: LifecycleRule[] = prefixes.map((p, i) => keepNewestTagged(i + 1, p, keep + i));
        if (untaggedDays !== undefined) {
          rules.push({
            rulePriority: rules.length + 1,
            selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: untaggedDays },
            action: { type: 'expire' },
          });
        }
        return policyText(...rules);
      });

    /** A team call: its text (undefined = DeleteLifecyclePolicy), in whole seconds after the previous step. */
    const teamCall = fc.record({
      kind: fc.constant('team' as const),
      text: fc.option(teamPolicy, { nil: undefined }),
      gapSeconds: fc.integer({ min: 1, max: 5 }),
    });
    /**
     * A janitor remediation, sometimes with a team call in its read-to-write window. (At most one: two
     * team calls in one window of a few tens of milliseconds, one of them already expiring untagged
     * images, can be put back in the wrong order — the README states this limit.)
     */
    const janitorRun = fc.record({
      kind: fc.constant('janitor' as const),
      inWindow: fc.array(teamCall, { maxLength: 1 }),
      gapSeconds: fc.integer({ min: 1, max: 5 }),
    });

    /** A team call as its CloudTrail event tells it: the text, and the call's time in whole seconds. */
    interface TeamWrite {
      text: string | undefined;
      at: number;
    }
    type Step =
      | { kind: 'team'; text: string | undefined; gapSeconds: number }
      | { kind: 'janitor'; inWindow: Array<{ text: string | undefined; gapSeconds: number }>; gapSeconds: number };
    const eventTime = (ms: number): number => Math.floor(ms / 1000) * 1000;

    /**
     * Runs the steps against one stored policy (calls at least a second apart; two calls within one
     * second cannot be ordered from CloudTrail's times); returns every team call and the final text.
     */
    function run(steps: readonly Step[]) {
      let clock = READ_AT;
      let stored: string | undefined;
      const calls: TeamWrite[] = [];
      const team = (text: string | undefined, gapSeconds: number): void => {
        clock += gapSeconds * 1000;
        stored = text;
        calls.push({ text, at: eventTime(clock) });
      };
      for (const step of steps) {
        if (step.kind === 'team') {
          team(step.text, step.gapSeconds);
          continue;
        }
        clock += step.gapSeconds * 1000;
        const readAt = clock;
        const merged = mergeDefaultRule(stored, 7, { basedOnReadAt: readAt });
        for (const call of step.inWindow) team(call.text, call.gapSeconds);
        if (merged.changed) stored = merged.text;
      }
      return { calls, stored, clock };
    }

    /** The team rules of a text, without priorities or the janitor's rule. */
    const teamRules = (text: string | undefined): unknown[] =>
      text === undefined
        ? []
        : parsePolicyOrThrow(text)
            .rules.filter((r) => !r.description?.includes('added by ecr-janitor'))
            .sort((a, b) => a.rulePriority - b.rulePriority)
            .map(({ rulePriority: _p, ...rest }) => rest);

    it("ends with the team's last call whatever order the events are handled in", () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(teamCall, janitorRun), { minLength: 1, maxLength: 8 }),
          fc.infiniteStream(fc.nat()),
          (steps, order) => {
            // Arrange: the calls and writes as they landed; the events arrive later, in any order.
            const { calls, stored: afterRace } = run(steps);
            fc.pre(calls.length > 0);
            const queue = [...calls];
            const shuffled: TeamWrite[] = [];
            const picks = order[Symbol.iterator]();
            while (queue.length > 0) shuffled.push(queue.splice((picks.next().value as number) % queue.length, 1)[0] as TeamWrite);

            // Act: each event as onPolicyChanged handles it — a lost write is put back, stamped with the call's time.
            let stored = afterRace;
            for (const call of shuffled) {
              if (stored !== undefined && isLostTeamWrite(stored, call.text, call.at)) {
                stored = mergeDefaultRule(call.text, 7, { basedOnReadAt: call.at }).text;
              }
            }

            // Assert
            const last = calls[calls.length - 1] as TeamWrite;
            expect(teamRules(stored)).toEqual(teamRules(last.text));
          },
        ),
        { numRuns: 500 },
      );
    });

    it('never flags a team call that no janitor write replaced', () => {
      fc.assert(
        fc.property(fc.array(teamCall, { minLength: 1, maxLength: 4 }), teamPolicy, (calls, base) => {
          // Arrange: the janitor merged into what was stored after every call; nothing was lost.
          let clock = READ_AT;
          let stored: string | undefined = base;
          const made: TeamWrite[] = [];
          for (const call of calls) {
            clock += call.gapSeconds * 1000;
            made.push({ text: call.text, at: eventTime(clock) });
            clock += 1000;
            const merged = mergeDefaultRule(call.text, 7, { basedOnReadAt: clock });
            stored = merged.changed ? merged.text : call.text;
          }
          const last = made[made.length - 1] as TeamWrite;

          // Act
          const lost = isLostTeamWrite(stored, last.text, last.at);

          // Assert
          expect(lost).toBe(false);
        }),
      );
    });
  });
});
