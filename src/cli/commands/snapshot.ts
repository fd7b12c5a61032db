import { Command } from 'commander';
import { CallCounter } from '../../adapters/aws/call-counter';
import { captureSnapshot } from '../../use-cases/snapshot';
import type { CliContext } from '../context';
import { EXIT } from '../errors';
import { addInUseFlags, addSourceFlags, type InUseFlags, type SourceChoices, type SourceFlags } from '../flags';
import { checkOutputFile, snapshotFileOutput } from '../output';
import { errorLine, partialFailureLine, warningLine } from '../problems';
import { progressOf } from '../progress';
import { inUseSourcesOf, openSources } from '../sources';

/** A snapshot is captured from live registries only. */
const SOURCES: SourceChoices = { snapshot: false };

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
      const sources = await openSources(opts, SOURCES, { counter, env: ctx.env });
      const inUse = await inUseSourcesOf(opts, { counter });
      const progress = progressOf(ctx, opts);
      const outcome = await captureSnapshot(
        sources.registries.map((s) => s.reader),
        snapshotFileOutput(opts.out),
        {
          concurrency: opts.concurrency,
          now: () => ctx.now(),
          ...(inUse === undefined ? {} : { inUse: inUse.sources }),
          onProgress: progress.update,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        },
      );
      progress.done();
      if (!outcome.written) {
        ctx.err(`interrupted: no snapshot written (${outcome.notReached.length} repositories or regions were not read)`);
        return;
      }
      const { registries } = outcome.snapshot;
      const repositories = registries.reduce((n, r) => n + r.repositories.length, 0);
      const images = registries.reduce((n, r) => n + r.repositories.reduce((m, repo) => m + repo.images.length, 0), 0);
      ctx.err(`wrote ${opts.out}: ${repositories} repositories, ${images} images, ${counter.snapshot().calls.total ?? 0} API calls`);
      const errors = [...outcome.snapshot.errors, ...outcome.inUseErrors];
      for (const e of errors) ctx.err(errorLine(e));
      for (const w of outcome.inUseWarnings) ctx.err(warningLine(w));
      const partial = partialFailureLine(errors, 'read', `${opts.out} (an audit of it exits 3 and lists them)`);
      if (partial !== undefined) {
        ctx.err(partial);
        ctx.exitCode = EXIT.partial;
      }
    });
  return command;
}
