// Reads a Cost and Usage Report 2.0 extract (AWS Data Exports): CSV, gzip-compressed CSV or Parquet,
// and keeps ECR's standard storage lines. Columns: docs/truth.md ("The bill").
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { BilledStorage } from '../../domain/bill';
import { STORAGE_USAGE_TYPE_SUFFIX, regionOfUsageType, toGbMonths } from '../../domain/bill';
import { InvalidInputError } from '../../domain/errors';

/** A file that is not a CUR 2.0 extract reconcile can read (the CLI exits 2 on it). */
export class CurFormatError extends InvalidInputError {
  override readonly name: string = 'CurFormatError';
}

/** The columns reconcile needs. */
export const REQUIRED_COLUMNS = [
  'line_item_product_code',
  'line_item_usage_type',
  'line_item_usage_amount',
  'line_item_usage_account_id',
  'line_item_usage_start_date',
  'pricing_unit',
] as const;

/**
 * CUR 2.0 column families (the data dictionary's groups); map columns (`product`, `discount`,
 * `resource_tags`, `cost_category`) are single columns. A column outside them is not CUR 2.0.
 */
const CUR2_COLUMN =
  /^(identity_|bill_|line_item_|pricing_|reservation_|savings_plan_|split_line_item_|cost_analytics_|capacity_reservation_|product(_|$)|discount(_|$)|resource_tags(_|$)|cost_category(_|$))/;

/** What reading one extract found. */
export interface CurReading {
  /** ECR standard storage lines. */
  storage: BilledStorage[];
  /** Rows read, and rows kept as ECR storage. */
  rows: number;
}

type Row = Record<string, unknown>;

function checkColumns(columns: readonly string[], source: string): void {
  if (columns.some((c) => c.includes('/')))
    throw new CurFormatError(
      `${source} is a legacy Cost and Usage Report (columns such as ${columns.find((c) => c.includes('/'))}); export CUR 2.0 with AWS Data Exports`,
    );
  const unknown = columns.filter((c) => !CUR2_COLUMN.test(c));
  if (unknown.length > 0)
    throw new CurFormatError(
      `${source}: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} ${unknown.length === 1 ? 'is not a' : 'are not'} CUR 2.0 column${unknown.length === 1 ? '' : 's'}; give a CUR 2.0 extract (AWS Data Exports)`,
    );
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0)
    throw new CurFormatError(
      `${source} lacks the CUR 2.0 column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}; include ${missing.length === 1 ? 'it' : 'them'} in the export`,
    );
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

function monthOf(value: unknown, source: string, row: number): string {
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'bigint'
        ? Number(value)
        : Date.parse(
            text(value)
              .replace(' ', 'T')
              .replace(/(T\d\d:\d\d(:\d\d(\.\d+)?)?)$/, '$1Z'),
          );
  if (!Number.isFinite(ms))
    throw new CurFormatError(`${source}, row ${row}: line_item_usage_start_date ${JSON.stringify(text(value))} is not a time`);
  return new Date(ms).toISOString().slice(0, 7);
}

/** The repository a resource id names: the name in a repository ARN, or the id itself. */
function repositoryOf(resourceId: string): string | undefined {
  if (resourceId === '') return undefined;
  const arn = /^arn:aws[a-z-]*:ecr:[^:]*:\d{12}:repository\/(.+)$/.exec(resourceId);
  return arn?.[1] ?? resourceId;
}

/** ECR standard storage lines of `rows`, in GB-months. */
function storageOf(rows: readonly Row[], source: string): BilledStorage[] {
  const out: BilledStorage[] = [];
  rows.forEach((row, i) => {
    if (text(row.line_item_product_code) !== 'AmazonECR') return;
    const usageType = text(row.line_item_usage_type);
    if (!usageType.endsWith(STORAGE_USAGE_TYPE_SUFFIX)) return;
    const type = text(row.line_item_line_item_type);
    // Credits, refunds and taxes are money, not usage.
    if (type !== '' && type !== 'Usage' && type !== 'DiscountedUsage') return;
    const amount = Number(text(row.line_item_usage_amount));
    if (!Number.isFinite(amount))
      throw new CurFormatError(
        `${source}, row ${i + 1}: line_item_usage_amount ${JSON.stringify(text(row.line_item_usage_amount))} is not a number`,
      );
    const month = monthOf(row.line_item_usage_start_date, source, i + 1);
    const regionCode = text(row.product_region_code);
    let gbMonths: number;
    let region: string;
    try {
      gbMonths = toGbMonths(amount, text(row.pricing_unit), month);
      region = regionCode !== '' ? regionCode : regionOfUsageType(usageType);
    } catch (error) {
      throw new CurFormatError(`${source}, row ${i + 1}: ${(error as Error).message}`, { cause: error });
    }
    const repositoryName = repositoryOf(text(row.line_item_resource_id));
    out.push({
      accountId: text(row.line_item_usage_account_id),
      region,
      month,
      gbMonths,
      ...(repositoryName === undefined ? {} : { repositoryName }),
    });
  });
  return out;
}

const PARQUET_MAGIC = 'PAR1';

/**
 * Reads one extract's bytes: Parquet (by its magic), gzip (by its magic, then CSV) or CSV.
 *
 * @throws CurFormatError naming the file when it is not a CUR 2.0 extract: a legacy CUR, a column that is
 * not CUR 2.0's, a required column missing, a row that cannot be read, a pricing unit that is not a storage unit
 */
export async function readCur(bytes: Uint8Array, source: string): Promise<CurReading> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.subarray(0, 4).toString('latin1') === PARQUET_MAGIC) {
    const file = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
    let rows: Row[];
    let columns: string[];
    try {
      const metadata = parquetMetadata(file);
      columns = parquetSchema(metadata).children.map((c) => c.element.name);
      checkColumns(columns, source);
      rows = (await parquetReadObjects({
        file,
        metadata,
        compressors,
        columns: columns.filter((c) => c.startsWith('line_item_') || c.startsWith('pricing_') || c === 'product_region_code'),
      })) as Row[];
    } catch (error) {
      if (error instanceof CurFormatError) throw error;
      throw new CurFormatError(`${source} is not a Parquet file that can be read (${(error as Error).message})`, { cause: error });
    }
    return { storage: storageOf(rows, source), rows: rows.length };
  }
  let csvText: string;
  if (buffer[0] === 0x1f && buffer[1] === 0x8b) {
    try {
      csvText = gunzipSync(buffer).toString('utf8');
    } catch (error) {
      throw new CurFormatError(`${source} is not a gzip file that can be read (${(error as Error).message})`, { cause: error });
    }
  } else csvText = buffer.toString('utf8');
  let records: string[][];
  try {
    records = parse(csvText, { bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (error) {
    throw new CurFormatError(`${source} is not a CSV file that can be read (${(error as Error).message})`, { cause: error });
  }
  const [header, ...body] = records;
  if (header === undefined) throw new CurFormatError(`${source} is empty: a CUR 2.0 extract starts with its header row`);
  checkColumns(header, source);
  const rows = body.map((values) => Object.fromEntries(header.map((column, i) => [column, values[i]])));
  return { storage: storageOf(rows, source), rows: rows.length };
}
