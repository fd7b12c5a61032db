/** A point in time as ECR and its tools write it: a Date, epoch seconds, or an ISO-8601 string. */
export type Timestamp = Date | number | string;

const DIGIT_0 = 48;

function digits(s: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const d = s.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) return Number.NaN;
    value = value * 10 + d;
  }
  return value;
}

/**
 * Parses the common `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)` shape without `Date.parse`, which is
 * several times slower and dominates evaluation of large image lists. Returns NaN for other shapes.
 */
function parseIsoFast(s: string): number {
  if (s.length < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return Number.NaN;
  }
  const sep = s.charCodeAt(10);
  if (sep !== 84 && sep !== 116 && sep !== 32) return Number.NaN;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    i++;
    // ISO-8601 needs at least one digit after the decimal point.
    if (!(s.charCodeAt(i) >= DIGIT_0 && s.charCodeAt(i) <= DIGIT_0 + 9)) return Number.NaN;
    let scale = 100;
    while (i < s.length) {
      const d = s.charCodeAt(i) - DIGIT_0;
      if (d < 0 || d > 9) break;
      ms += d * scale;
      scale /= 10;
      i++;
    }
  }
  let offsetMinutes = 0;
  const zone = s.charCodeAt(i);
  if (zone === 90 || zone === 122) {
    i++;
  } else if (zone === 43 || zone === 45) {
    if (s.length - i === 6 && s.charCodeAt(i + 3) === 58) {
      offsetMinutes = digits(s, i + 1, 2) * 60 + digits(s, i + 4, 2);
    } else if (s.length - i === 5) {
      offsetMinutes = digits(s, i + 1, 2) * 60 + digits(s, i + 3, 2);
    } else {
      return Number.NaN;
    }
    if (zone === 43) offsetMinutes = -offsetMinutes;
    i = s.length;
  } else {
    return Number.NaN;
  }
  if (i !== s.length || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60) {
    return Number.NaN;
  }
  return (daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + Math.floor(ms) + offsetMinutes * 60_000;
}

/** Days in a month of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm); cheaper than Date.UTC. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * Converts a timestamp to epoch milliseconds; `undefined` and unparseable values give NaN.
 *
 * @example toEpochMs('2025-06-03T14:17:44Z') === 1748960264000
 * @example toEpochMs(1748960264) === 1748960264000 // numbers are epoch seconds, as the AWS CLI v1 prints them
 */
export function toEpochMs(value: Timestamp | null | undefined): number {
  if (value === undefined || value === null) return Number.NaN;
  // Rounded: seconds with three decimals times 1000 is not always a whole number in floating point.
  if (typeof value === 'number') return Math.round(value * 1000);
  if (value instanceof Date) return value.getTime();
  const fast = parseIsoFast(value);
  if (!Number.isNaN(fast)) return fast;
  // Only ISO-8601 is accepted: Date.parse would also take locale strings that mean different things in different places.
  const match = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([Zz]|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  if (!match) return Number.NaN;
  const [year, month, day] = (match[1] as string).split('-').map(Number) as [number, number, number];
  // Date.parse rolls 2026-02-31 over into March; a date that does not exist is not a time.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  // AWS writes UTC: a time without an offset is read as UTC, never as the machine's local time.
  return Date.parse(`${match[1]}T${match[2] ?? '00:00'}${match[3] ?? 'Z'}`);
}

/** Milliseconds in one day. */
export const DAY_MS = 86_400_000;
