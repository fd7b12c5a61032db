// The consolidator's default schedule, derived from the members' weekly schedule so that the two stay
// in step when `--param=schedule=…` moves the weekly run.

/** Hours the consolidator waits after the members' weekly run starts, by default. */
export const CONSOLIDATE_AFTER_HOURS = 4;

/**
 * The same days as `expression`, `hours` later: `cron(M H ? * DAYS *)` with a single hour H whose
 * shift stays within the day. Anything else (a rate, an hour list, a shift past midnight) has no safe
 * answer: the error asks for the schedule to be given.
 *
 * @example scheduleAfter('cron(0 6 ? * MON *)', 4) // 'cron(0 10 ? * MON *)'
 * @throws Error naming the expression and `--consolidate-schedule`
 */
export function scheduleAfter(expression: string, hours: number): string {
  const fields = /^cron\((\S+) (\d{1,2}) (\S+ \S+ \S+ \S+)\)$/.exec(expression.trim());
  const hour = Number(fields?.[2]);
  if (fields === null || !Number.isInteger(hour) || hour + hours > 23) {
    throw new Error(
      `cannot place the organization report ${hours} hours after the weekly schedule ${expression}: ` +
        'give its schedule with --consolidate-schedule "cron(…)" (the members\' run must have finished by then)',
    );
  }
  return `cron(${fields[1]} ${hour + hours} ${fields[3]})`;
}
