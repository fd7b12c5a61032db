import type { ScanProgress } from '../use-cases/audit';
import type { CliContext } from './context';
import { DEFAULT_PROGRESS_INTERVAL_SECONDS } from '../domain/defaults';

/** Options of {@link progressReporter}. */
export interface ProgressOptions {
  /**
   * Milliseconds between status lines (`done/total`) when stderr is not a terminal; 0 prints none.
   * @default 5000
   */
  intervalMs?: number;
  /** The clock the interval is measured with (tests pass their own). @default Date.now */
  now?: () => number;
  /** Where the terminal's progress bar is drawn. @default process.stderr */
  stderr?: Pick<NodeJS.WriteStream, 'write'>;
}

/** Receives a scan's progress and ends it; see {@link progressReporter}. */
export interface ProgressReporter {
  /**
   * Says at once what the run starts with (e.g. reading what is in use, then listing), before any
   * region has reported; until one does, a `still …` line every interval says how long it has been
   * waiting, so that a run against a slow or silent endpoint is not silent.
   */
  begin(what: string): void;
  /** Records one region's progress (and prints what the mode prints for it). */
  update(progress: ScanProgress): void;
  /** Ends the progress output: finishes the bar's line, stops the status lines. */
  done(): void;
}

/**
 * The progress reporter of a command that reads registries, at the interval its `--progress-interval` asks for.
 *
 * @example const progress = progressOf(ctx, opts);
 */
export function progressOf(ctx: CliContext, flags: { progressInterval: number }): ProgressReporter {
  return progressReporter(ctx, { intervalMs: flags.progressInterval * 1000 });
}

/**
 * Progress on stderr. On a terminal: a redrawn bar. Otherwise (CI logs): one line when a region
 * starts, fails to list or ends, and a `done/total` status line every `intervalMs` while work is
 * under way, so that a long run is never silent; the status lines come from a timer as well as
 * from updates, so they continue while one slow repository holds everything up.
 *
 * @example const progress = progressReporter(ctx, { intervalMs: 10_000 }); await audit(readers, { …, onProgress: progress.update }); progress.done();
 */
export function progressReporter(ctx: CliContext, options: ProgressOptions = {}): ProgressReporter {
  const intervalMs = options.intervalMs ?? DEFAULT_PROGRESS_INTERVAL_SECONDS * 1000;
  const now = options.now ?? Date.now;
  const stderr = options.stderr ?? process.stderr;
  const regions = new Map<string, ScanProgress>();
  let drawn = false;
  let lastLine = now();
  let timer: NodeJS.Timeout | undefined;

  const counts = (): { done: number; total: number; failed: number } => {
    let done = 0;
    let total = 0;
    let failed = 0;
    for (const r of regions.values()) {
      done += r.done;
      total += r.total;
      if (r.listingError !== undefined) failed++;
    }
    return { done, total, failed };
  };
  const regionsText = (failed: number): string =>
    `${regions.size} region${regions.size === 1 ? '' : 's'}${failed > 0 ? `, ${failed} failed` : ''}`;

  const status = (): void => {
    if (intervalMs <= 0 || now() - lastLine < intervalMs) return;
    const { done, total, failed } = counts();
    if (done >= total) return;
    ctx.err(`progress: ${done}/${total} repositories (${Math.floor((done / total) * 100)}%), ${regionsText(failed)}`);
    lastLine = now();
  };
  const say = (line: string): void => {
    ctx.err(line);
    lastLine = now();
  };

  let waiting: { what: string; since: number } | undefined;
  const still = (): void => {
    if (waiting === undefined || now() - lastLine < intervalMs) return;
    say(`progress: still ${waiting.what} (${Math.round((now() - waiting.since) / 1000)} s)`);
  };
  const begin = (what: string): void => {
    waiting = { what, since: now() };
    // First on its own line, on a terminal too: the bar comes with the first region.
    say(`${what}…`);
    if (timer === undefined && intervalMs > 0) {
      timer = setInterval(() => (waiting === undefined ? status() : still()), intervalMs);
      timer.unref();
    }
  };

  const update = (p: ScanProgress): void => {
    waiting = undefined;
    const previous = regions.get(p.region);
    regions.set(p.region, p);
    if (ctx.interactive) {
      const { done, total, failed } = counts();
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} repositories (${regionsText(failed)})`);
      drawn = true;
      return;
    }
    if (timer === undefined && intervalMs > 0) {
      timer = setInterval(() => (waiting === undefined ? status() : still()), intervalMs);
      timer.unref();
    }
    if (!previous) {
      if (p.listingError !== undefined) {
        say(`${p.region}: ${p.listingError.message} (${p.listingError.code})`);
      } else {
        say(`${p.region}: ${p.total} repositor${p.total === 1 ? 'y' : 'ies'} to read`);
      }
    } else if (p.done === p.total && previous.done !== p.total) {
      say(`${p.region}: done`);
    } else {
      status();
    }
  };
  const done = (): void => {
    waiting = undefined;
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    if (drawn) stderr.write('\n');
    drawn = false;
  };
  return { begin, update, done };
}
