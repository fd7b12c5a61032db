import { InvalidInputError } from './errors';
import { GIB } from './report';

// The bill: ECR storage as AWS billed it (a Cost and Usage Report 2.0 extract) against what the
// janitor measured (the stored bytes of its weekly history), per account, region and month. See
// docs/truth.md for the columns read and why.

/** The usage type of ECR's standard storage ends with this; a region prefix comes before it (none for us-east-1). */
export const STORAGE_USAGE_TYPE_SUFFIX = 'TimedStorage-ByteHrs';

/**
 * The region codes AWS puts before a usage type (`EUW1-TimedStorage-ByteHrs`), by code. us-east-1's
 * usage types carry none (some services write `USE1-`); eu-west-1's older services write `EU-`.
 */
export const USAGE_TYPE_REGION_PREFIXES: Readonly<Record<string, string>> = {
  USE1: 'us-east-1',
  USE2: 'us-east-2',
  USW1: 'us-west-1',
  USW2: 'us-west-2',
  UGW1: 'us-gov-west-1',
  UGE1: 'us-gov-east-1',
  CAN1: 'ca-central-1',
  CAN2: 'ca-west-1',
  MXC1: 'mx-central-1',
  SAE1: 'sa-east-1',
  EU: 'eu-west-1',
  EUW1: 'eu-west-1',
  EUW2: 'eu-west-2',
  EUW3: 'eu-west-3',
  EUC1: 'eu-central-1',
  EUC2: 'eu-central-2',
  EUN1: 'eu-north-1',
  EUS1: 'eu-south-1',
  EUS2: 'eu-south-2',
  AFS1: 'af-south-1',
  MES1: 'me-south-1',
  MEC1: 'me-central-1',
  ILC1: 'il-central-1',
  APE1: 'ap-east-1',
  APE2: 'ap-east-2',
  APN1: 'ap-northeast-1',
  APN2: 'ap-northeast-2',
  APN3: 'ap-northeast-3',
  APS1: 'ap-southeast-1',
  APS2: 'ap-southeast-2',
  APS3: 'ap-south-1',
  APS4: 'ap-southeast-3',
  APS5: 'ap-south-2',
  APS6: 'ap-southeast-4',
  APS7: 'ap-southeast-5',
  APS9: 'ap-southeast-7',
  CNN1: 'cn-north-1',
  CNW1: 'cn-northwest-1',
};

/**
 * The region of a storage usage type, by its prefix: none is us-east-1.
 *
 * @throws InvalidInputError naming the usage type when its prefix is not a region code the janitor knows
 * @example regionOfUsageType('EUW1-TimedStorage-ByteHrs') // 'eu-west-1'
 */
export function regionOfUsageType(usageType: string): string {
  const prefix = usageType.slice(0, Math.max(0, usageType.length - STORAGE_USAGE_TYPE_SUFFIX.length)).replace(/-$/, '');
  if (prefix === '') return 'us-east-1';
  const region = USAGE_TYPE_REGION_PREFIXES[prefix];
  if (region === undefined)
    throw new InvalidInputError(
      `usage type ${usageType}: region code ${prefix} is not one the janitor knows; export product_region_code with the CUR so the region is read from it`,
    );
  return region;
}

/** Hours in the UTC month `YYYY-MM`. */
export function hoursInMonth(month: string): number {
  const start = Date.parse(`${month}-01T00:00:00Z`);
  const next = new Date(start);
  next.setUTCMonth(next.getUTCMonth() + 1);
  return (next.getTime() - start) / 3_600_000;
}

/**
 * A storage usage amount in GB-months (GB of 2^30 bytes), read in the row's `pricing_unit`:
 * GB-months as they are, GB-hours and byte-hours over the month's hours.
 *
 * @throws InvalidInputError naming the unit when it is none of those
 * @example toGbMonths(720, 'GB-Hrs', '2026-11') // 1
 */
export function toGbMonths(amount: number, pricingUnit: string, month: string): number {
  const unit = pricingUnit.trim().toLowerCase().replace(/[\s_]/g, '');
  if (['gb-mo', 'gb-month', 'gb-months', 'gbmonth', 'gb-mos'].includes(unit)) return amount;
  if (['gb-hrs', 'gb-hr', 'gb-hours', 'gb-hour', 'gbhours'].includes(unit)) return amount / hoursInMonth(month);
  if (['byte-hrs', 'bytehrs', 'byte-hours', 'bytes-hours'].includes(unit)) return amount / GIB / hoursInMonth(month);
  throw new InvalidInputError(`pricing_unit "${pricingUnit}" is not a storage unit the janitor can convert (GB-Mo, GB-Hrs or Byte-Hrs)`);
}

/** One billed storage line of the CUR, as reconcile keeps it. */
export interface BilledStorage {
  accountId: string;
  region: string;
  /** `YYYY-MM` of the usage's start (UTC). */
  month: string;
  gbMonths: number;
  /** The repository, when the export includes resource ids (the repository ARN or name). */
  repositoryName?: string;
}

/** The stored bytes of one registry (account and region) at one time: a point of the weekly history. */
export interface StoredSample {
  accountId: string;
  region: string;
  /** Epoch ms. */
  at: number;
  /** The bytes the bill should match (registry-wide unique bytes where blob mounting is on). */
  bytes: number;
  repositoryName?: string;
}

/** A sample before the first or after the last of a series still counts this far (one weekly step and a day). */
export const SAMPLE_REACH_MS = 8 * 86_400_000;

