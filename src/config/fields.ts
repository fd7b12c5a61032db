// The grammar of the settings' values, shared by the configurations of the functions: empty means
// unset, lists are comma-separated, and timeouts and prices have one reading each.
import * as z from 'zod';
import { MAX_PRICE_PER_GB_MONTH, MAX_TIMEOUT_MS, MIN_TIMEOUT_MS } from '../domain/defaults';
import { readPricePerGbMonth } from '../domain/money';

/** An SNS topic ARN. */
export const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** The trimmed value, or undefined when unset or blank (a parameter left empty takes its default). */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The comma-separated values of `value`, trimmed, blanks left out; none when unset. */
export function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A timeout in whole milliseconds, from {@link MIN_TIMEOUT_MS} to {@link MAX_TIMEOUT_MS}. */
export const milliseconds = z
  .string()
  .regex(/^\d+$/, 'must be a whole number of milliseconds')
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(MIN_TIMEOUT_MS, `must be at least ${MIN_TIMEOUT_MS} (ms)`)
      .max(MAX_TIMEOUT_MS, `must be at most ${MAX_TIMEOUT_MS} (10 minutes)`),
  );

/**
 * A price in USD per GB-month by the one price grammar ({@link readPricePerGbMonth}); `example`
 * and `what` go into the message.
 */
export const price = (example: string, what: string) =>
  z.string().transform((text, ctx) => {
    const read = readPricePerGbMonth(text);
    if (read.ok) return read.usdPerGbMonth;
    ctx.addIssue({
      code: 'custom',
      message:
        read.problem === 'above-maximum'
          ? `must be at most ${MAX_PRICE_PER_GB_MONTH} (USD per GB-month; is it in the right unit?)`
          : `must be a price such as ${example} (${what}: a decimal number from 0 to ${MAX_PRICE_PER_GB_MONTH}, digits and one decimal point only)`,
    });
    return z.NEVER;
  });

/** Text read by `parse`; the message of what it throws is the setting's problem. */
export const parsedBy = <T>(parse: (text: string) => T) =>
  z.string().transform((text, ctx) => {
    try {
      return parse(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
