import { Command } from 'commander';
import { CallCounter } from '../../adapters/aws/call-counter';
import type { ReportError, ReportWarning } from '../../domain/report-problems';
import type { RegistrySnapshot, SnapshotWriter } from '../../ports/snapshot';
import { forEachAccount, organizationSnapshot } from '../../use-cases/accounts';
import type { ScanProgress } from '../../use-cases/audit';
import { captureSnapshot, type CaptureOutcome } from '../../use-cases/snapshot';
import type { CliContext } from '../context';
import { EXIT } from '../errors';
import { addInUseFlags, addSourceFlags, type InUseFlags, type SourceChoices, type SourceFlags } from '../flags';
import { checkOutputFile, snapshotFileOutput } from '../output';
import { errorLine, partialFailureLine, warningLine } from '../problems';
import { progressOf } from '../progress';
import { inUseSourcesOf, openAccountScope, openSources, type AccountSession } from '../sources';

/** A snapshot is captured from live registries only, of one account or several. */
const SOURCES: SourceChoices = { snapshot: false, accounts: true };

/** `snapshot`: capture registries into a file that `audit --snapshot` reads offline. */
export function snapshotCommand(ctx: CliContext): Command {
  const command = new Command('snapshot').description(
    'capture repositories, policies, tags, images and manifests into a file for offline audits',
  );
  addInUseFlags(addSourceFlags(command, SOURCES), { guard: false })
    .requiredOption('--out <file>', 'snapshot file to write')
    .action(async (opts: SourceFlags & InUseFlags & { out: string }) => {
      await checkOutputFile(opts.out, '--out');
      const counter = new CallCounter();
      const progress = progressOf(ctx, opts);
      const scope = await openAccountScope(opts, SOURCES, { counter, env: ctx.env });
      const output = snapshotFileOutput(opts.out);
      let captured: { snapshot: RegistrySnapshot; inUseErrors: ReportError[]; inUseWarnings: ReportWarning[] } | undefined;
      if (scope === undefined) {
        const sources = await openSources(opts, SOURCES, { counter, env: ctx.env });
        progress.begin(`reading ${sources.registries.map((s) => s.reader.region).join(', ')}: what is in use, then the repositories`);
        const outcome = await captureOne(opts, ctx, { sources, counter }, output, progress.update);
        progress.done();
        if (!outcome.written) return interrupted(ctx, outcome.notReached.length);
        captured = outcome;
      } else {
        // Each account captured apart, through its own role; the file is written once, with all of them, or not at all.
        const held: RegistrySnapshot[] = [];
        const inUseErrors: ReportError[] = [];
        const inUseWarnings: ReportWarning[] = [];
        const outcomes = await forEachAccount(
          scope.accounts,
          scope.opener,
          async (session, account) => {
            const outcome = await captureOne(opts, ctx, session, { write: (s) => Promise.resolve(void held.push(s)) }, (p) =>
              progress.update({ ...p, region: `${account.accountId} ${p.region}` }),
            );
            if (!outcome.written) throw new Error(`interrupted: ${outcome.notReached.length} repositories or regions were not read`);
            inUseErrors.push(...outcome.inUseErrors.map((e) => ({ accountId: account.accountId, ...e })));
            inUseWarnings.push(...outcome.inUseWarnings.map((w) => ({ accountId: account.accountId, ...w })));
            return outcome.snapshot;
          },
          { concurrency: scope.concurrency, ...(ctx.signal ? { signal: ctx.signal } : {}) },
        );
        progress.done();
        // A snapshot that silently lacks accounts would later audit as a smaller, cleaner organization.
        if (ctx.signal?.aborted) return interrupted(ctx, outcomes.filter((o) => o.result === undefined).length, 'accounts');
        const snapshot = organizationSnapshot(outcomes, { regions: scope.regions, capturedAt: ctx.now() });
        await output.write(snapshot);
        captured = { snapshot, inUseErrors, inUseWarnings };
      }
      const { registries } = captured.snapshot;
      const repositories = registries.reduce((n, r) => n + r.repositories.length, 0);
      const images = registries.reduce((n, r) => n + r.repositories.reduce((m, repo) => m + repo.images.length, 0), 0);
      const accounts = captured.snapshot.accounts === undefined ? '' : `${captured.snapshot.accounts.length} accounts, `;
      ctx.err(
        `wrote ${opts.out}: ${accounts}${repositories} repositories, ${images} images, ${counter.snapshot().calls.total ?? 0} API calls`,
      );
      const errors = [...captured.snapshot.errors, ...captured.inUseErrors];
      for (const e of errors) ctx.err(errorLine(e));
      for (const w of captured.inUseWarnings) ctx.err(warningLine(w));
      const partial = partialFailureLine(errors, 'read', `${opts.out} (an audit of it exits 3 and lists them)`);
      if (partial !== undefined) {
        ctx.err(partial);
        ctx.exitCode = EXIT.partial;
      }
    });
  return command;
}

/** Says that the capture was interrupted and nothing was written. */
function interrupted(ctx: CliContext, notRead: number, what = 'repositories or regions'): void {
  ctx.err(`interrupted: no snapshot written (${notRead} ${what} were not read)`);
}

/** The capture of one account's registries, with what is in use there, into `writer`. */
async function captureOne(
  opts: SourceFlags & InUseFlags,
  ctx: CliContext,
  session: AccountSession,
  writer: SnapshotWriter,
  onProgress: (progress: ScanProgress) => void,
): Promise<CaptureOutcome> {
  const { sources, counter, credentials } = session;
  const inUse = await inUseSourcesOf(opts, {
    counter,
    ...(credentials === undefined ? {} : { credentials }),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  return captureSnapshot(
    sources.registries.map((s) => s.reader),
    writer,
    {
      concurrency: opts.concurrency,
      now: () => ctx.now(),
      ...(inUse === undefined ? {} : { inUse: inUse.sources }),
      onProgress,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    },
  );
}
