// What a function builds once per container: its configuration and clients (read and made at cold
// start, reused by every later invocation). Tests that change the environment forget it all at once.

let generation = 0;

/**
 * A value built on first use and kept for the container's life (until {@link forgetContainer}). A
 * build that throws is tried again on the next call: a bad setting fails each invocation with its name.
 *
 * @example export const eventDependencies = oncePerContainer(() => buildEventDependencies(loadConfig(process.env)));
 */
export function oncePerContainer<T>(build: () => T): () => T {
  let kept: { generation: number; value: T } | undefined;
  return () => {
    if (kept?.generation !== generation) kept = { generation, value: build() };
    return kept.value;
  };
}

/**
 * A handler built on its first invocation, once per container: every function's entry is
 * `withPowertools(lazily(() => makeHandler(deps)))`, so its configuration is read and its clients made
 * at cold start, and a bad setting fails that invocation with its name.
 *
 * @example export const handler = withPowertools(lazily(() => makeHandler(shardDeps(loadWeeklyConfig(process.env)))));
 */
export function lazily<A extends unknown[], R>(build: () => (...args: A) => R): (...args: A) => R {
  const built = oncePerContainer(build);
  return (...args) => built()(...args);
}

/** Forgets everything built once per container (tests change the environment between cases). */
export function forgetContainer(): void {
  generation += 1;
}
