/** A team's lifecycle policy call, as its CloudTrail event tells it. */
export interface TeamWrite {
  /** The CloudTrail event's id: the same call delivered twice has the same id. */
  eventId: string;
  eventName: 'PutLifecyclePolicy' | 'DeleteLifecyclePolicy';
  /** When the call was made (the event's `eventTime`, whole seconds), epoch ms. */
  calledAt: number;
  /** The text the team put (`PutLifecyclePolicy` only). */
  policyText?: string;
}

/** The newest team write known for a repository. */
export interface NewestTeamWrite {
  write: TeamWrite;
  /**
   * Two different calls were recorded with this same `calledAt` (CloudTrail times have whole
   * seconds), so which of them is the newer cannot be told: neither is restored.
   */
  ambiguous: boolean;
}

/**
 * What the repair of lost team writes (`onPolicyChanged`) keeps between events, per repository:
 * the newest team write it has seen, and a lease that serialises restores. Every update is
 * conditional, so concurrent invocations never step back the newest write nor hold the lease at once.
 */
export interface RepairStore {
  /**
   * Records `write` as the repository's newest team write unless a newer one (or the same event) is
   * recorded already, and returns the newest after that. A different call with the same time makes
   * the newest `ambiguous`.
   */
  recordTeamWrite(repository: string, write: TeamWrite): Promise<NewestTeamWrite>;
  /** The repository's newest recorded team write, or undefined when none was recorded. */
  newestTeamWrite(repository: string): Promise<NewestTeamWrite | undefined>;
  /**
   * Takes the repository's repair lease for `holder` until `now + ttlMs` (epoch ms) when it is free,
   * expired, or `holder`'s already; false when another holder's lease runs.
   */
  acquireLease(repository: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  /** Gives the lease back, when `holder` still has it. */
  releaseLease(repository: string, holder: string): Promise<void>;
}

/**
 * The key a repository's repair record is kept under: account, region and name.
 *
 * @example repairKey({ accountId: '111122223333', region: 'eu-west-1', repositoryName: 'app' }) // '111122223333/eu-west-1/app'
 */
export function repairKey(ref: { accountId: string; region: string; repositoryName: string }): string {
  return `${ref.accountId}/${ref.region}/${ref.repositoryName}`;
}
