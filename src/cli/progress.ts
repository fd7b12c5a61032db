import type { ScanProgress } from '../use-cases/audit';
import type { CliContext } from './context';

/**
 * Progress on stderr: a redrawn bar when stderr is a terminal, else one line per region when it
 * starts and ends (logs stay readable in CI).
 */
export function progressReporter(
  ctx: CliContext,
  stderr: NodeJS.WriteStream = process.stderr,
): { update: (p: ScanProgress) => void; done: () => void } {
  const regions = new Map<string, ScanProgress>();
  let drawn = false;
  const update = (p: ScanProgress): void => {
    const previous = regions.get(p.region);
    regions.set(p.region, p);
    if (ctx.interactive) {
      let done = 0;
      let total = 0;
      for (const r of regions.values()) {
        done += r.done;
        total += r.total;
      }
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} repositories (${regions.size} region${regions.size === 1 ? '' : 's'})`,
      );
      drawn = true;
    } else if (!previous) {
      ctx.err(`${p.region}: ${p.total} repositor${p.total === 1 ? 'y' : 'ies'} to read`);
    } else if (p.done === p.total && previous.done !== p.total) {
      ctx.err(`${p.region}: done`);
    }
  };
  const done = (): void => {
    if (drawn) stderr.write('\n');
  };
  return { update, done };
}
