// `ledger`: what ECR's lifecycle policies did, from CloudTrail's event history, for accounts that have
// not deployed the stack (whose ledger function records the same events). See docs/truth.md.
import { Command } from 'commander';
import { CallCounter } from '../../adapters/aws/call-counter';
import { createCloudTrailClient, policyExecutionRecords } from '../../adapters/aws/cloudtrail-ledger';
import { readPolicyExecutionEvent } from '../../adapters/events/policy-execution';
import type { CliContext } from '../context';
import { EXIT, UsageError } from '../errors';
import { parseEndpoint, parseNow, parseRegions } from '../flags';
import { checkOutputFile, outputError, writeFilesAtomically } from '../output';
import { safeJson } from '../../domain/text';

/** Flags of `ledger`. */
interface LedgerCommandFlags {
  region: string;
  since?: number;
  endpoint?: string;
  out: string;
}

/** `ledger`: every PolicyExecutionEvent of CloudTrail's event history, as JSON lines. */
export function ledgerCommand(ctx: CliContext): Command {
  return new Command('ledger')
    .description("what ECR's lifecycle policies did, from CloudTrail's event history (90 days): one PolicyExecutionEvent a line")
    .requiredOption('--region <regions>', 'comma-separated AWS regions to read')
    .option('--since <iso-8601>', 'only events from this time on (default: all CloudTrail keeps)', parseNow)
    .option('--endpoint <url>', 'CloudTrail endpoint URL (http or https), e.g. a local emulator', parseEndpoint)
    .requiredOption('--out <file>', 'write the events to FILE, one CloudTrail record a line (replaced whole, never half-written)')
    .action(async (opts: LedgerCommandFlags) => {
      const regions = parseRegions(opts.region);
      if (regions.length === 0) throw new UsageError('--region: name at least one region, e.g. eu-west-1');
      await checkOutputFile(opts.out, '--out');
      const counter = new CallCounter();
      const lines: string[] = [];
      let failed = 0;
      for (const region of regions) {
        const client = createCloudTrailClient({ region, counter, ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }) });
        let events = 0;
        let actions = 0;
        try {
          for await (const record of policyExecutionRecords(client, opts.since === undefined ? {} : { since: new Date(opts.since) })) {
            let doc: unknown;
            try {
              doc = JSON.parse(record);
            } catch {
              ctx.err(`${region}: skipped a CloudTrail event that is not JSON`);
              continue;
            }
            const reading = readPolicyExecutionEvent(doc);
            if (!reading.ok) {
              ctx.err(`${region}: skipped an event: ${reading.reason}`);
              continue;
            }
            events++;
            actions += reading.event.actions.length;
            // One line each: the escapes hold no line break, and a line parses back to the event.
            lines.push(safeJson(doc));
          }
          ctx.err(
            `${region}: ${events} PolicyExecutionEvent${events === 1 ? '' : 's'}, ${actions} image action${actions === 1 ? '' : 's'}`,
          );
        } catch (error) {
          failed++;
          ctx.err(
            `${region}: CloudTrail's event history could not be read (${(error as Error).name}: ${(error as Error).message}); the other regions go on`,
          );
        } finally {
          client.destroy();
        }
      }
      try {
        await writeFilesAtomically([{ path: opts.out, content: lines.map((l) => `${l}\n`).join('') }]);
      } catch (error) {
        throw outputError(opts.out, error);
      }
      const { calls, retries } = counter.snapshot();
      const retried = retries.LookupEvents ?? 0;
      ctx.err(
        `wrote ${opts.out}: ${lines.length} event${lines.length === 1 ? '' : 's'} (${calls.LookupEvents ?? 0} LookupEvents calls${retried > 0 ? `, ${retried} ${retried === 1 ? 'retry' : 'retries'}` : ''})`,
      );
      if (failed > 0) ctx.exitCode = EXIT.partial;
    });
}
