// Placeholder entry point of the weekly run's Shard step: it fixes the deployed handler and the shapes
// the state machine (serverless.yml, WeeklyStateMachine) passes, so the stack can be packaged and
// tested. The Shard step itself replaces this file.
import type { WeeklyItem } from '../domain/weekly';

/** One Distributed Map batch: the ItemBatcher puts the items under `Items` and `BatchInput` beside them. */
export interface WeeklyShardEvent {
  Items: WeeklyItem[];
  BatchInput: { runId: string };
}

/** A shard's output: small, since the ResultWriter keeps every child's output. */
export interface WeeklyShardOutput {
  /** The shard's result object, `runs/<runId>/shards/<hash>.json`. */
  key: string;
  repositories: number;
  errors: number;
}

/** Shard: audits and remediates one batch of repositories. */
export function handler(event: WeeklyShardEvent): Promise<WeeklyShardOutput> {
  return Promise.reject(new Error(`weeklyShard: this deployment has no Shard step yet (run ${event.BatchInput.runId})`));
}
