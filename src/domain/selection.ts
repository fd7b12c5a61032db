import picomatch from 'picomatch';
import type { Tag } from './registry';

/** Which repositories the janitor may change. */
export interface Selection {
  /** A repository tagged `optOutTag` = `true` is audited but never changed. */
  optOutTag: string;
  /** Repository-name globs (`team-a/*`) the janitor never changes. */
  exclude: readonly string[];
}

/** True when the repository carries the opt-out tag with the value `true` (any case). */
export function isOptedOut(tags: readonly Tag[], optOutTag: string): boolean {
  return tags.some((t) => t.Key === optOutTag && t.Value.trim().toLowerCase() === 'true');
}

/**
 * Builds a matcher for exclude globs. `*` stops at `/`, `**` crosses it, as in shells.
 *
 * @example excludeMatcher(['team-a/*'])('team-a/web') === true
 */
export function excludeMatcher(globs: readonly string[]): (repositoryName: string) => boolean {
  if (globs.length === 0) return () => false;
  // Compiled once per list: remediation asks for every repository of a run.
  const key = JSON.stringify(globs);
  let matcher = compiled.get(key);
  if (!matcher) {
    matcher = picomatch([...globs], { dot: true });
    compiled.set(key, matcher);
  }
  return matcher;
}

const compiled = new Map<string, (repositoryName: string) => boolean>();
