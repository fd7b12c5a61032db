import { MAX_PRICE_PER_GB_MONTH } from './defaults';

/** Inserts thousands separators into the integer part of a plain decimal string. */
export function groupThousands(text: string): string {
  const [whole = '', fraction] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/**
 * Formats an amount in US dollars with cents and thousands separators: the one rule every report,
 * event summary and e-mail follows. An amount that rounds to no cent but is not zero prints as
 * `<$0.01` (or `-<$0.01`), so that a small cost or saving never reads as none; zero prints `$0.00`.
 *
 * @example formatUsd(1234.5) // '$1,234.50'
 * @example formatUsd(0.0042) // '<$0.01'
 */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return String(usd);
  const cents = Math.abs(usd).toFixed(2);
  if (usd !== 0 && cents === '0.00') return usd > 0 ? '<$0.01' : '-<$0.01';
  const sign = usd < 0 ? '-' : '';
  return `${sign}$${groupThousands(cents)}`;
}

/**
 * Formats a change in US dollars with its sign, by the rule of {@link formatUsd}.
 *
 * @example formatUsdChange(1.5) // '+$1.50'
 * @example formatUsdChange(0) // '±$0.00'
 */
export function formatUsdChange(usd: number): string {
  if (usd === 0) return '±$0.00';
  return usd > 0 ? `+${formatUsd(usd)}` : formatUsd(usd);
}

/** Why a text is not a price; see {@link readPricePerGbMonth}. */
export type PriceProblem = 'not-a-decimal' | 'above-maximum';

/**
 * Reads a price in USD per GB-month, the one grammar of every price the janitor is given
 * (`--price-per-gb-month`, `--archive-price-per-gb-month`, the `pricePerGbMonth` and
 * `archivePricePerGbMonth` parameters): a plain decimal number, digits with at most one decimal point
 * (`0.10`, `2`, `.5`, `5.`), surrounding spaces ignored, from 0 to {@link MAX_PRICE_PER_GB_MONTH}.
 * Signs, exponents (`1e1`), hexadecimal (`0x10`), `Infinity` and the empty text are refused, since
 * `Number()` would read some of them as a different amount than the one written.
 *
 * @example readPricePerGbMonth('.5') // { ok: true, usdPerGbMonth: 0.5 }
 * @example readPricePerGbMonth('1e1') // { ok: false, problem: 'not-a-decimal' }
 */
export function readPricePerGbMonth(text: string): { ok: true; usdPerGbMonth: number } | { ok: false; problem: PriceProblem } {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(trimmed)) return { ok: false, problem: 'not-a-decimal' };
  const usdPerGbMonth = Number(trimmed);
  // Hundreds of digits read as Infinity: above any maximum.
  if (!(usdPerGbMonth <= MAX_PRICE_PER_GB_MONTH)) return { ok: false, problem: 'above-maximum' };
  return { ok: true, usdPerGbMonth };
}

/** Bytes in one GB as AWS bills storage (2^30). */
export const GIB = 2 ** 30;

/** Monthly cost in USD of `bytes` at `pricePerGbMonth`, rounded to the cent's hundredth. */
export function monthlyUsd(bytes: number, pricePerGbMonth: number): number {
  return Math.round((bytes / GIB) * pricePerGbMonth * 10_000) / 10_000;
}

/** An amount in USD rounded to the cent's hundredth, as every amount of the report is. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 10_000) / 10_000;
}
