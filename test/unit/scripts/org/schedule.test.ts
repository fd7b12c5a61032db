import { scheduleAfter } from '../../../../scripts/org/schedule';

describe('scheduleAfter', () => {
  describe('scheduleAfter', () => {
    it.each([
      ['cron(0 6 ? * MON *)', 4, 'cron(0 10 ? * MON *)'],
      ['cron(30 0 ? * SUN,WED *)', 23, 'cron(30 23 ? * SUN,WED *)'],
      ['cron(15 2 1 * ? *)', 6, 'cron(15 8 1 * ? *)'],
    ])('moves %s by %d hours to %s', (expression, hours, expected) => {
      expect(scheduleAfter(expression, hours)).toBe(expected);
    });

    it.each([['cron(0 22 ? * MON *)'], ['rate(7 days)'], ['cron(0 6,18 ? * MON *)']])(
      'asks for --consolidate-schedule when %s has no same-day answer',
      (expression) => {
        expect(() => scheduleAfter(expression, 4)).toThrow(`weekly schedule ${expression}: give its schedule with --consolidate-schedule`);
      },
    );
  });
});
