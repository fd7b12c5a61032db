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
