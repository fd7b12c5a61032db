// Placeholder entry point of the weekly run's Plan step: it fixes the deployed handler and the shapes
// the state machine (serverless.yml, WeeklyStateMachine) passes, so the stack can be packaged and
// tested. The Plan step itself replaces this file.

/** Plan's input: the execution's name is the run's id. */
export interface WeeklyPlanEvent {
  runId: string;
}

/** Plan's output, which the state machine keeps as the state the map and Aggregate read. */
export interface WeeklyPlanOutput {
  runId: string;
  /** The report bucket, where `itemsKey` is. */
  bucket: string;
  /** `runs/<runId>/items.json`: the JSON array the Distributed Map's ItemReader reads. */
  itemsKey: string;
  itemCount: number;
}

/** Plan: lists every configured region's repositories into runs/<runId>/items.json. */
export function handler(event: WeeklyPlanEvent): Promise<WeeklyPlanOutput> {
  return Promise.reject(new Error(`weeklyPlan: this deployment has no Plan step yet (run ${event.runId})`));
}
