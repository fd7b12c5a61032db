// Placeholder entry point of the weekly run's Aggregate step: it fixes the deployed handler and the
// shapes the state machine (serverless.yml, WeeklyStateMachine) passes, so the stack can be packaged
// and tested. The Aggregate step itself replaces this file.

/** Aggregate's input: Plan's output, with the map's ResultWriter answer or the map's error. */
export interface WeeklyAggregateEvent {
  runId: string;
  bucket: string;
  itemsKey: string;
  itemCount: number;
  /** What a Distributed Map with a ResultWriter returns: where the manifest of the children's results is. */
  map?: { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
  /** The map's error when it failed (more shards failed than tolerated): their repositories are reported as errors. */
  mapError?: { Error: string; Cause: string };
}

/** Aggregate: builds the one report from the shards' results. */
export function handler(event: WeeklyAggregateEvent): Promise<Record<string, unknown>> {
  return Promise.reject(new Error(`weeklyAggregate: this deployment has no Aggregate step yet (run ${event.runId})`));
}
