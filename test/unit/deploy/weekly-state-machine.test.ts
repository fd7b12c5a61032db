// The weekly run's state machine as CloudFormation creates it: the Definition of the packaged
// template with its DefinitionSubstitutions resolved into a concrete JSON string (placeholder ARNs
// for the stack's resources), validated offline by asl-validator (the Amazon States Language's schema,
// its paths and intrinsic functions, its transitions). No Step Functions service runs a Distributed
// Map here, so this and cfn-lint (npm run lint:cfn) are what checks the definition before a deploy;
// the template's other checks (template.test.ts) check what it does.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import aslValidator from 'asl-validator';

const TEMPLATE_PATH = path.resolve(__dirname, '..', '..', '..', '.serverless', 'cloudformation-template-update-stack.json');

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

/** The stack's pseudo parameters and resources, as placeholders. */
const PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012' };
const BUCKET = 'ecr-janitor-prod-reportbucket-0123456789ab';

function loadResources(): Record<string, Resource> {
  if (!existsSync(TEMPLATE_PATH)) {
    throw new Error(`${TEMPLATE_PATH} does not exist: run \`npm run package\` first (npm test packages before running jest)`);
  }
  return (JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8')) as { Resources: Record<string, Resource> }).Resources;
}

/** A substitution's value as CloudFormation would resolve it, with placeholders for what only a deploy knows. */
function resolve(resources: Record<string, Resource>, value: unknown): string {
  if (typeof value === 'string') return value;
  const intrinsic = value as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Sub'?: string };
  if (intrinsic.Ref !== undefined) {
    if (PSEUDO[intrinsic.Ref] !== undefined) return PSEUDO[intrinsic.Ref] as string;
    if (resources[intrinsic.Ref]?.Type === 'AWS::S3::Bucket') return BUCKET;
  }
  const getAtt = intrinsic['Fn::GetAtt'];
  if (getAtt !== undefined && getAtt[1] === 'Arn' && resources[getAtt[0]]?.Type === 'AWS::Lambda::Function') {
    return `arn:aws:lambda:us-east-1:123456789012:function:${String(resources[getAtt[0]]?.Properties?.FunctionName)}`;
  }
  if (typeof intrinsic['Fn::Sub'] === 'string') {
    return intrinsic['Fn::Sub'].replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
      if (PSEUDO[name] === undefined) throw new Error(`cannot resolve ${whole} in ${intrinsic['Fn::Sub']}`);
      return PSEUDO[name];
    });
  }
  throw new Error(`cannot resolve the substitution ${JSON.stringify(value)}`);
}

/**
 * The machine's definition as Step Functions receives it: every `${Name}` replaced by its
 * DefinitionSubstitution; with the names of the substitutions it used.
 */
function resolvedDefinition(resources: Record<string, Resource>): { text: string; used: Set<string>; declared: string[] } {
  const props = resources.WeeklyStateMachine?.Properties ?? {};
  if (props.Definition === undefined) throw new Error('WeeklyStateMachine has no Definition');
  const substitutions = (props.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
  const used = new Set<string>();
  const text = JSON.stringify(props.Definition).replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (!(name in substitutions)) throw new Error(`${whole} in the definition has no DefinitionSubstitution`);
    used.add(name);
    return resolve(resources, substitutions[name]);
  });
  return { text, used, declared: Object.keys(substitutions) };
}

/** The object at `path` (keys, or indexes of arrays) of a parsed definition, to break one field of it. */
function at(definition: unknown, path: string[]): Record<string, unknown> {
  let node = definition;
  for (const key of path) node = Array.isArray(node) ? node[Number(key)] : (node as Record<string, unknown> | undefined)?.[key];
  if (typeof node !== 'object' || node === null || Array.isArray(node)) throw new Error(`no object at ${path.join('.')}`);
  return node as Record<string, unknown>;
}

const AUDIT = ['States', 'Audit'];

describe('weekly state machine definition', () => {
  const resources = loadResources();
  const { text, used, declared } = resolvedDefinition(resources);
  const definition = (): unknown => JSON.parse(text);

  describe('as packaged', () => {
    it('resolves every ${…} from DefinitionSubstitutions, and uses every substitution', () => {
      expect(text).not.toMatch(/\$\{/);
      expect([...used].sort()).toEqual([...declared].sort());
    });

    it('invokes each step by its function ARN, in the partition of the stack', () => {
      const invoked = [...text.matchAll(/"FunctionName":"([^"]+)"/g)].map((m) => m[1]);
      expect(invoked).toEqual([
        'arn:aws:lambda:us-east-1:123456789012:function:ecr-janitor-prod-weeklyPlan',
        'arn:aws:lambda:us-east-1:123456789012:function:ecr-janitor-prod-weeklyShard',
        'arn:aws:lambda:us-east-1:123456789012:function:ecr-janitor-prod-weeklyAggregate',
      ]);
      expect([...new Set([...text.matchAll(/"Resource":"([^"]+)"/g)].map((m) => m[1]))].sort()).toEqual([
        'arn:aws:states:::lambda:invoke',
        'arn:aws:states:::s3:getObject',
        'arn:aws:states:::s3:putObject',
      ]);
      expect(text).toContain(`"Bucket":"${BUCKET}"`);
    });

    it('is a valid Amazon States Language definition', () => {
      const result = aslValidator(definition());

      expect(result.errorsText()).toBe('');
      expect(result.isValid).toBe(true);
    });
  });

  describe('broken the ways an edit breaks it', () => {
    it.each<[string, string[], (state: Record<string, unknown>) => void, string]>([
      [
        'a Catch that goes to a state that does not exist',
        [...AUDIT, 'Catch', '0'],
        (c) => (c.Next = 'Agregate'),
        'MISSING_TRANSITION_TARGET',
      ],
      [
        'the batch size as a string (a parameter that skipped its check)',
        [...AUDIT, 'ItemBatcher'],
        (b) => (b.MaxItemsPerBatch = '200'),
        'MaxItemsPerBatch is invalid',
      ],
      [
        'a ResultWriter prefix whose intrinsic function does not parse',
        [...AUDIT, 'ResultWriter', 'Parameters'],
        (p) => (p['Prefix.$'] = "States.Format('runs/{}/results', $.runId"),
        'Prefix.$ is invalid',
      ],
      [
        'a Distributed Map without its execution type',
        [...AUDIT, 'ItemProcessor', 'ProcessorConfig'],
        (c) => delete c.ExecutionType,
        'ProcessorConfig',
      ],
      ['a tolerated failure percentage above 100', AUDIT, (m) => (m.ToleratedFailurePercentage = 150), 'ToleratedFailurePercentage'],
      ['a result path that is not a path', AUDIT, (m) => (m.ResultPath = 'map'), 'ResultPath'],
      ['a state that both ends and goes on', ['States', 'Aggregate'], (t) => (t.End = true), 'TERMINAL_STATE_WITH_NEXT'],
      ['the last state removed', ['States'], (states) => delete states.Done, 'MISSING_TRANSITION_TARGET'],
    ])('fails for %s', (_label, where, breakIt, expected) => {
      const broken = definition();
      breakIt(at(broken, where));

      const result = aslValidator(broken);

      expect(result.isValid).toBe(false);
      expect(result.errorsText()).toContain(expected);
    });
  });
});
