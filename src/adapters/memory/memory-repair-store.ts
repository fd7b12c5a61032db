import type { NewestTeamWrite, RepairStore, TeamWrite } from '../../ports/repair-store';

/** One repository's record. */
interface Entry {
  newest?: NewestTeamWrite;
  lease?: { holder: string; until: number };
}

/**
 * The repair's store in memory, with the same conditional semantics as the DynamoDB table: for
 * tests, benchmarks and the race harness, where several handler invocations share one process.
 *
 * @example const store = new MemoryRepairStore(); await store.recordTeamWrite('111122223333/eu-west-1/app', write);
 */
export class MemoryRepairStore implements RepairStore {
  private readonly entries = new Map<string, Entry>();
  /** Leases granted, for tests that count them. */
  leasesGranted = 0;

  private entry(repository: string): Entry {
    let entry = this.entries.get(repository);
    if (entry === undefined) {
      entry = {};
      this.entries.set(repository, entry);
    }
    return entry;
  }

  async recordTeamWrite(repository: string, write: TeamWrite): Promise<NewestTeamWrite> {
    const entry = this.entry(repository);
    const known = entry.newest;
    if (known === undefined || known.write.calledAt < write.calledAt) entry.newest = { write: { ...write }, ambiguous: false };
    else if (known.write.calledAt === write.calledAt && known.write.eventId !== write.eventId) entry.newest = { ...known, ambiguous: true };
    return { ...(entry.newest as NewestTeamWrite) };
  }

  async newestTeamWrite(repository: string): Promise<NewestTeamWrite | undefined> {
    const newest = this.entries.get(repository)?.newest;
    return newest === undefined ? undefined : { ...newest };
  }

  async acquireLease(repository: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    const entry = this.entry(repository);
    if (entry.lease !== undefined && entry.lease.until >= now && entry.lease.holder !== holder) return false;
    entry.lease = { holder, until: now + ttlMs };
    this.leasesGranted++;
    return true;
  }

  async releaseLease(repository: string, holder: string): Promise<void> {
    const entry = this.entries.get(repository);
    if (entry?.lease?.holder === holder) delete entry.lease;
  }
}
