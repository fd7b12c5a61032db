import { Command, Option } from 'commander';
import { CallCounter } from '../../adapters/aws/call-counter';
import { notReachedSentence } from '../../adapters/render';
import { ADVICE_FORMATS, renderAdvice, type AdviceFormat } from '../../adapters/render/advice';
import {
  DEFAULT_KEEP_PULLED_DAYS,
  DEFAULT_LINT_MAX_UNTAGGED_DAYS,
  DEFAULT_ROLLBACK_MARGIN,
  MAX_KEEP_PULLED_DAYS,
  MAX_ROLLBACK_MARGIN,
} from '../../domain/defaults';
import { advise } from '../../use-cases/advise';
import type { CliContext } from '../context';
import { EXIT } from '../errors';
import {
  addCostFlags,
  addDaysFlag,
  addJudgeFlags,
  checkArchivePrice,
  collect,
  parseCountNumber,
  parseIntInRange,
  parseNow,
  type CostFlags,
  type JudgeFlags,
  type SourceChoices,
} from '../flags';
import { partialFailureLine } from '../problems';
import { progressOf } from '../progress';
import { judgedAt, openSources, readInUse } from '../sources';

/** Advice reads live registries or a snapshot, as audit does. */
const SOURCES: SourceChoices = { snapshot: true };

/** Flags of `advise`. */
type AdviseFlags = JudgeFlags &
  CostFlags & {
    days: number;
    maxUntaggedDays: number;
    now?: number;
    keepPulledDays: number;
    rollbackMargin: number;
    repository: string[];
    format: AdviceFormat;
  };

/** `advise`: a lifecycle policy per repository from how its tags are pushed and pulled, proven safe, with its saving. */
export function adviseCommand(ctx: CliContext): Command {
  const command = new Command('advise')
    .description(
      'recommend a lifecycle policy per repository from how its tags are pushed and pulled, proven safe by the engine, with what it saves beyond the current policy',
    )
    .addHelpText(
      'after',
      '\nAdvise changes nothing. Adopt the advice with "ecr-janitor remediate --adopt FILE" (FILE from --format json),\n' +
        'or with Terraform (--format terraform). Reading manifests refreshes pull times as audit does.',
    );
  addJudgeFlags(command, SOURCES).option(
    '--repository <name>',
    'advise only this repository (repeatable; every region is searched)',
    collect,
    [],
  );
  addDaysFlag(command)
    .option(
      '--max-untagged-days <n>',
      'the advised untagged rule keeps untagged images at most this many days (the lint limit)',
      parseCountNumber,
      DEFAULT_LINT_MAX_UNTAGGED_DAYS,
    )
    .option(
      '--keep-pulled-days <n>',
      'never act on an image pulled within this many days',
      parseIntInRange(1, MAX_KEEP_PULLED_DAYS, 'ten years at most'),
      DEFAULT_KEEP_PULLED_DAYS,
    )
    .option(
      '--rollback-margin <n>',
      'releases kept beyond the oldest one pulled',
      parseIntInRange(0, MAX_ROLLBACK_MARGIN, 'a keep-last count beyond it keeps everything anyway'),
      DEFAULT_ROLLBACK_MARGIN,
    )
    .option('--now <iso-8601>', 'advise as of this time (default: now, or the capture time of --snapshot)', parseNow);
  addCostFlags(command)
    .addOption(
      new Option('--format <format>', 'output on stdout; json is the advice file remediate --adopt reads')
        .choices([...ADVICE_FORMATS])
        .default('table'),
    )
    .action(async (opts: AdviseFlags) => {
      checkArchivePrice(opts);
      const counter = new CallCounter();
      const sources = await openSources(opts, SOURCES, { counter, env: ctx.env });
      const regions = sources.registries.map((s) => s.reader.region);
      const inUse = await readInUse(opts, { ...(sources.snapshot ? { snapshot: sources.snapshot.inUse } : {}), counter, regions });
      const progress = progressOf(ctx, opts);
      const result = await advise(
        sources.registries.map((s) => s.reader),
        {
          // A snapshot is advised as it was when captured, as audit judges it.
          now: opts.now ?? judgedAt(sources, () => ctx.now()),
          generatedAt: ctx.now(),
          days: opts.days,
          lintMaxUntaggedDays: opts.maxUntaggedDays,
          pricePerGbMonth: opts.pricePerGbMonth,
          archiveAfterDays: opts.archiveAfterDays,
          archivePricePerGbMonth: opts.archivePricePerGbMonth ?? null,
          keepPulledDays: opts.keepPulledDays,
          rollbackMargin: opts.rollbackMargin,
          selection: { optOutTag: opts.optOutTag, exclude: opts.exclude },
          costAllocationTagKeys: opts.groupByTag,
          repositories: opts.repository,
          concurrency: opts.concurrency,
          onProgress: progress.update,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          ...(inUse === undefined
            ? {}
            : { inUse: { catalog: inUse.catalog, mode: opts.guard, horizonDays: opts.guardHorizonDays }, inUseErrors: inUse.errors }),
        },
      );
      progress.done();
      const ownerOf = (entry: { region: string; repositoryName: string }): string =>
        result.owners.get(`${entry.region}/${entry.repositoryName}`) ?? '';
      ctx.out(renderAdvice(result.file, opts.format, { ownerOf }).trimEnd());
      const partial = partialFailureLine(result.file.errors, 'advised', 'the advice');
      if (partial !== undefined) {
        ctx.err(partial);
        ctx.exitCode = EXIT.partial;
      }
      if (result.notReached.length > 0) {
        ctx.err(`the advice is incomplete: ${notReachedSentence({ notReached: result.notReached })}`);
        ctx.exitCode = EXIT.partial;
      }
    });
  return command;
}
