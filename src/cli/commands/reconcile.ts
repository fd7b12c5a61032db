// `reconcile`: ECR storage as billed (a CUR 2.0 extract) against the bytes the janitor measured week
// by week. See docs/truth.md.
import { readFile } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { Command, Option } from 'commander';
import { S3ReportStore } from '../../adapters/aws/s3-report-store';
import { CurFormatError, readCur } from '../../adapters/cur/read-cur';
import { RECONCILE_FORMATS, renderReconciliation, type ReconcileFormat } from '../../adapters/render/reconcile';
import { reconcile, type BilledStorage } from '../../domain/bill';
import { InvalidInputError } from '../../domain/errors';
import { storedSamplesOf } from '../../domain/history';
import { parseHistory } from '../../domain/history-file';
import { HISTORY_KEY } from '../../use-cases/publish-report';
import { defaultRegion, type CliContext } from '../context';
import { UsageError } from '../errors';
import { collect } from '../flags';
import { readTextFile } from '../io';

/** Flags of `reconcile`. */
interface ReconcileFlags {
  cur: string[];
  history?: string;
  bucket?: string;
  format: ReconcileFormat;
}

/** `reconcile`: billed GB-months against the measured ones. */
export function reconcileCommand(ctx: CliContext): Command {
  /** The stored-bytes history reconcile measures with: a file, or the report bucket's. */
  async function readHistory(opts: Pick<ReconcileFlags, 'history' | 'bucket'>): Promise<string | undefined> {
    if (opts.history !== undefined) return readTextFile(opts.history, 'history');
    const region = defaultRegion(ctx.env);
    if (region === undefined) throw new UsageError("--bucket needs the bucket's region: set AWS_REGION");
    const client = new S3Client({ region });
    try {
      return await new S3ReportStore(client, opts.bucket as string, region).get(HISTORY_KEY);
    } finally {
      client.destroy();
    }
  }

  return new Command('reconcile')
    .description('compare ECR storage as billed (a CUR 2.0 extract) with the bytes the janitor measured, per account, region and month')
    .requiredOption('--cur <file>', 'a CUR 2.0 extract (CSV, CSV.gz or Parquet); repeat for several files', collect, [])
    .option('--history <file>', 'the weekly history file (history.json, as audit --history or the weekly run keeps it)')
    .option('--bucket <name>', "the report bucket: its reports/history.json (the bucket's region from AWS_REGION)")
    .addOption(new Option('--format <format>', 'output on stdout').choices([...RECONCILE_FORMATS]).default('table'))
    .action(async (opts: ReconcileFlags) => {
      if ((opts.history === undefined) === (opts.bucket === undefined))
        throw new UsageError('give the measured bytes with --history FILE or --bucket NAME (one of them)');
      const billed: BilledStorage[] = [];
      for (const file of opts.cur) {
        let bytes: Buffer;
        try {
          bytes = await readFile(file);
        } catch (error) {
          throw new UsageError(
            `--cur ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the path`,
            { cause: error },
          );
        }
        try {
          const reading = await readCur(bytes, file);
          billed.push(...reading.storage);
          ctx.err(`${file}: ${reading.rows} rows, ${reading.storage.length} ECR storage line${reading.storage.length === 1 ? '' : 's'}`);
        } catch (error) {
          // A file that is not a CUR 2.0 extract is a wrong argument: exit 2, as for a bad flag.
          if (error instanceof CurFormatError) throw new UsageError(`--cur ${error.message}`, { cause: error });
          throw error;
        }
      }
      const text = await readHistory(opts);
      if (text === undefined)
        throw new InvalidInputError(`no history in the bucket ${opts.bucket ?? ''} yet (${HISTORY_KEY}): the weekly run writes it`);
      const history = parseHistory(text);
      if (history.problem !== undefined) ctx.err(`history: ${history.problem}`);
      const result = reconcile(billed, storedSamplesOf(history.entries));
      ctx.out(renderReconciliation(result, opts.format).trimEnd());
    });
}
