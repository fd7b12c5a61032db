import fc from 'fast-check';
import { startedByStates, type StartedByState } from '../../../src/domain/state-machine';

const RESOURCES = {
  ecs: ['arn:aws:states:::ecs:runTask', 'arn:aws:states:::ecs:runTask.sync', 'arn:aws:states:::aws-sdk:ecs:runTask'],
  batch: ['arn:aws:states:::batch:submitJob', 'arn:aws:states:::batch:submitJob.sync', 'arn:aws:states:::aws-sdk:batch:submitJob'],
} as const;

/** A generated state: a Task leaf (ECS, Batch or another service), or a Parallel / Map holding more states. */
type Node =
  | { kind: 'ecs' | 'batch'; resource: number; definition: string; dynamic: boolean }
  | { kind: 'other' }
  | { kind: 'parallel'; branches: Node[][] }
  | { kind: 'map'; processor: 'ItemProcessor' | 'Iterator'; states: Node[] };

const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _-]{0,11}$/);
const { node } = fc.letrec<{ node: Node; states: Node[] }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      kind: fc.constantFrom('ecs' as const, 'batch' as const),
      resource: fc.nat(2),
      definition: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}(:\d{1,3})?$/),
      dynamic: fc.boolean(),
    }),
    fc.constant({ kind: 'other' as const }),
    fc.record({ kind: fc.constant('parallel' as const), branches: fc.array(tie('states'), { minLength: 1, maxLength: 3 }) }),
    fc.record({
      kind: fc.constant('map' as const),
      processor: fc.constantFrom('ItemProcessor' as const, 'Iterator' as const),
      states: tie('states'),
    }),
  ),
  states: fc.array(tie('node'), { minLength: 1, maxLength: 4 }),
}));

/** The ASL of `nodes` under unique names, and what startedByStates must find, in document order. */
function render(nodes: Node[], names: string[], prefix: string, expected: StartedByState[]): Record<string, unknown> {
  const states: Record<string, unknown> = {};
  nodes.forEach((n, i) => {
    const stateName = `${names[i % names.length] ?? 'S'}#${i}`;
    const path = `${prefix}${stateName}`;
    if (n.kind === 'ecs' || n.kind === 'batch') {
      const field = n.kind === 'ecs' ? 'TaskDefinition' : 'JobDefinition';
      states[stateName] = {
        Type: 'Task',
        Resource: RESOURCES[n.kind][n.resource],
        Parameters: n.dynamic ? { [`${field}.$`]: '$.definition' } : { [field]: n.definition },
        End: true,
      };
      expected.push(
        n.dynamic
          ? { kind: n.kind, state: path, dynamic: `${field}.$: $.definition` }
          : { kind: n.kind, state: path, definition: n.definition },
      );
    } else if (n.kind === 'other') {
      states[stateName] = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, End: true };
    } else if (n.kind === 'parallel') {
      states[stateName] = {
        Type: 'Parallel',
        Branches: n.branches.map((branch, b) => ({ StartAt: 'x', States: render(branch, names, `${path}/branch ${b + 1}/`, expected) })),
        End: true,
      };
    } else if (n.kind === 'map') {
      states[stateName] = {
        Type: 'Map',
        [n.processor]: { StartAt: 'x', States: render(n.states, names, `${path}/`, expected) },
        End: true,
      };
    }
  });
  return states;
}

describe('startedByStates (properties)', () => {
  it('finds every ECS and Batch Task state exactly once, however deep in Parallel and Map states, with its path and definition', () => {
    fc.assert(
      fc.property(fc.array(node, { minLength: 1, maxLength: 5 }), fc.array(name, { minLength: 1, maxLength: 5 }), (nodes, names) => {
        const expected: StartedByState[] = [];
        const definition = JSON.stringify({ StartAt: 'x', States: render(nodes, names, '', expected) });
        expect(startedByStates(definition)).toEqual(expected);
      }),
    );
  });
});
