// The order in which writes landed on each repository, for the write-race harness: every write (the
// team's, the remediation run's, the repair's) goes through `write`, which serialises the writes of one
// repository, so the order recorded is the order in which the emulator applied them.

/** Who wrote. */
export type Writer = 'team' | 'run' | 'repair';

/** One landed write. */
export interface LandedWrite {
  by: Writer;
  /** The policy text written. */
  text: string;
  /** performance.now() when it landed. */
  at: number;
}

/** Every landed write per repository, in the order they landed. */
export class Ledger {
  readonly writes = new Map<string, LandedWrite[]>();
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `send` (one write of `text` to `repository`) alone among the writes of that repository, and
   * records it when it reports that it landed.
   */
  async write<T>(repository: string, by: Writer, text: string, send: () => Promise<{ landed: boolean; value: T }>): Promise<T> {
    const before = this.tails.get(repository) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.tails.set(
      repository,
      before.then(() => mine),
    );
    await before;
    try {
      const { landed, value } = await send();
      if (landed) {
        const list = this.writes.get(repository) ?? [];
        list.push({ by, text, at: performance.now() });
        this.writes.set(repository, list);
      }
      return value;
    } finally {
      release();
    }
  }
}
