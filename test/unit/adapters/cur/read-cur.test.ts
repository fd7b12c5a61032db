import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { CurFormatError, readCur } from '../../../../src/adapters/cur/read-cur';

const HEADER = [
  'identity_line_item_id',
  'bill_billing_period_start_date',
  'line_item_usage_account_id',
  'line_item_line_item_type',
  'line_item_product_code',
  'line_item_usage_type',
  'line_item_usage_start_date',
  'line_item_usage_amount',
  'line_item_resource_id',
  'pricing_unit',
  'product_region_code',
  'resource_tags',
];

/** Rows of a small export: us-east-1 storage (no prefix), eu-west-1 storage (prefixed, no region column), a transfer row, an S3 row, a credit. */
const ROWS: string[][] = [
  [
    'a',
    '2026-10-01T00:00:00Z',
    '111122223333',
    'Usage',
    'AmazonECR',
    'TimedStorage-ByteHrs',
    '2026-10-01T00:00:00Z',
    '12.5',
    'arn:aws:ecr:us-east-1:111122223333:repository/team-a/web',
    'GB-Mo',
    'us-east-1',
    '{}',
  ],
  [
    'b',
    '2026-10-01T00:00:00Z',
    '111122223333',
    'Usage',
    'AmazonECR',
    'EUW1-TimedStorage-ByteHrs',
    '2026-10-02T00:00:00Z',
    '7200',
    '',
    'GB-Hrs',
    '',
    '{}',
  ],
  [
    'c',
    '2026-10-01T00:00:00Z',
    '111122223333',
    'Usage',
    'AmazonECR',
    'EUW1-DataTransfer-Out-Bytes',
    '2026-10-02T00:00:00Z',
    '99',
    '',
    'GB',
    'eu-west-1',
    '{}',
  ],
  [
    'd',
    '2026-10-01T00:00:00Z',
    '111122223333',
    'Usage',
    'AmazonS3',
    'TimedStorage-ByteHrs',
    '2026-10-02T00:00:00Z',
    '99',
    '',
    'GB-Mo',
    'us-east-1',
    '{}',
  ],
  [
    'e',
    '2026-10-01T00:00:00Z',
    '111122223333',
    'Credit',
    'AmazonECR',
    'TimedStorage-ByteHrs',
    '2026-10-02T00:00:00Z',
    '1',
    '',
    'GB-Mo',
    'us-east-1',
    '{}',
  ],
];

const csv = (header: string[], rows: string[][]): Buffer => Buffer.from([header, ...rows].map((r) => r.join(',')).join('\n'));

const EXPECTED = [
  { accountId: '111122223333', region: 'us-east-1', month: '2026-10', gbMonths: 12.5, repositoryName: 'team-a/web' },
  { accountId: '111122223333', region: 'eu-west-1', month: '2026-10', gbMonths: 7200 / 744 },
];

describe('read-cur', () => {
  describe('readCur', () => {
    it('keeps only ECR standard storage from a CSV extract, in GB-months, with the region from the column or the usage type prefix', async () => {
      const reading = await readCur(csv(HEADER, ROWS), 'cur.csv');
      expect(reading.rows).toBe(5);
      expect(reading.storage).toEqual(EXPECTED);
    });

    it('reads gzip-compressed CSV the same', async () => {
      expect((await readCur(gzipSync(csv(HEADER, ROWS)), 'cur.csv.gz')).storage).toEqual(EXPECTED);
    });

    it('reads Parquet (snappy-compressed, timestamps as dates) the same', async () => {
      const column = (name: string, i: number) => ({
        name,
        data: ROWS.map((r) =>
          name.endsWith('_date') ? new Date(r[i] as string) : name === 'line_item_usage_amount' ? Number(r[i]) : (r[i] as string),
        ),
        ...(name.endsWith('_date')
          ? { type: 'TIMESTAMP' as const }
          : name === 'line_item_usage_amount'
            ? { type: 'DOUBLE' as const }
            : { type: 'STRING' as const }),
      });
      const buffer = parquetWriteBuffer({ columnData: HEADER.map(column), codec: 'SNAPPY' });
      expect((await readCur(new Uint8Array(buffer), 'cur.parquet')).storage).toEqual(EXPECTED);
    });

    it.each([
      ['a legacy CUR', ['lineItem/UsageType', 'lineItem/ProductCode'], /legacy Cost and Usage Report.*export CUR 2.0/],
      ['a column that is not CUR 2.0', [...HEADER, 'my_notes'], /my_notes is not a CUR 2.0 column/],
      ['a missing column', HEADER.filter((c) => c !== 'pricing_unit'), /lacks the CUR 2.0 column pricing_unit/],
    ])('refuses %s with a CurFormatError naming it', async (_what, header, message) => {
      const read = readCur(csv(header, []), 'x.csv');
      await expect(read).rejects.toThrow(CurFormatError);
      await expect(readCur(csv(header, []), 'x.csv')).rejects.toThrow(message);
    });

    it('refuses an empty file, a pricing unit it cannot convert, an unknown region code and a broken Parquet file', async () => {
      await expect(readCur(Buffer.from(''), 'e.csv')).rejects.toThrow(/e\.csv is empty/);
      const badUnit = ROWS.slice(0, 1).map((r) => r.map((v, i) => (i === 9 ? 'Requests' : v)));
      await expect(readCur(csv(HEADER, badUnit), 'u.csv')).rejects.toThrow(/u\.csv, row 1: pricing_unit "Requests"/);
      const badRegion = [ROWS[1]?.map((v, i) => (i === 5 ? 'XXX9-TimedStorage-ByteHrs' : v)) ?? []];
      await expect(readCur(csv(HEADER, badRegion), 'r.csv')).rejects.toThrow(/region code XXX9/);
      await expect(readCur(Buffer.from('PAR1garbage'), 'p.parquet')).rejects.toThrow(/p\.parquet is not a Parquet file/);
    });
  });
});
