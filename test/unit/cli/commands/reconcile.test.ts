import { runCli } from '../../../../src/cli/program';
import { GIB } from '../../../../src/domain/report';
import { recordingContext, tempFilesEachTest } from '../../../support/cli-context';

const NOW = Date.parse('2026-11-09T06:00:00.000Z');

describe('cli reconcile', () => {
  const files = tempFilesEachTest('ecr-janitor-reconcile-');

  describe('against a CUR extract and a history file', () => {
    const header =
      'line_item_usage_account_id,line_item_product_code,line_item_usage_type,line_item_usage_start_date,line_item_usage_amount,pricing_unit,product_region_code';
    const history = {
      format: 'ecr-janitor-history/2',
      weeks: [0, 1, 2, 3, 4, 5].map((w) => {
        const date = new Date(Date.parse('2026-09-28T00:00:00Z') + w * 7 * 86_400_000).toISOString().slice(0, 10);
        return {
          date,
          generatedAt: `${date}T06:00:00.000Z`,
          repositories: 1,
          images: 1,
          untaggedImages: 0,
          storedBytes: 100 * GIB,
          reclaimableBytes: 0,
          monthlyCostUsd: 10,
          monthlySavingsUsd: 0,
          registries: [{ accountId: '111122223333', region: 'eu-west-1', storedBytes: 100 * GIB, billedBytes: 100 * GIB }],
        };
      }),
    };

    it('prints the comparison per account, region and month as JSON rows', async () => {
      const cur = files.write(
        'cur.csv',
        `${header}\n111122223333,AmazonECR,EUW1-TimedStorage-ByteHrs,2026-10-01T00:00:00Z,101,GB-Mo,\n111122223333,AmazonECR,EUW1-DataTransfer-Out-Bytes,2026-10-01T00:00:00Z,5,GB,\n`,
      );
      const ctx = recordingContext(NOW);
      const code = await runCli(['reconcile', '--cur', cur, '--history', files.write('history.json', history), '--format', 'json'], ctx);
      expect(code).toBe(0);
      expect(JSON.parse(ctx.stdout())).toEqual({
        rows: [
          {
            accountId: '111122223333',
            region: 'eu-west-1',
            month: '2026-10',
            billedGbMonths: 101,
            measuredGbMonths: 100,
            differencePercent: -0.99,
            verdict: 'within-2%',
          },
        ],
        unmeasured: [],
      });
    });

    it.each(['table', 'csv', 'markdown', 'html'])('prints the %s format', async (format) => {
      const cur = files.write('cur.csv', `${header}\n111122223333,AmazonECR,TimedStorage-ByteHrs,2026-10-01T00:00:00Z,1,GB-Mo,eu-west-1\n`);
      const ctx = recordingContext(NOW);
      expect(await runCli(['reconcile', '--cur', cur, '--history', files.write('h.json', history), '--format', format], ctx)).toBe(0);
      expect(ctx.stdout()).toMatch(/off/);
    });

    it('exits 2 with the column named when a file is not a CUR 2.0 extract', async () => {
      const ctx = recordingContext(NOW);
      const code = await runCli(
        ['reconcile', '--cur', files.write('x.csv', 'date,amount\n2026-10-01,3\n'), '--history', files.write('h.json', history)],
        ctx,
      );
      expect(code).toBe(2);
      expect(ctx.stderr()).toMatch(/date, amount are not CUR 2.0 columns/);
    });

    it('exits 2 without one source of measured bytes', async () => {
      const ctx = recordingContext(NOW);
      expect(await runCli(['reconcile', '--cur', files.write('x.csv', header)], ctx)).toBe(2);
      expect(ctx.stderr()).toMatch(/--history FILE or --bucket NAME/);
    });
  });
});
