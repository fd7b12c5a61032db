/**
 * What a Step Functions state machine starts that runs a container image: its Task states that run
 * an ECS task or submit an AWS Batch job, read from the Amazon States Language definition.
 */

/** What a Task state starts: an ECS task (its task definition) or a Batch job (its job definition). */
export type StartedKind = 'ecs' | 'batch';

/** One Task state that starts an ECS task or a Batch job. */
export type StartedByState =
  | {
      kind: StartedKind;
      /** The state's path in the definition: `Name`, or `Parallel/branch 2/Name`, `Map/Name` for nested states. */
      state: string;
      /** The task or job definition, as the state names it (family, `name:revision` or an ARN). */
      definition: string;
    }
  | {
      kind: StartedKind;
      state: string;
      definition?: undefined;
      /** Why the definition is not known before the state runs: the path or expression that chooses it. */
      dynamic: string;
    };

/** The Task resources that run an ECS task: the optimised integration (any pattern) and the SDK integration. */
const ECS_RUN_TASK = /^arn:aws[a-z-]*:states:::(ecs:runTask(\.sync|\.waitForTaskToken)?|aws-sdk:ecs:runTask)$/;
/** The Task resources that submit a Batch job. */
const BATCH_SUBMIT_JOB = /^arn:aws[a-z-]*:states:::(batch:submitJob(\.sync|\.waitForTaskToken)?|aws-sdk:batch:submitJob)$/;
/** A JSONata expression in a string field (`QueryLanguage: JSONata`). */
const JSONATA = /^\{%[\s\S]*%\}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value of a field that names a definition, in either casing the integrations take (`TaskDefinition`, `taskDefinition`). */
function fieldOf(parameters: Record<string, unknown>, names: readonly string[]): { value: string } | { dynamic: string } | undefined {
  for (const name of names) {
    const fixed = parameters[name];
    if (typeof fixed === 'string' && fixed !== '') return JSONATA.test(fixed) ? { dynamic: `${name}: ${fixed}` } : { value: fixed };
    const path = parameters[`${name}.$`];
    if (typeof path === 'string') return { dynamic: `${name}.$: ${path}` };
  }
  return undefined;
}

/**
 * Every Task state of a state machine's definition that runs an ECS task or submits an AWS Batch job,
 * with the task or job definition it names — in the top-level states and, as deep as they go, in the
 * branches of Parallel states and the processors of Map states (inline and distributed, `ItemProcessor`
 * or the older `Iterator`). A definition chosen when the state runs (`TaskDefinition.$`, a JSONata
 * `{% … %}` expression, `Parameters.$` or `Arguments` as a whole expression) is reported as dynamic.
 * A definition that is not valid JSON throws; anything else that is not a Task of those kinds is skipped.
 *
 * @throws SyntaxError when the definition is not JSON
 * @example startedByStates(definition) // [{ kind: 'ecs', state: 'Report', definition: 'report:3' }]
 */
export function startedByStates(definition: string): StartedByState[] {
  const doc: unknown = JSON.parse(definition);
  const out: StartedByState[] = [];
  const visit = (states: unknown, prefix: string): void => {
    if (!isRecord(states)) return;
    for (const [name, state] of Object.entries(states)) {
      if (!isRecord(state)) continue;
      const path = `${prefix}${name}`;
      if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
        state.Branches.forEach((branch, i) => {
          if (isRecord(branch)) visit(branch.States, `${path}/branch ${i + 1}/`);
        });
      }
      if (state.Type === 'Map') {
        for (const processor of [state.ItemProcessor, state.Iterator]) if (isRecord(processor)) visit(processor.States, `${path}/`);
      }
      if (state.Type === 'Task' && typeof state.Resource === 'string') {
        const kind: StartedKind | undefined = ECS_RUN_TASK.test(state.Resource)
          ? 'ecs'
          : BATCH_SUBMIT_JOB.test(state.Resource)
            ? 'batch'
            : undefined;
        if (kind !== undefined) out.push(startedBy(kind, path, state));
      }
    }
  };
  if (isRecord(doc)) visit(doc.States, '');
  return out;
}

/** What one ECS or Batch Task state starts. */
function startedBy(kind: StartedKind, state: string, task: Record<string, unknown>): StartedByState {
  const names = kind === 'ecs' ? ['TaskDefinition', 'taskDefinition'] : ['JobDefinition', 'jobDefinition'];
  for (const key of ['Parameters.$', 'Arguments'] as const) {
    const whole = task[key];
    if (typeof whole === 'string') return { kind, state, dynamic: `${key}: ${whole}` };
  }
  const parameters = isRecord(task.Parameters) ? task.Parameters : isRecord(task.Arguments) ? task.Arguments : {};
  const field = fieldOf(parameters, names);
  if (field === undefined) return { kind, state, dynamic: `no ${names[0]}` };
  return 'value' in field ? { kind, state, definition: field.value } : { kind, state, dynamic: field.dynamic };
}