/**
 * The time-weighted mean of `samples` over `[from, to)`: linear between neighbouring samples, held
 * flat up to {@link SAMPLE_REACH_MS} beyond the first and the last. Undefined when the samples do not
 * cover the whole period (the mean of part of a month is not the month's).
 *
 * @example meanOver([{ at: t0, bytes: 10 }, { at: t1, bytes: 20 }], t0, t1) // 15
 */
export function meanOver(samples: ReadonlyArray<Pick<StoredSample, 'at' | 'bytes'>>, from: number, to: number): number | undefined {
  const points = [...samples].sort((a, b) => a.at - b.at);
  const first = points[0];
  const last = points.at(-1);
  if (first === undefined || last === undefined || first.at - SAMPLE_REACH_MS > from || last.at + SAMPLE_REACH_MS < to) return undefined;
  let area = 0;
  // The value at t: flat before the first and after the last sample, linear in between.
  const segments: Array<[number, number, number, number]> = [[-Infinity, first.bytes, first.at, first.bytes]];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as StoredSample;
    const b = points[i] as StoredSample;
    segments.push([a.at, a.bytes, b.at, b.bytes]);
  }
  segments.push([last.at, last.bytes, Infinity, last.bytes]);
  for (const [t0, v0, t1, v1] of segments) {
    const lo = Math.max(t0, from);
    const hi = Math.min(t1, to);
    if (hi <= lo) continue;
    const at = (t: number): number =>
      Number.isFinite(t0) && Number.isFinite(t1) && t1 > t0 ? v0 + ((v1 - v0) * (t - t0)) / (t1 - t0) : v0;
    area += ((at(lo) + at(hi)) / 2) * (hi - lo);
  }
  return area / (to - from);
}

/** How close the measured figure is to the bill. */
export type ReconcileVerdict = 'within-2%' | 'within-10%' | 'off';

/** One compared month of one registry (or one repository). */
export interface ReconcileRow {
  accountId: string;
  region: string;
  month: string;
  repositoryName?: string;
  billedGbMonths: number;
  measuredGbMonths: number;
  /** (measured − billed) / billed × 100, rounded to two decimals. */
  differencePercent: number;
  verdict: ReconcileVerdict;
}

/** A billed month the history cannot measure (no samples, or not the whole month). */
export interface UnmeasuredRow {
  accountId: string;
  region: string;
  month: string;
  repositoryName?: string;
  billedGbMonths: number;
  reason: string;
}

/** What reconcile found. */
export interface Reconciliation {
  rows: ReconcileRow[];
  unmeasured: UnmeasuredRow[];
}

/** The verdict of a difference in percent. */
export function verdictOf(differencePercent: number): ReconcileVerdict {
  const d = Math.abs(differencePercent);
  if (d <= 2) return 'within-2%';
  if (d <= 10) return 'within-10%';
  return 'off';
}

const round = (n: number, places: number): number => Math.round(n * 10 ** places) / 10 ** places;

/**
 * Compares billed GB-months with measured ones per account, region and month (and per repository
 * for billed lines that name one): measured GB-months are the time-weighted mean of the stored bytes
 * over the month, in GB of 2^30 bytes.
 *
 * @example reconcile(billed, samples).rows.filter((r) => r.verdict === 'off')
 */
export function reconcile(billed: readonly BilledStorage[], samples: readonly StoredSample[]): Reconciliation {
  const key = (x: { accountId: string; region: string; repositoryName?: string | undefined }) =>
    JSON.stringify([x.accountId, x.region, x.repositoryName ?? null]);
  const billedBy = new Map<string, BilledStorage>();
  for (const line of billed) {
    const k = JSON.stringify([key(line), line.month]);
    const sum = billedBy.get(k);
    if (sum === undefined) billedBy.set(k, { ...line });
    else sum.gbMonths += line.gbMonths;
  }
  const seriesOf = new Map<string, StoredSample[]>();
  for (const sample of samples) {
    const list = seriesOf.get(key(sample));
    if (list === undefined) seriesOf.set(key(sample), [sample]);
    else list.push(sample);
  }
  const rows: ReconcileRow[] = [];
  const unmeasured: UnmeasuredRow[] = [];
  for (const line of billedBy.values()) {
    const from = Date.parse(`${line.month}-01T00:00:00Z`);
    const to = from + hoursInMonth(line.month) * 3_600_000;
    const series = seriesOf.get(key(line)) ?? [];
    const mean = meanOver(series, from, to);
    const place = {
      accountId: line.accountId,
      region: line.region,
      month: line.month,
      ...(line.repositoryName === undefined ? {} : { repositoryName: line.repositoryName }),
    };
    if (mean === undefined) {
      unmeasured.push({
        ...place,
        billedGbMonths: round(line.gbMonths, 6),
        reason:
          series.length === 0
            ? 'the history has no stored bytes for it'
            : `the history's ${series.length} sample${series.length === 1 ? '' : 's'} do not cover the whole month`,
      });
      continue;
    }
    const measured = mean / GIB;
    const differencePercent =
      line.gbMonths === 0 ? (measured === 0 ? 0 : 100) : round(((measured - line.gbMonths) / line.gbMonths) * 100, 2);
    rows.push({
      ...place,
      billedGbMonths: round(line.gbMonths, 6),
      measuredGbMonths: round(measured, 6),
      differencePercent,
      verdict: verdictOf(differencePercent),
    });
  }
  const order = (a: { accountId: string; region: string; month: string; repositoryName?: string }, b: typeof a) =>
    a.accountId.localeCompare(b.accountId) ||
    a.region.localeCompare(b.region) ||
    a.month.localeCompare(b.month) ||
    (a.repositoryName ?? '').localeCompare(b.repositoryName ?? '');
  return { rows: rows.sort(order), unmeasured: unmeasured.sort(order) };
}
