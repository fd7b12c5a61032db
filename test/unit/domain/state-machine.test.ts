import { startedByStates } from '../../../src/domain/state-machine';

const RUN_TASK = 'arn:aws:states:::ecs:runTask.sync';
const SUBMIT_JOB = 'arn:aws:states:::batch:submitJob.sync';

/** A definition of `states` as Step Functions stores it. */
const asl = (states: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ StartAt: Object.keys(states)[0], States: states, ...extra });

describe('startedByStates', () => {
  it('names the task and job definitions of ECS and Batch Task states, optimised or SDK integrations, in any casing', () => {
    // Arrange
    const definition = asl({
      Report: { Type: 'Task', Resource: RUN_TASK, Parameters: { Cluster: 'prod', TaskDefinition: 'report:3' }, Next: 'Etl' },
      Etl: { Type: 'Task', Resource: SUBMIT_JOB, Parameters: { JobName: 'etl', JobQueue: 'q', JobDefinition: 'etl:4' }, Next: 'Sdk' },
      Sdk: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:ecs:runTask', Parameters: { taskDefinition: 'sdk' }, Next: 'Notify' },
      Notify: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: { TopicArn: 'x' }, End: true },
    });

    // Act / Assert: the SNS state starts no image.
    expect(startedByStates(definition)).toEqual([
      { kind: 'ecs', state: 'Report', definition: 'report:3' },
      { kind: 'batch', state: 'Etl', definition: 'etl:4' },
      { kind: 'ecs', state: 'Sdk', definition: 'sdk' },
    ]);
  });

  it('walks Parallel branches and Map processors, inline, distributed and the older Iterator, however deep', () => {
    // Arrange
    const inner = { Deep: { Type: 'Task', Resource: RUN_TASK, Parameters: { TaskDefinition: 'deep:1' }, End: true } };
    const definition = asl({
      Fan: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Task', Resource: SUBMIT_JOB, Parameters: { JobDefinition: 'a' }, End: true } } },
          {
            StartAt: 'Each',
            States: {
              Each: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: 'Deep', States: inner }, End: true },
            },
          },
        ],
        Next: 'Old',
      },
      Old: {
        Type: 'Map',
        Iterator: { StartAt: 'B', States: { B: { Type: 'Task', Resource: RUN_TASK, Parameters: { TaskDefinition: 'b:2' }, End: true } } },
        End: true,
      },
    });

    // Act / Assert
    expect(startedByStates(definition)).toEqual([
      { kind: 'batch', state: 'Fan/branch 1/A', definition: 'a' },
      { kind: 'ecs', state: 'Fan/branch 2/Each/Deep', definition: 'deep:1' },
      { kind: 'ecs', state: 'Old/B', definition: 'b:2' },
    ]);
  });

  it('reports a definition chosen at run time: a .$ path, a JSONata expression, parameters from the input, or none named', () => {
    // Arrange
    const definition = asl(
      {
        Path: { Type: 'Task', Resource: RUN_TASK, Parameters: { 'TaskDefinition.$': '$.taskDefinition' }, Next: 'Jsonata' },
        Jsonata: { Type: 'Task', Resource: SUBMIT_JOB, Arguments: { JobDefinition: '{% $states.input.job %}' }, Next: 'Whole' },
        Whole: { Type: 'Task', Resource: RUN_TASK, 'Parameters.$': '$.run', Next: 'None' },
        None: { Type: 'Task', Resource: RUN_TASK, Parameters: { Cluster: 'prod' }, End: true },
      },
      { QueryLanguage: 'JSONata' },
    );

    // Act / Assert
    expect(startedByStates(definition)).toEqual([
      { kind: 'ecs', state: 'Path', dynamic: 'TaskDefinition.$: $.taskDefinition' },
      { kind: 'batch', state: 'Jsonata', dynamic: 'JobDefinition: {% $states.input.job %}' },
      { kind: 'ecs', state: 'Whole', dynamic: 'Parameters.$: $.run' },
      { kind: 'ecs', state: 'None', dynamic: 'no TaskDefinition' },
    ]);
  });

  it('takes a JSONata Arguments object with a fixed definition as fixed', () => {
    // Arrange
    const definition = asl({ Run: { Type: 'Task', Resource: RUN_TASK, Arguments: { TaskDefinition: 'fixed:9' }, End: true } });

    // Act / Assert
    expect(startedByStates(definition)).toEqual([{ kind: 'ecs', state: 'Run', definition: 'fixed:9' }]);
  });

  it('throws on a definition that is not JSON, and finds nothing in one without states', () => {
    expect(() => startedByStates('{"States":')).toThrow(SyntaxError);
    expect(startedByStates('{"Comment":"empty"}')).toEqual([]);
  });
});
