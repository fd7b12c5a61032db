// Checks the CloudFormation template that `serverless package` generates (npm test packages before
// jest): least-privilege IAM, the Lambda platform, the report bucket's protections, alarms and
// failure handling, and the weekly run's state machine. Each check is a function returning its
// violations, so every one is also run against a deliberately broken copy of the template to prove
// it can fail. The machine's definition itself is validated in weekly-state-machine.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createWorkloadScannerPool } from '../../../src/adapters/aws/workload-scanners';
import { DEFAULT_BATCH_SIZE, DEFAULT_TOLERATED_FAILURE_PERCENT, DEFAULT_WORKERS } from '../../../src/domain/defaults';
import { REPORT_EVENT_DETAIL_TYPE, REPORT_EVENT_SOURCE } from '../../../src/domain/report-event';

const TEMPLATE_PATH = path.resolve(__dirname, '..', '..', '..', '.serverless', 'cloudformation-template-update-stack.json');

interface Resource {
  Type: string;
  Condition?: string;
  Properties?: Record<string, unknown>;
}

interface Template {
  Resources: Record<string, Resource>;
}

interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** A policy statement and where it sits in the template. */
interface FoundStatement {
  /** `LogicalId.Properties.path`, for messages. */
  where: string;
  statement: Statement;
  /** The role it grants to, for identity policies; undefined for resource policies. */
  role?: string;
}

/** The weekly run's steps, invoked by the state machine. */
const WEEKLY_FUNCTIONS = ['WeeklyPlanLambdaFunction', 'WeeklyShardLambdaFunction', 'WeeklyAggregateLambdaFunction'] as const;
/** The event handlers, invoked asynchronously by EventBridge rules. */
const EVENT_FUNCTIONS = ['OnRepositoryCreatedLambdaFunction', 'OnPolicyChangedLambdaFunction'] as const;
/** The ledger's function, invoked by EventBridge on ECR's lifecycle policy evaluations (a service event). */
const LEDGER_FUNCTION = 'OnPolicyExecutedLambdaFunction';
const FUNCTIONS = [...WEEKLY_FUNCTIONS, ...EVENT_FUNCTIONS, LEDGER_FUNCTION] as const;
const ROLES = [
  'WeeklyPlanRole',
  'WeeklyShardRole',
  'WeeklyAggregateRole',
  'OnRepositoryCreatedRole',
  'OnPolicyChangedRole',
  'OnPolicyExecutedRole',
] as const;
const MACHINE = 'WeeklyStateMachine';
const MACHINE_ROLE = 'WeeklyStateMachineRole';
/** The machine's fixed name (`${service}-${stage}-weekly`), which its own role's ARNs are written with. */
const MACHINE_NAME = 'ecr-janitor-prod-weekly';
/** Lambda's own failures and throttling ("Handle Lambda service exceptions", Step Functions Developer Guide): a step whose function did not run is retried on them. */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
const STATES_ARN = 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}';
const RESULT_WRITER_OBJECTS = '${ReportBucket.Arn}/runs/*/results/*';
/**
 * What the machine's role may do, on exactly these resources ("IAM policies for using Distributed Map
 * states"): invoke its three steps, read the ItemReader's object, write the ResultWriter's files, and
 * start, watch and stop its own (child) executions.
 */
const MACHINE_GRANTS: Record<string, string[]> = {
  'lambda:invokefunction': WEEKLY_FUNCTIONS.flatMap((f) => [`\${${f}.Arn}`, `\${${f}.Arn}:*`]),
  's3:getobject': ['${ReportBucket.Arn}/runs/*'],
  's3:putobject': [RESULT_WRITER_OBJECTS],
  's3:listmultipartuploadparts': [RESULT_WRITER_OBJECTS],
  's3:abortmultipartupload': [RESULT_WRITER_OBJECTS],
  'states:startexecution': [`${STATES_ARN}:stateMachine:${MACHINE_NAME}`],
  'states:describeexecution': [`${STATES_ARN}:execution:${MACHINE_NAME}:*`, `${STATES_ARN}:execution:${MACHINE_NAME}/*`],
  'states:stopexecution': [`${STATES_ARN}:execution:${MACHINE_NAME}:*`, `${STATES_ARN}:execution:${MACHINE_NAME}/*`],
};
/** The regions `npm run package` configures (`--param=regions=…`). */
const PACKAGED_REGIONS = ['us-east-1', 'eu-west-1'];
/** A repository ARN of one region, in the stack's partition and account. */
const REPOSITORY_ARN = /^arn:\$\{AWS::Partition\}:ecr:([a-z]{2}(?:-[a-z]+)+-\d+):\$\{AWS::AccountId\}:repository\/\*$/;
const OPT_OUT_TAG = 'ecr-janitor:opt-out';
const REPORT_BUCKET_ARN = /^\$\{ReportBucket\.Arn\}(\/.+)?$/;
/** The one folder of the organization's central bucket a member may write: its own account's. */
const CENTRAL_REPORT_ARN = 'arn:${AWS::Partition}:s3:::${CentralBucketName}/accounts/${AWS::AccountId}/*';
const REPORT_BUS_ARN =
  /^(\$\{ReportBus\}|arn:(aws|\$\{AWS::Partition\}):events:\$\{AWS::Region\}:\$\{AWS::AccountId\}:event-bus\/\$\{ReportBus\})$/;
const READ_ONLY_ACTION = /^[a-z0-9-]+:(describe|get|list|batchget)[a-z0-9]*$/;
/** The one list object of the in-use guard: the S3 URI parameter's bucket and key. */
const IN_USE_LIST_ARN = /^arn:\$\{AWS::Partition\}:s3:::\$\{ListObject\}$/;
/** A resource ARN of this account in one configured region: `arn:${Partition}:SERVICE:REGION:${AccountId}:RESOURCE`. */
const inConfiguredRegions = (service: string, resource: string): RegExp =>
  new RegExp(`^arn:\\$\\{AWS::Partition\\}:${service}:(${PACKAGED_REGIONS.join('|')}):\\$\\{AWS::AccountId\\}:${resource}$`);
/** ECS services, revisions and tasks, and Lambda functions, of this account in one configured region. */
const ECS_WORKLOAD_ARN = inConfiguredRegions('ecs', '(service|service-revision|task)/\\*');
const LAMBDA_FUNCTION_ARN = inConfiguredRegions('lambda', 'function:\\*');
/** Actions that take no resource ARN as the guard calls them: only "*" is possible. */
const STAR = /^\*$/;
/** What the in-use guard reads, each with the only resources IAM may grant it on (Service Authorization Reference). */
const IN_USE_SCOPE: Record<string, RegExp> = {
  'ecs:listclusters': STAR,
  'ecs:listservices': STAR,
  'ecs:describeservices': ECS_WORKLOAD_ARN,
  'ecs:describeservicerevisions': ECS_WORKLOAD_ARN,
  'ecs:listtasks': STAR,
  'ecs:describetasks': ECS_WORKLOAD_ARN,
  'ecs:describetaskdefinition': STAR,
  'lambda:listfunctions': STAR,
  'lambda:getfunction': LAMBDA_FUNCTION_ARN,
  'events:listeventbuses': STAR,
  'events:listrules': STAR,
  'events:listtargetsbyrule': inConfiguredRegions('events', 'rule/\\*'),
  'scheduler:listschedules': STAR,
  'scheduler:getschedule': inConfiguredRegions('scheduler', 'schedule/\\*'),
  'batch:describejobdefinitions': STAR,
  'states:liststatemachines': STAR,
  'states:liststatemachineversions': inConfiguredRegions('states', 'stateMachine:\\*'),
  'states:describestatemachine': inConfiguredRegions('states', 'stateMachine:\\*'),
  'apprunner:listservices': STAR,
  'apprunner:describeservice': inConfiguredRegions('apprunner', 'service/\\*'),
  'inspector2:batchgetaccountstatus': STAR,
  'inspector2:listcoverage': STAR,
};
/** The in-use reads granted on "*" that the aws:RequestedRegion condition keeps to the configured regions. */
const IN_USE_REGION_BOUND = [
  'events:listeventbuses',
  'events:listrules',
  'scheduler:listschedules',
  'batch:describejobdefinitions',
  'states:liststatemachines',
  'apprunner:listservices',
  'inspector2:batchgetaccountstatus',
  'inspector2:listcoverage',
];
/** Whether an action is one of the in-use guard's kind (the function roles grant no other of these services' actions). */
const isInUseKind = (a: string): boolean => /^(ecs|lambda|scheduler|batch|states|apprunner|inspector2):/.test(a) || /^events:list/.test(a);
/** The ecs:cluster condition of ListServices/ListTasks: this account's clusters in the configured regions. */
const CLUSTER_ARNS = PACKAGED_REGIONS.map((r) => `arn:\${AWS::Partition}:ecs:${r}:\${AWS::AccountId}:cluster/*`);
const FORBIDDEN_ACTIONS = ['ecr:batchdeleteimage', 'ecr:deleterepository', 'ecr:deletelifecyclepolicy'];

function loadTemplate(): Template {
  if (!existsSync(TEMPLATE_PATH)) {
    throw new Error(`${TEMPLATE_PATH} does not exist: run \`npm run package\` first (npm test packages before running jest)`);
  }
  return JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8')) as Template;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Renders an intrinsic-function value as the strings it may become: `Ref X` → `${X}`, `GetAtt X.A`
 * → `${X.A}`, `Sub` as written, `Join` joined, `If` as both branches.
 */
function render(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!isRecord(value)) return [JSON.stringify(value)];
  if (typeof value.Ref === 'string') return value.Ref === 'AWS::NoValue' ? [] : [`\${${value.Ref}}`];
  const getAtt = value['Fn::GetAtt'];
  if (getAtt !== undefined) return [`\${${Array.isArray(getAtt) ? getAtt.join('.') : String(getAtt)}}`];
  const sub = value['Fn::Sub'];
  if (sub !== undefined) return [Array.isArray(sub) ? String(sub[0]) : String(sub)];
  const join = value['Fn::Join'];
  if (Array.isArray(join)) {
    const [separator, parts] = join as [string, unknown[]];
    return parts
      .map(render)
      .reduce<string[]>((acc, options) => acc.flatMap((a) => options.map((o) => (a === '' ? o : `${a}${separator}${o}`))), ['']);
  }
  const fnIf = value['Fn::If'];
  if (Array.isArray(fnIf)) return [...render(fnIf[1]), ...render(fnIf[2])];
  return [JSON.stringify(value)];
}

function resourcesOf(statement: Statement): string[] {
  return asArray(statement.Resource).flatMap(render);
}

function actionsOf(statement: Statement): string[] {
  return asArray(statement.Action).map((a) => a.toLowerCase());
}

/** The logical id that `{ "Fn::GetAtt": [id, "Arn"] }` or `{ "Ref": id }` points at. */
function targetId(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.Ref === 'string') return value.Ref;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** Every statement of every policy document in the template (identity and resource policies). */
function statements(template: Template): FoundStatement[] {
  const found: FoundStatement[] = [];
  const visit = (value: unknown, where: string, role: string | undefined): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${where}[${i}]`, role));
      return;
    }
    if (!isRecord(value)) return;
    if (Array.isArray(value.Statement)) {
      value.Statement.forEach((s, i) => {
        // A conditional statement (`Fn::If` [condition, statement, AWS::NoValue]) counts as both branches.
        const fnIf = isRecord(s) ? s['Fn::If'] : undefined;
        const branches = Array.isArray(fnIf) ? fnIf.slice(1).filter((b) => isRecord(b) && b.Ref !== 'AWS::NoValue') : [s];
        for (const b of branches)
          found.push({ where: `${where}.Statement[${i}]`, statement: b as Statement, ...(role === undefined ? {} : { role }) });
      });
      return;
    }
    for (const [key, child] of Object.entries(value)) visit(child, `${where}.${key}`, role);
  };
  for (const [id, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Role') {
      visit(props.AssumeRolePolicyDocument, `${id}.AssumeRolePolicyDocument`, undefined);
      visit(props.Policies, `${id}.Policies`, id);
    } else if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      const roles = asArray(props.Roles as unknown[] | undefined)
        .map(targetId)
        .filter((r): r is string => r !== undefined);
      for (const role of roles.length > 0 ? roles : ['(unattached)']) visit(props.PolicyDocument, `${id}.PolicyDocument`, role);
    } else {
      visit(props, id, undefined);
    }
  }
  return found;
}

const allowStatements = (t: Template): FoundStatement[] => statements(t).filter((s) => s.statement.Effect === 'Allow');
const identityAllowStatements = (t: Template): FoundStatement[] => allowStatements(t).filter((s) => s.role !== undefined);

function resourcesOfType(t: Template, type: string): Array<[string, Resource]> {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

// --- the checks: each returns its violations, empty when the template is right ---------------------

function wildcardActions(t: Template): string[] {
  return allowStatements(t).flatMap(({ where, statement }) => [
    ...actionsOf(statement)
      .filter((a) => a.includes('*'))
      .map((a) => `${where}: allows wildcard action ${a}`),
    ...(statement.NotAction === undefined ? [] : [`${where}: Allow with NotAction grants everything else`]),
  ]);
}

function writesOnAnyResource(t: Template): string[] {
  return identityAllowStatements(t).flatMap(({ where, statement }) =>
    resourcesOf(statement).includes('*')
      ? actionsOf(statement)
          .filter((a) => !READ_ONLY_ACTION.test(a))
          .map((a) => `${where}: ${a} on Resource "*"`)
      : [],
  );
}

function forbiddenActions(t: Template): string[] {
  return allowStatements(t).flatMap(({ where, statement }) =>
    actionsOf(statement)
      .filter((a) => FORBIDDEN_ACTIONS.includes(a))
      .map((a) => `${where}: allows ${a}`),
  );
}

function scopedActionViolations(t: Template, matches: (action: string) => boolean, allowed: RegExp, what: string): string[] {
  return identityAllowStatements(t).flatMap(({ where, statement }) =>
    actionsOf(statement).some(matches)
      ? resourcesOf(statement)
          .filter((r) => !allowed.test(r))
          .map((r) => `${where}: ${what} on ${r}`)
      : [],
  );
}

/** The registry's settings, which IAM authorises only on "*": held to the configured regions by `aws:RequestedRegion` instead. */
const REGISTRY_SETTINGS_READS = [
  'ecr:describerepositorycreationtemplates',
  'ecr:describepullthroughcacherules',
  'ecr:describeregistry',
  'ecr:getaccountsetting',
];

/**
 * ECR access only in the configured regions: every repository ARN a role is allowed names one of them,
 * and all of them; the registry's settings (no resource type) only under an `aws:RequestedRegion`
 * condition naming exactly those regions, and nothing else rides on that statement.
 */
function configuredRegionsOnly(t: Template): string[] {
  return identityAllowStatements(t).flatMap(({ where, statement }) => {
    const actions = actionsOf(statement);
    if (actions.some((a) => REGISTRY_SETTINGS_READS.includes(a))) {
      const requested = asArray(statement.Condition?.StringEquals?.['aws:RequestedRegion']).map(String);
      const others = actions.filter((a) => !REGISTRY_SETTINGS_READS.includes(a));
      return [
        ...(JSON.stringify([...requested].sort()) === JSON.stringify([...PACKAGED_REGIONS].sort())
          ? []
          : [
              `${where}: registry settings read in ${requested.join(', ') || 'every region'}, expected exactly ${PACKAGED_REGIONS.join(', ')}`,
            ]),
        ...others.map((a) => `${where}: ${a} rides on the registry settings statement`),
      ];
    }
    if (!actions.some((a) => a.startsWith('ecr:') && a !== 'ecr:listpulltimeupdateexclusions')) return [];
    const regions = resourcesOf(statement).map((r) => REPOSITORY_ARN.exec(r)?.[1] ?? `not a one-region repository ARN: ${r}`);
    return JSON.stringify([...regions].sort()) === JSON.stringify([...PACKAGED_REGIONS].sort())
      ? []
      : [`${where}: ECR access in ${regions.join(', ')}, expected exactly ${PACKAGED_REGIONS.join(', ')}`];
  });
}

/** The reads of the services that hold the account's data per region. */
const REGIONAL_READ = /^(ecr|ecs|lambda|tag):(describe|get|list|batchget)/;

/**
 * Every read of ECR, ECS, Lambda and the tagging API carries aws:RequestedRegion with exactly the
 * configured regions: a read on "*" (ListClusters, ListFunctions, GetResources) reaches no other region either.
 */
function readsInConfiguredRegions(t: Template): string[] {
  return identityAllowStatements(t).flatMap(({ where, statement }) => {
    const reads = actionsOf(statement).filter((a) => REGIONAL_READ.test(a));
    if (reads.length === 0) return [];
    const regions = asArray(statement.Condition?.StringEquals?.['aws:RequestedRegion'] as string | string[] | undefined)
      .map(String)
      .sort();
    return JSON.stringify(regions) === JSON.stringify([...PACKAGED_REGIONS].sort())
      ? []
      : [
          `${where}: ${reads.join(', ')} with aws:RequestedRegion ${regions.join(', ') || '(none)'}, expected ${PACKAGED_REGIONS.join(', ')}`,
        ];
  });
}

/**
 * Every listing of the report bucket is held by an s3:prefix condition to the keys its role reads
 * (S3 answers a read of a missing object with 404 only to a caller that may list there): never the
 * whole bucket, which would show every run, report and cached manifest.
 */
function listingsByPrefix(t: Template): string[] {
  return identityAllowStatements(t).flatMap(({ where, statement }) => {
    if (!actionsOf(statement).includes('s3:listbucket')) return [];
    const prefixes = asArray(statement.Condition?.StringLike?.['s3:prefix'] as string | string[] | undefined).map(String);
    if (prefixes.length === 0) return [`${where}: s3:ListBucket without an s3:prefix condition`];
    return prefixes
      .filter((p) => p === '' || p.startsWith('*'))
      .map((p) => `${where}: s3:ListBucket with s3:prefix "${p}" lists the whole bucket`);
  });
}

/** The functions' own service: a function's role is passed to Lambda by this stack alone. */
const FUNCTION_SERVICE = 'lambda.amazonaws.com';

/**
 * Every statement that lets an AWS service act (assume the schedule's, the machine's or the event
 * rules' role, publish to the topic, send to the dead-letter queue) holds it to this account with
 * aws:SourceAccount, or to named resources with aws:SourceArn: another account's alarm, rule or
 * machine cannot act through it (the confused deputy).
 */
function servicesConfined(t: Template): string[] {
  return allowStatements(t).flatMap(({ where, statement }) => {
    const principal = statement.Principal;
    const services = (isRecord(principal) ? asArray(principal.Service as string | string[] | undefined) : [])
      .map(String)
      .filter((s) => s !== FUNCTION_SERVICE);
    if (services.length === 0) return [];
    const keys = Object.values(statement.Condition ?? {}).flatMap((operator) => Object.entries(operator));
    const values = (name: string): string[] => keys.filter(([k]) => k === name).flatMap(([, v]) => asArray(v).flatMap(render));
    const account = values('aws:SourceAccount');
    const arns = values('aws:SourceArn');
    if (account.length === 0 && arns.length === 0) return [`${where}: ${services.join(', ')} without aws:SourceAccount or aws:SourceArn`];
    const problems = account
      .filter((a) => a !== '${AWS::AccountId}')
      .map((a) => `${where}: ${services.join(', ')} with aws:SourceAccount ${a}`);
    for (const arn of arns.filter((a) => a.includes('*'))) problems.push(`${where}: ${services.join(', ')} with aws:SourceArn ${arn}`);
    return problems;
  });
}

/** Every role that may write a policy is denied the write on repositories tagged with the opt-out tag. */
function optOutDenied(t: Template): string[] {
  const writers = [
    ...new Set(
      identityAllowStatements(t)
        .filter((s) => actionsOf(s.statement).includes('ecr:putlifecyclepolicy'))
        .map((s) => s.role),
    ),
  ];
  return writers.flatMap((role) => {
    const denied = statements(t).some(
      ({ role: r, statement }) =>
        r === role &&
        statement.Effect === 'Deny' &&
        actionsOf(statement).includes('ecr:putlifecyclepolicy') &&
        resourcesOf(statement).some((res) => /:ecr:\*:\$\{AWS::AccountId\}:repository\/\*$/.test(res)) &&
        String(statement.Condition?.StringEqualsIgnoreCase?.[`aws:ResourceTag/${OPT_OUT_TAG}`]) === 'true',
    );
    return denied ? [] : [`${String(role)}: no Deny of ecr:PutLifecyclePolicy on repositories tagged ${OPT_OUT_TAG}=true`];
  });
}

/**
 * Every function has reserved concurrency, so none can take the account's: the event handlers against
 * a burst of events, the weekly steps as many as the run uses (one Plan, one Aggregate, `workers` shards).
 */
function reservedConcurrency(t: Template): string[] {
  const bounds: Record<string, [number, number]> = {
    OnRepositoryCreatedLambdaFunction: [1, 50],
    OnPolicyChangedLambdaFunction: [1, 50],
    WeeklyPlanLambdaFunction: [1, 1],
    WeeklyAggregateLambdaFunction: [1, 1],
    WeeklyShardLambdaFunction: [DEFAULT_WORKERS, DEFAULT_WORKERS],
  };
  const functions = resourcesOfType(t, 'AWS::Lambda::Function').map(([id]) => id);
  return functions.flatMap((id) => {
    const reserved = t.Resources[id]?.Properties?.ReservedConcurrentExecutions;
    const [low, high] = bounds[id] ?? [1, 50];
    return typeof reserved === 'number' && reserved >= low && reserved <= high
      ? []
      : [`${id}: ReservedConcurrentExecutions ${String(reserved)}, expected ${low === high ? low : `${low} to ${high}`}`];
  });
}

/**
 * EventBridge may send to the dead-letter queue only for this account's rules that use it (the
 * confused-deputy guard: aws:SourceArn beside aws:SourceAccount), and every such rule is listed.
 */
function deadLetterSources(t: Template): string[] {
  const statement = (
    t.Resources.DeadLetterQueuePolicy?.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined
  )?.Statement?.find((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'events.amazonaws.com' }));
  if (statement === undefined) return ['DeadLetterQueuePolicy: no statement for events.amazonaws.com'];
  const condition = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  const problems: string[] = [];
  if (render(condition.StringEquals?.['aws:SourceAccount']).join() !== '${AWS::AccountId}')
    problems.push('DeadLetterQueuePolicy: no aws:SourceAccount condition on this account');
  const allowed = asArray(condition.ArnEquals?.['aws:SourceArn']).flatMap(render);
  const rules = resourcesOfType(t, 'AWS::Events::Rule').filter(([, rule]) =>
    asArray(rule.Properties?.Targets as Array<{ DeadLetterConfig?: { Arn?: unknown } }> | undefined).some(
      (target) => targetId(target.DeadLetterConfig?.Arn) === 'DeadLetterQueue',
    ),
  );
  const expected = rules.map(([id, rule]) =>
    typeof rule.Properties?.Name === 'string'
      ? `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${rule.Properties.Name}`
      : `\${${id}.Arn}`,
  );
  for (const arn of expected) if (!allowed.includes(arn)) problems.push(`DeadLetterQueuePolicy: aws:SourceArn lacks ${arn}`);
  for (const arn of allowed)
    if (!expected.includes(arn)) problems.push(`DeadLetterQueuePolicy: aws:SourceArn names ${arn}, no rule of this stack`);
  if (allowed.length === 0) problems.push('DeadLetterQueuePolicy: no aws:SourceArn condition');
  return problems;
}

/** The framework's deployment bucket blocks public access too. */
function deploymentBucketProtections(t: Template): string[] {
  const block = (t.Resources.ServerlessDeploymentBucket?.Properties?.PublicAccessBlockConfiguration ?? {}) as Record<string, unknown>;
  return ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets']
    .filter((key) => block[key] !== true)
    .map((key) => `ServerlessDeploymentBucket: PublicAccessBlockConfiguration.${key} is not true`);
}

const putLifecyclePolicyScope = (t: Template): string[] =>
  scopedActionViolations(t, (a) => a === 'ecr:putlifecyclepolicy', REPOSITORY_ARN, 'ecr:PutLifecyclePolicy');
const s3Scope = (t: Template): string[] =>
  identityAllowStatements(t).flatMap(({ where, statement }) =>
    actionsOf(statement).some((a) => a.startsWith('s3:'))
      ? resourcesOf(statement)
          // The in-use list object: GetObject only, in the policy that exists only when the list is configured.
          .filter(
            (r) =>
              !REPORT_BUCKET_ARN.test(r) &&
              !(IN_USE_LIST_ARN.test(r) && where.startsWith('InUseListReadPolicy.') && actionsOf(statement).join() === 's3:getobject') &&
              // The central copy: PutObject only, under this account's own folder, by Aggregate.
              !(r === CENTRAL_REPORT_ARN && where.startsWith('WeeklyAggregateRole.') && actionsOf(statement).join() === 's3:putobject'),
          )
          .map((r) => `${where}: S3 access on ${r}`)
      : [],
  );

/** The service a role trusts (`lambda.amazonaws.com`, `states.amazonaws.com` …), when it trusts exactly one. */
function trustedService(t: Template, role: string | undefined): unknown {
  const trust = t.Resources[role ?? '']?.Properties?.AssumeRolePolicyDocument as { Statement?: Statement[] } | undefined;
  const principals = asArray(trust?.Statement).map((s) => (s.Principal as { Service?: unknown } | undefined)?.Service);
  return principals.length === 1 ? principals[0] : undefined;
}

/**
 * The in-use guard's ECS and Lambda actions in the functions' roles: read-only, each on the narrowest
 * resource IAM allows for it. (The state machine's role invokes the weekly functions: see machineRole.)
 */
/** The statements of the policy that lets the guard read what starts workloads later. */
function inUseSourceStatements(t: Template): Statement[] {
  return (t.Resources.InUseSourcesReadPolicy?.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;
}

function inUseScope(t: Template): string[] {
  const functionStatements = identityAllowStatements(t).filter((s) => trustedService(t, s.role) === 'lambda.amazonaws.com');
  return functionStatements.flatMap(({ where, statement }) => {
    const actions = actionsOf(statement).filter(isInUseKind);
    const resources = resourcesOf(statement);
    const problems = actions.filter((a) => IN_USE_SCOPE[a] === undefined).map((a) => `${where}: ${a} is not a read the in-use guard makes`);
    for (const action of actions.filter((a) => IN_USE_SCOPE[a] !== undefined)) {
      const allowed = IN_USE_SCOPE[action] as RegExp;
      for (const r of resources.filter((x) => !allowed.test(x))) problems.push(`${where}: ${action} on ${r}`);
    }
    // A list the guard may read only on "*": in the configured regions alone.
    if (actions.some((a) => IN_USE_REGION_BOUND.includes(a))) {
      const regions = statement.Condition?.StringEquals?.['aws:RequestedRegion'];
      if (regions === undefined || JSON.stringify(asArray(regions).flatMap(render).sort()) !== JSON.stringify([...PACKAGED_REGIONS].sort()))
        problems.push(
          `${where}: ${actions.filter((a) => IN_USE_REGION_BOUND.includes(a)).join(', ')} without the aws:RequestedRegion condition on the configured regions`,
        );
    }
    // Listing a cluster's services and tasks is authorised on "*": the condition keeps it to this account's clusters.
    if (actions.some((a) => a === 'ecs:listservices' || a === 'ecs:listtasks')) {
      const cluster = statement.Condition?.ArnLike?.['ecs:cluster'];
      if (cluster === undefined || JSON.stringify(asArray(cluster).flatMap(render).sort()) !== JSON.stringify([...CLUSTER_ARNS].sort()))
        problems.push(
          `${where}: ecs:ListServices/ListTasks without the ecs:cluster condition on this account's clusters in the configured regions`,
        );
    }
    return problems;
  });
}
const putEventsScope = (t: Template): string[] =>
  scopedActionViolations(t, (a) => a === 'events:putevents', REPORT_BUS_ARN, 'events:PutEvents').filter(
    // The central bus parameter, by the role of the rule that forwards the report event there.
    (v) => !v.startsWith('CentralReportEventsRole.') || !v.endsWith(' on ${CentralEventBusArn}'),
  );

function lambdaPlatform(t: Template): string[] {
  return resourcesOfType(t, 'AWS::Lambda::Function').flatMap(([id, r]) => {
    const problems: string[] = [];
    if (r.Properties?.Runtime !== 'nodejs22.x') problems.push(`${id}: Runtime ${String(r.Properties?.Runtime)}, expected nodejs22.x`);
    if (JSON.stringify(r.Properties?.Architectures) !== JSON.stringify(['arm64']))
      problems.push(`${id}: Architectures ${JSON.stringify(r.Properties?.Architectures)}, expected ["arm64"]`);
    return problems;
  });
}

function roleOf(t: Template, functionId: string): string | undefined {
  return targetId(t.Resources[functionId]?.Properties?.Role);
}

function ownRoles(t: Template): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  for (const [id] of resourcesOfType(t, 'AWS::Lambda::Function')) {
    const role = roleOf(t, id);
    if (role === undefined || t.Resources[role]?.Type !== 'AWS::IAM::Role') {
      problems.push(`${id}: its Role is not a role of this stack`);
      continue;
    }
    const other = owners.get(role);
    if (other !== undefined) problems.push(`${id} shares ${role} with ${other}`);
    owners.set(role, id);
  }
  return problems;
}

function reportBucketProtections(t: Template): string[] {
  const problems: string[] = [];
  const bucket = t.Resources.ReportBucket;
  if (bucket?.Type !== 'AWS::S3::Bucket') return ['ReportBucket: no such bucket'];
  const props = bucket.Properties ?? {};
  const sse = (
    props.BucketEncryption as
      { ServerSideEncryptionConfiguration?: Array<{ ServerSideEncryptionByDefault?: { SSEAlgorithm?: string } }> } | undefined
  )?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm;
  if (sse !== 'AES256' && sse !== 'aws:kms' && sse !== 'aws:kms:dsse') problems.push(`ReportBucket: default encryption is ${String(sse)}`);
  const block = (props.PublicAccessBlockConfiguration ?? {}) as Record<string, unknown>;
  for (const key of ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets']) {
    if (block[key] !== true) problems.push(`ReportBucket: PublicAccessBlockConfiguration.${key} is not true`);
  }
  const rules = ((props.LifecycleConfiguration as { Rules?: Array<Record<string, unknown>> } | undefined)?.Rules ?? []).filter(
    (r) => r.Status === 'Enabled',
  );
  if (!rules.some((r) => r.ExpirationInDays === 400))
    problems.push('ReportBucket: no enabled lifecycle rule expires objects after 400 days');
  if ((props.VersioningConfiguration as { Status?: string } | undefined)?.Status !== 'Enabled')
    problems.push('ReportBucket: versioning is not enabled');
  if (!rules.some((r) => typeof (r.NoncurrentVersionExpiration as { NoncurrentDays?: unknown } | undefined)?.NoncurrentDays === 'number'))
    problems.push('ReportBucket: no enabled lifecycle rule expires replaced versions');
  const policies = resourcesOfType(t, 'AWS::S3::BucketPolicy').filter(([, p]) => targetId(p.Properties?.Bucket) === 'ReportBucket');
  const tlsOnly = policies.some(([, p]) =>
    asArray((p.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement).some((s) => {
      const resources = resourcesOf(s);
      return (
        s.Effect === 'Deny' &&
        JSON.stringify(s.Principal) === '"*"' &&
        actionsOf(s).includes('s3:*') &&
        String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false' &&
        resources.includes('${ReportBucket.Arn}') &&
        resources.includes('${ReportBucket.Arn}/*')
      );
    }),
  );
  if (!tlsOnly)
    problems.push('ReportBucket: no bucket policy denies s3:* without TLS (aws:SecureTransport false) on the bucket and its objects');
  return problems;
}

function alarms(t: Template): string[] {
  const all = resourcesOfType(t, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties ?? {});
  const dimension = (a: Record<string, unknown>, name: string): unknown =>
    asArray(a.Dimensions as Array<{ Name: string; Value: unknown }> | undefined).find((d) => d.Name === name)?.Value;
  const problems: string[] = [];
  const dlq = all.some(
    (a) =>
      a.Namespace === 'AWS/SQS' &&
      a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
      render(dimension(a, 'QueueName')).includes('${DeadLetterQueue.QueueName}'),
  );
  if (!dlq) problems.push('no alarm on messages in DeadLetterQueue');
  // The event handlers' errors; the weekly steps' show up as the machine's failed executions.
  for (const id of ruleTargetFunctions(t)) {
    if (!all.some((a) => a.Namespace === 'AWS/Lambda' && a.MetricName === 'Errors' && targetId(dimension(a, 'FunctionName')) === id))
      problems.push(`${id}: no Errors alarm`);
  }
  // Every alarm notifies as the dead-letter alarm does (the report topic, when there is a report e-mail).
  const wiring = JSON.stringify(t.Resources.DeadLetterAlarm?.Properties?.AlarmActions);
  // The event functions' own metrics (EMF, namespace EcrJanitor, dimension service): a team's write put
  // back, and an event dropped unhandled.
  for (const metric of ['TeamWritesRestored', 'EventsDropped']) {
    const alarm = all.find((a) => a.Namespace === 'EcrJanitor' && a.MetricName === metric && dimension(a, 'service') === 'ecr-janitor');
    if (alarm === undefined) problems.push(`no alarm on ${metric}`);
    else if (JSON.stringify(alarm.AlarmActions) !== wiring || alarm.Threshold !== 0 || alarm.ComparisonOperator !== 'GreaterThanThreshold')
      problems.push(`the ${metric} alarm does not fire on one and notify like DeadLetterAlarm`);
  }
  for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
    const alarm = all.find(
      (a) => a.Namespace === 'AWS/States' && a.MetricName === metric && targetId(dimension(a, 'StateMachineArn')) === MACHINE,
    );
    if (alarm === undefined) problems.push(`${MACHINE}: no ${metric} alarm`);
    else if (JSON.stringify(alarm.AlarmActions) !== wiring || alarm.Threshold !== 0 || alarm.ComparisonOperator !== 'GreaterThanThreshold')
      problems.push(`${MACHINE}: the ${metric} alarm does not fire on one execution and notify like DeadLetterAlarm`);
  }
  return problems;
}

/** The functions an EventBridge rule invokes (asynchronously). */
function ruleTargetFunctions(t: Template): string[] {
  return resourcesOfType(t, 'AWS::Events::Rule')
    .flatMap(([, rule]) => asArray(rule.Properties?.Targets as Array<{ Arn: unknown }> | undefined).map((target) => targetId(target.Arn)))
    .filter((id): id is string => id !== undefined && t.Resources[id]?.Type === 'AWS::Lambda::Function');
}

function failureHandling(t: Template): string[] {
  const problems: string[] = [];
  const configs = resourcesOfType(t, 'AWS::Lambda::EventInvokeConfig').map(([, r]) => r.Properties ?? {});
  // Functions invoked asynchronously; the state machine retries its steps itself (weeklyStepRetries).
  for (const id of ruleTargetFunctions(t)) {
    const config = configs.find((c) => targetId(c.FunctionName) === id);
    const destination = (config?.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination;
    if (targetId(destination) !== 'DeadLetterQueue') problems.push(`${id}: no on-failure destination to DeadLetterQueue`);
    const retries = config?.MaximumRetryAttempts;
    if (typeof retries !== 'number' || retries < 0 || retries > 2)
      problems.push(`${id}: MaximumRetryAttempts ${String(retries)}, expected 0..2`);
  }
  // Event-pattern rules (not the schedule) must bound EventBridge's own retries and keep what fails.
  for (const [id, rule] of resourcesOfType(t, 'AWS::Events::Rule')) {
    if (rule.Properties?.EventPattern === undefined) continue;
    for (const target of asArray(rule.Properties.Targets as Array<Record<string, unknown>> | undefined)) {
      if (t.Resources[targetId(target.Arn) ?? '']?.Type !== 'AWS::Lambda::Function') continue;
      const policy = target.RetryPolicy as { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number } | undefined;
      if (policy?.MaximumRetryAttempts === undefined || policy.MaximumRetryAttempts > 5)
        problems.push(`${id}: target retries unbounded or above 5`);
      if (policy?.MaximumEventAgeInSeconds === undefined || policy.MaximumEventAgeInSeconds > 3600)
        problems.push(`${id}: target keeps retrying events older than an hour`);
      if (targetId((target.DeadLetterConfig as { Arn?: unknown } | undefined)?.Arn) !== 'DeadLetterQueue')
        problems.push(`${id}: target has no dead-letter queue`);
    }
  }
  return problems;
}

function topicEncryption(t: Template): string[] {
  // EventBridge and CloudWatch alarms cannot publish to a topic under the AWS managed key.
  return resourcesOfType(t, 'AWS::SNS::Topic')
    .filter(([, r]) => r.Properties?.KmsMasterKeyId === 'alias/aws/sns')
    .map(([id]) => `${id}: encrypted with alias/aws/sns, which EventBridge and CloudWatch cannot use`);
}

// --- the weekly run's state machine ------------------------------------------------------------------

/** A state of an Amazon States Language definition, as far as the checks read it. */
interface AslState {
  Type?: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  Retry?: Array<{ ErrorEquals?: string[]; MaxAttempts?: number; BackoffRate?: number }>;
  Catch?: Array<{ ErrorEquals?: string[]; ResultPath?: string; Next?: string }>;
  [field: string]: unknown;
}

interface AslDefinition {
  StartAt?: string;
  States?: Record<string, AslState>;
}

function definitionOf(t: Template): AslDefinition {
  return (t.Resources[MACHINE]?.Properties?.Definition ?? {}) as AslDefinition;
}

/** Every state of a definition, the Distributed Map's own states included, by name. */
function allStates(definition: AslDefinition): Array<[string, AslState]> {
  return Object.entries(definition.States ?? {}).flatMap(([name, state]) => [
    [name, state] as [string, AslState],
    ...allStates((state.ItemProcessor ?? {}) as AslDefinition),
  ]);
}

/** The machine's role holds exactly MACHINE_GRANTS: each action on exactly its resources, nothing else. */
function machineRole(t: Template): string[] {
  const problems: string[] = [];
  if (targetId(t.Resources[MACHINE]?.Properties?.RoleArn) !== MACHINE_ROLE) problems.push(`${MACHINE}: its RoleArn is not ${MACHINE_ROLE}`);
  if (trustedService(t, MACHINE_ROLE) !== 'states.amazonaws.com')
    problems.push(`${MACHINE_ROLE}: not trusted by states.amazonaws.com alone`);
  const granted = new Map<string, Set<string>>();
  for (const { statement } of statements(t).filter((s) => s.role === MACHINE_ROLE)) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of actionsOf(statement)) {
      const resources = granted.get(action) ?? new Set<string>();
      for (const r of resourcesOf(statement)) resources.add(r);
      granted.set(action, resources);
    }
  }
  for (const [action, resources] of granted) {
    const expected = MACHINE_GRANTS[action];
    if (expected === undefined) {
      problems.push(`${MACHINE_ROLE}: grants ${action}, which the machine does not call`);
      continue;
    }
    const got = [...resources].sort();
    if (JSON.stringify(got) !== JSON.stringify([...expected].sort()))
      problems.push(`${MACHINE_ROLE}: ${action} on ${got.join(', ')}; expected ${[...expected].sort().join(', ')}`);
  }
  for (const action of Object.keys(MACHINE_GRANTS).filter((a) => !granted.has(a))) problems.push(`${MACHINE_ROLE}: lacks ${action}`);
  return problems;
}

/**
 * Plan → Audit (a Distributed Map reading the items from S3 in batches of batchSize, `workers` at a
 * time, writing its results to S3, whatever fails going on to Aggregate) → Aggregate.
 */
function distributedMap(t: Template): string[] {
  const definition = definitionOf(t);
  const states = definition.States ?? {};
  const audit = states.Audit;
  const problems: string[] = [];
  const expect = (ok: boolean, what: string): void => {
    if (!ok) problems.push(`${MACHINE}: ${what}`);
  };
  expect(definition.StartAt === 'Plan', 'does not start with Plan');
  const plan = states.Plan;
  expect(plan?.Parameters?.FunctionName === '${PlanFunction}', 'Plan does not invoke the Plan function');
  expect(
    (plan?.Parameters?.Payload as Record<string, unknown> | undefined)?.['runId.$'] === '$$.Execution.Name',
    "Plan's runId is not the execution's name",
  );
  expect(
    JSON.stringify(plan?.ResultSelector) ===
      JSON.stringify({
        'runId.$': '$.Payload.runId',
        'bucket.$': '$.Payload.bucket',
        'itemsKey.$': '$.Payload.itemsKey',
        'itemCount.$': '$.Payload.itemCount',
      }),
    "Plan's ResultSelector does not keep exactly runId, bucket, itemsKey and itemCount",
  );
  if (audit?.Type !== 'Map') return [...problems, `${MACHINE}: no Map state Audit`];
  const processor = (audit.ItemProcessor ?? {}) as AslDefinition & { ProcessorConfig?: Record<string, unknown> };
  expect(
    processor.ProcessorConfig?.Mode === 'DISTRIBUTED' && processor.ProcessorConfig.ExecutionType === 'STANDARD',
    'Audit is not a Distributed Map of STANDARD child executions',
  );
  const shard = processor.States?.[processor.StartAt ?? ''];
  expect(
    shard?.Parameters?.FunctionName === '${ShardFunction}' && shard.Parameters['Payload.$'] === '$',
    "Audit's child does not pass its batch to the Shard function",
  );
  const reader = (audit.ItemReader ?? {}) as {
    Resource?: string;
    ReaderConfig?: Record<string, unknown>;
    Parameters?: Record<string, unknown>;
  };
  expect(
    reader.Resource === 'arn:${Partition}:states:::s3:getObject' &&
      reader.ReaderConfig?.InputType === 'JSON' &&
      reader.Parameters?.['Bucket.$'] === '$.bucket' &&
      reader.Parameters['Key.$'] === '$.itemsKey',
    "Audit's ItemReader does not read the JSON items Plan wrote to S3",
  );
  const batcher = (audit.ItemBatcher ?? {}) as Record<string, unknown>;
  expect(
    batcher.MaxItemsPerBatch === DEFAULT_BATCH_SIZE,
    `ItemBatcher.MaxItemsPerBatch is ${JSON.stringify(batcher.MaxItemsPerBatch)}, not batchSize (${DEFAULT_BATCH_SIZE})`,
  );
  expect(
    JSON.stringify(batcher.BatchInput) === JSON.stringify({ 'runId.$': '$.runId' }),
    "ItemBatcher.BatchInput does not carry the run's id",
  );
  expect(
    audit.MaxConcurrency === DEFAULT_WORKERS,
    `MaxConcurrency is ${JSON.stringify(audit.MaxConcurrency)}, not workers (${DEFAULT_WORKERS})`,
  );
  expect(
    audit.ToleratedFailurePercentage === DEFAULT_TOLERATED_FAILURE_PERCENT,
    `ToleratedFailurePercentage is ${JSON.stringify(audit.ToleratedFailurePercentage)}, not toleratedFailurePercent (${DEFAULT_TOLERATED_FAILURE_PERCENT})`,
  );
  const writer = (audit.ResultWriter ?? {}) as { Resource?: string; Parameters?: Record<string, unknown> };
  expect(
    writer.Resource === 'arn:${Partition}:states:::s3:putObject' &&
      writer.Parameters?.Bucket === '${ReportBucket}' &&
      writer.Parameters['Prefix.$'] === "States.Format('runs/{}/results', $.runId)",
    "Audit's ResultWriter does not write to runs/<runId>/results in the report bucket",
  );
  expect(audit.ResultPath === '$.map', "Audit's result is not kept as $.map");
  expect(
    (audit.Catch ?? []).some(
      (c) => JSON.stringify(c.ErrorEquals) === '["States.ALL"]' && c.ResultPath === '$.mapError' && c.Next === 'Aggregate',
    ),
    'a failed Audit does not go on to Aggregate with its error in $.mapError',
  );
  expect(audit.Next === 'Aggregate', 'Audit is not followed by Aggregate');
  const aggregate = states.Aggregate;
  expect(
    aggregate?.Parameters?.FunctionName === '${AggregateFunction}' && aggregate.Parameters['Payload.$'] === '$',
    'Aggregate does not pass the whole state to the Aggregate function',
  );
  return problems;
}

/** Each step retries Lambda's own failures with backoff; nothing is retried without bound; a shard's timeout a bounded number of times. */
/** The errors a step throws for an input that is not what the state machine sends (see adapters/events/weekly-steps.ts, domain/weekly.ts). */
const INPUT_ERRORS = ['StepInputError', 'InvalidInputError'];

function weeklyStepRetries(t: Template): string[] {
  const problems: string[] = [];
  for (const [name, state] of allStates(definitionOf(t)).filter(([, s]) => s.Type === 'Task')) {
    const retry = state.Retry ?? [];
    const covered = LAMBDA_SERVICE_ERRORS.every((e) => retry.some((r) => (r.ErrorEquals ?? []).includes(e) && (r.BackoffRate ?? 2) >= 1));
    if (!covered) problems.push(`${name}: does not retry Lambda's own failures (${LAMBDA_SERVICE_ERRORS.join(', ')}) with backoff`);
    for (const r of retry) {
      const broad = (r.ErrorEquals ?? []).some((e) =>
        ['States.ALL', 'States.TaskFailed', 'States.Timeout', 'Sandbox.Timedout', 'Lambda.Unknown'].includes(e),
      );
      const limit = broad ? 2 : 10;
      if (r.MaxAttempts === undefined || r.MaxAttempts > limit)
        problems.push(
          `${name}: retries ${JSON.stringify(r.ErrorEquals)} ${String(r.MaxAttempts ?? 'the default')} times, more than ${limit}`,
        );
    }
  }
  const shard = allStates(definitionOf(t)).find(([name]) => name === 'Shard')?.[1];
  for (const timedOut of ['States.Timeout', 'Sandbox.Timedout', 'Lambda.Unknown'])
    if (!(shard?.Retry ?? []).some((r) => (r.ErrorEquals ?? []).includes(timedOut)))
      problems.push(`Shard: a shard that times out is not tried again (${timedOut})`);
  // Retriers match in order and States.TaskFailed takes any error: input errors must be matched first.
  const shardRetry = shard?.Retry ?? [];
  const inputErrors = shardRetry.findIndex((r) => INPUT_ERRORS.every((e) => (r.ErrorEquals ?? []).includes(e)) && r.MaxAttempts === 0);
  const broad = shardRetry.findIndex((r) => (r.ErrorEquals ?? []).some((e) => ['States.ALL', 'States.TaskFailed'].includes(e)));
  if (inputErrors === -1 || (broad !== -1 && broad < inputErrors))
    problems.push(`Shard: retries its input errors (${INPUT_ERRORS.join(', ')}), which the same input cannot mend`);
  return problems;
}

/** Every function has a trigger: an EventBridge rule, or a step of the weekly machine. */
function functionTriggers(t: Template): string[] {
  const substitutions = Object.values((t.Resources[MACHINE]?.Properties?.DefinitionSubstitutions ?? {}) as Record<string, unknown>);
  const steps = new Set(substitutions.map(targetId));
  const rules = new Set(ruleTargetFunctions(t));
  return resourcesOfType(t, 'AWS::Lambda::Function')
    .filter(([id]) => !steps.has(id) && !rules.has(id))
    .map(([id]) => `${id}: neither a rule's target nor a step of ${MACHINE}`);
}

/** The schedule starts the machine (never a function) through a role allowed only that; a start that fails lands in the DLQ. */
function scheduleTargetsMachine(t: Template): string[] {
  const schedules = resourcesOfType(t, 'AWS::Events::Rule').filter(([, r]) => r.Properties?.ScheduleExpression !== undefined);
  if (schedules.length !== 1) return [`${schedules.length} scheduled rules, expected 1`];
  const [id, rule] = schedules[0] as [string, Resource];
  const problems: string[] = [];
  if (rule.Properties?.ScheduleExpression !== 'cron(0 6 ? * MON *)')
    problems.push(`${id}: ScheduleExpression ${String(rule.Properties?.ScheduleExpression)}, not the schedule parameter's default`);
  const targets = asArray(rule.Properties?.Targets as Array<Record<string, unknown>> | undefined);
  if (targets.length !== 1 || targetId(targets[0]?.Arn) !== MACHINE) return [...problems, `${id}: does not target ${MACHINE} alone`];
  const target = targets[0] ?? {};
  const role = targetId(target.RoleArn);
  if (trustedService(t, role) !== 'events.amazonaws.com')
    problems.push(`${id}: its target's role is not trusted by events.amazonaws.com alone`);
  const grants = statements(t)
    .filter((s) => s.role === role && s.statement.Effect === 'Allow')
    .map((s) => [actionsOf(s.statement), resourcesOf(s.statement)]);
  if (JSON.stringify(grants) !== JSON.stringify([[['states:startexecution'], [`\${${MACHINE}}`]]]))
    problems.push(
      `${id}: its target's role ${String(role)} may do more than states:StartExecution on ${MACHINE}: ${JSON.stringify(grants)}`,
    );
  if (targetId((target.DeadLetterConfig as { Arn?: unknown } | undefined)?.Arn) !== 'DeadLetterQueue')
    problems.push(`${id}: a start that fails for good is not kept in DeadLetterQueue`);
  return problems;
}

/** The weekly run's objects expire: runs/ after 30 days, cache entries not rewritten for 90 days, ledger records after 400. */
function runObjectsExpire(t: Template): string[] {
  const rules = (
    (t.Resources.ReportBucket?.Properties?.LifecycleConfiguration as { Rules?: Array<Record<string, unknown>> } | undefined)?.Rules ?? []
  ).filter((r) => r.Status === 'Enabled');
  const prefixOf = (r: Record<string, unknown>): unknown => r.Prefix ?? (r.Filter as { Prefix?: unknown } | undefined)?.Prefix;
  return [
    ['runs/', 30],
    ['cache/', 90],
    ['ledger/', 400],
  ]
    .filter(([prefix, days]) => !rules.some((r) => prefixOf(r) === prefix && r.ExpirationInDays === days))
    .map(([prefix, days]) => `ReportBucket: no enabled lifecycle rule expires ${String(prefix)} after ${String(days)} days`);
}

// --- mutations that break exactly one rule each ----------------------------------------------------

function inlineStatements(t: Template, role: string): Statement[] {
  const policies = t.Resources[role]?.Properties?.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>;
  const first = policies[0];
  if (!first) throw new Error(`${role} has no inline policy`);
  return first.PolicyDocument.Statement;
}

function addStatement(role: string, statement: Statement): (t: Template) => void {
  return (t) => {
    inlineStatements(t, role).push(statement);
  };
}

function setProperty(id: string, key: string, value: unknown): (t: Template) => void {
  return (t) => {
    const props = t.Resources[id]?.Properties;
    if (!props) throw new Error(`no resource ${id}`);
    if (value === undefined) delete props[key];
    else props[key] = value;
  };
}

function removeResources(predicate: (id: string, r: Resource) => boolean): (t: Template) => void {
  return (t) => {
    for (const [id, r] of Object.entries(t.Resources)) if (predicate(id, r)) delete t.Resources[id];
  };
}

/** Changes the object at `path` (keys, or indexes of arrays) inside the machine's definition. */
function changeDefinition(path: string[], change: (node: Record<string, unknown>) => void): (t: Template) => void {
  return (t) => {
    let node: unknown = t.Resources[MACHINE]?.Properties?.Definition;
    for (const key of path) node = Array.isArray(node) ? node[Number(key)] : isRecord(node) ? node[key] : undefined;
    if (!isRecord(node)) throw new Error(`no object at ${path.join('.')} in the definition`);
    change(node);
  };
}
const AUDIT = ['States', 'Audit'];
const SHARD = [...AUDIT, 'ItemProcessor', 'States', 'Shard'];

const CHECKS = {
  wildcardActions,
  writesOnAnyResource,
  forbiddenActions,
  putLifecyclePolicyScope,
  configuredRegionsOnly,
  readsInConfiguredRegions,
  listingsByPrefix,
  servicesConfined,
  optOutDenied,
  reservedConcurrency,
  deadLetterSources,
  deploymentBucketProtections,
  s3Scope,
  inUseScope,
  putEventsScope,
  lambdaPlatform,
  ownRoles,
  reportBucketProtections,
  alarms,
  failureHandling,
  topicEncryption,
  machineRole,
  distributedMap,
  weeklyStepRetries,
  functionTriggers,
  scheduleTargetsMachine,
  runObjectsExpire,
} satisfies Record<string, (t: Template) => string[]>;

type CheckName = keyof typeof CHECKS;

const MUTATIONS: Array<[string, CheckName, (t: Template) => void, string]> = [
  [
    'a role allows ecr:*',
    'wildcardActions',
    addStatement('WeeklyShardRole', { Effect: 'Allow', Action: ['ecr:*'], Resource: 'arn:aws:ecr:*:123456789012:repository/*' }),
    'ecr:*',
  ],
  [
    'a role allows *',
    'wildcardActions',
    addStatement('OnRepositoryCreatedRole', { Effect: 'Allow', Action: '*', Resource: '*' }),
    'wildcard action *',
  ],
  [
    'a role allows ecr:Describe*',
    'wildcardActions',
    addStatement('OnPolicyChangedRole', { Effect: 'Allow', Action: 'ecr:Describe*', Resource: '*' }),
    'ecr:describe*',
  ],
  [
    'a role allows with NotAction',
    'wildcardActions',
    addStatement('OnPolicyChangedRole', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }),
    'NotAction',
  ],
  [
    'a resource policy allows sqs:*',
    'wildcardActions',
    (t) => {
      const doc = t.Resources.DeadLetterQueuePolicy?.Properties?.PolicyDocument as { Statement: Statement[] };
      doc.Statement[0] = { ...doc.Statement[0], Action: 'sqs:*' };
    },
    'sqs:*',
  ],
  [
    'PutLifecyclePolicy on any resource',
    'writesOnAnyResource',
    addStatement('OnRepositoryCreatedRole', { Effect: 'Allow', Action: 'ecr:PutLifecyclePolicy', Resource: '*' }),
    'ecr:putlifecyclepolicy on Resource "*"',
  ],
  [
    's3:PutObject on any resource',
    'writesOnAnyResource',
    addStatement('WeeklyAggregateRole', { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['*'] }),
    's3:putobject',
  ],
  [
    'BatchDeleteImage granted',
    'forbiddenActions',
    addStatement('WeeklyShardRole', {
      Effect: 'Allow',
      Action: 'ecr:BatchDeleteImage',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:*:${AWS::AccountId}:repository/*' },
    }),
    'ecr:batchdeleteimage',
  ],
  [
    'DeleteRepository granted',
    'forbiddenActions',
    addStatement('OnPolicyChangedRole', {
      Effect: 'Allow',
      Action: ['ecr:DeleteRepository'],
      Resource: 'arn:aws:ecr:us-east-1:123456789012:repository/x',
    }),
    'ecr:deleterepository',
  ],
  [
    'PutLifecyclePolicy on every account',
    'putLifecyclePolicyScope',
    addStatement('OnPolicyChangedRole', {
      Effect: 'Allow',
      Action: 'ecr:PutLifecyclePolicy',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:*:*:repository/*' },
    }),
    'ecr:*:*:repository',
  ],
  [
    'PutLifecyclePolicy on any resource (scope)',
    'putLifecyclePolicyScope',
    addStatement('OnPolicyChangedRole', { Effect: 'Allow', Action: 'ecr:PutLifecyclePolicy', Resource: '*' }),
    'on *',
  ],
  [
    'S3 on another bucket',
    's3Scope',
    addStatement('WeeklyAggregateRole', { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::someone-elses-bucket/*' }),
    'someone-elses-bucket',
  ],
  [
    'the central copy may go anywhere in the central bucket',
    's3Scope',
    addStatement('WeeklyAggregateRole', {
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${CentralBucketName}/*' },
    }),
    '${CentralBucketName}/*',
  ],
  [
    'Aggregate puts events on the central bus itself',
    'putEventsScope',
    addStatement('WeeklyAggregateRole', { Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'CentralEventBusArn' } }),
    'WeeklyAggregateRole.Policies[0].PolicyDocument.Statement[',
  ],
  [
    'the in-use list policy reads the whole bucket',
    's3Scope',
    (t) => {
      const doc = t.Resources.InUseListReadPolicy?.Properties?.PolicyDocument as { Statement: Statement[] };
      doc.Statement[0] = { ...doc.Statement[0], Resource: 'arn:aws:s3:::ops-lists/*' };
    },
    'ops-lists/*',
  ],
  [
    'an in-use statement may update a service',
    'inUseScope',
    addStatement('OnPolicyChangedRole', {
      Effect: 'Allow',
      Action: ['ecs:UpdateService'],
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ecs:*:${AWS::AccountId}:service/*' },
    }),
    'ecs:updateservice is not a read',
  ],
  [
    'GetFunction on any resource',
    'inUseScope',
    addStatement('WeeklyPlanRole', { Effect: 'Allow', Action: 'lambda:GetFunction', Resource: '*' }),
    'lambda:getfunction on *',
  ],
  [
    'DescribeTasks on another account',
    'inUseScope',
    addStatement('WeeklyPlanRole', { Effect: 'Allow', Action: 'ecs:DescribeTasks', Resource: 'arn:aws:ecs:*:*:task/*' }),
    'ecs:describetasks on arn:aws:ecs:*:*:task/*',
  ],
  [
    'the event rule listing outside the configured regions',
    'inUseScope',
    (t) => {
      for (const statement of inUseSourceStatements(t)) if (statement.Sid === 'InUseListEventRules') delete statement.Condition;
    },
    'events:listeventbuses, events:listrules without the aws:RequestedRegion condition',
  ],
  [
    'the targets of any account’s rules',
    'inUseScope',
    (t) => {
      for (const statement of inUseSourceStatements(t))
        if (statement.Sid === 'InUseListRuleTargets') statement.Resource = 'arn:aws:events:*:*:rule/*';
    },
    'events:listtargetsbyrule on arn:aws:events:*:*:rule/*',
  ],
  [
    'ListTasks without the cluster condition',
    'inUseScope',
    (t) => {
      for (const statement of inlineStatements(t, 'WeeklyPlanRole'))
        if (statement.Sid === 'InUseListEcsServicesAndTasks') delete statement.Condition;
    },
    'without the ecs:cluster condition',
  ],
  [
    'PutEvents on every bus',
    'putEventsScope',
    addStatement('WeeklyAggregateRole', {
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/*' },
    }),
    'event-bus/*',
  ],
  ['a function on nodejs20.x', 'lambdaPlatform', setProperty('OnRepositoryCreatedLambdaFunction', 'Runtime', 'nodejs20.x'), 'nodejs20.x'],
  ['a function on x86_64', 'lambdaPlatform', setProperty('WeeklyShardLambdaFunction', 'Architectures', ['x86_64']), 'x86_64'],
  [
    'a function without Architectures',
    'lambdaPlatform',
    setProperty('OnPolicyChangedLambdaFunction', 'Architectures', undefined),
    'Architectures undefined',
  ],
  [
    'two functions share a role',
    'ownRoles',
    setProperty('OnPolicyChangedLambdaFunction', 'Role', { 'Fn::GetAtt': ['OnRepositoryCreatedRole', 'Arn'] }),
    'shares OnRepositoryCreatedRole',
  ],
  [
    'a function uses an outside role',
    'ownRoles',
    setProperty('OnPolicyChangedLambdaFunction', 'Role', 'arn:aws:iam::123456789012:role/admin'),
    'not a role of this stack',
  ],
  [
    'the bucket is not encrypted',
    'reportBucketProtections',
    setProperty('ReportBucket', 'BucketEncryption', undefined),
    'default encryption',
  ],
  [
    'public policies are allowed',
    'reportBucketProtections',
    (t) => {
      (t.Resources.ReportBucket?.Properties?.PublicAccessBlockConfiguration as Record<string, unknown>).BlockPublicPolicy = false;
    },
    'BlockPublicPolicy',
  ],
  ['reports never expire', 'reportBucketProtections', setProperty('ReportBucket', 'LifecycleConfiguration', undefined), '400 days'],
  ['plain HTTP is allowed', 'reportBucketProtections', removeResources((id) => id === 'ReportBucketPolicy'), 'TLS'],
  ['no dead-letter alarm', 'alarms', removeResources((id) => id === 'DeadLetterAlarm'), 'DeadLetterQueue'],
  [
    'no errors alarm for a function',
    'alarms',
    removeResources((id) => id === 'OnPolicyChangedErrorsAlarm'),
    'OnPolicyChangedLambdaFunction: no Errors alarm',
  ],
  [
    'no on-failure destination',
    'failureHandling',
    removeResources((id, r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && id.startsWith('OnPolicyChanged')),
    'OnPolicyChangedLambdaFunction: no on-failure destination',
  ],
  [
    'unbounded async retries',
    'failureHandling',
    (t) => {
      const config = Object.values(t.Resources).find(
        (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && targetId(r.Properties?.FunctionName) === 'OnRepositoryCreatedLambdaFunction',
      );
      delete config?.Properties?.MaximumRetryAttempts;
    },
    'OnRepositoryCreatedLambdaFunction: MaximumRetryAttempts undefined',
  ],
  [
    'a rule target without retry policy',
    'failureHandling',
    (t) => {
      for (const r of Object.values(t.Resources)) {
        if (r.Type === 'AWS::Events::Rule' && r.Properties?.EventPattern !== undefined)
          for (const target of r.Properties.Targets as Array<Record<string, unknown>>) delete target.RetryPolicy;
      }
    },
    'retries unbounded',
  ],
  ['the topic uses the AWS managed key', 'topicEncryption', setProperty('ReportTopic', 'KmsMasterKeyId', 'alias/aws/sns'), 'alias/aws/sns'],
  [
    'reads in every region',
    'configuredRegionsOnly',
    addStatement('WeeklyShardRole', {
      Effect: 'Allow',
      Action: 'ecr:DescribeImages',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:*:${AWS::AccountId}:repository/*' },
    }),
    'not a one-region repository ARN',
  ],
  [
    'writes in a region not configured',
    'configuredRegionsOnly',
    addStatement('OnPolicyChangedRole', {
      Effect: 'Allow',
      Action: 'ecr:PutLifecyclePolicy',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:ap-south-1:${AWS::AccountId}:repository/*' },
    }),
    'ECR access in ap-south-1',
  ],
  [
    'registry settings read without a region condition',
    'configuredRegionsOnly',
    addStatement('WeeklyPlanRole', { Effect: 'Allow', Action: 'ecr:DescribeRepositoryCreationTemplates', Resource: '*' }),
    'registry settings read in every region',
  ],
  [
    'registry settings read in a region not configured',
    'configuredRegionsOnly',
    addStatement('WeeklyPlanRole', {
      Effect: 'Allow',
      Action: ['ecr:DescribeRegistry', 'ecr:PutLifecyclePolicy'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1', 'ap-south-1'] } },
    }),
    'expected exactly us-east-1, eu-west-1',
  ],
  [
    'a write rides on the registry settings statement',
    'configuredRegionsOnly',
    addStatement('WeeklyPlanRole', {
      Effect: 'Allow',
      Action: ['ecr:DescribeRegistry', 'ecr:PutLifecyclePolicy'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } },
    }),
    'ecr:putlifecyclepolicy rides on the registry settings statement',
  ],
  [
    'a read on "*" without the region condition',
    'readsInConfiguredRegions',
    (t) => {
      const bulk = inlineStatements(t, 'WeeklyPlanRole').find((s) => s.Sid === 'ReadTagsInBulk');
      if (bulk === undefined) throw new Error('no ReadTagsInBulk statement');
      delete bulk.Condition;
    },
    'tag:getresources with aws:RequestedRegion (none)',
  ],
  [
    'reads in a region not configured',
    'readsInConfiguredRegions',
    (t) => {
      const list = inlineStatements(t, 'OnPolicyChangedRole').find((s) => s.Sid === 'InUseListFunctions');
      if (list === undefined) throw new Error('no InUseListFunctions statement');
      list.Condition = { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'ap-south-1'] } };
    },
    'lambda:listfunctions with aws:RequestedRegion ap-south-1, us-east-1',
  ],
  [
    'a listing without its prefix condition',
    'listingsByPrefix',
    (t) => {
      const list = inlineStatements(t, 'WeeklyShardRole').find((s) => s.Sid === 'ListLedgerAndMissingObjectsAreNotFound');
      if (list === undefined) throw new Error('no ListLedgerAndMissingObjectsAreNotFound statement');
      delete list.Condition;
    },
    's3:ListBucket without an s3:prefix condition',
  ],
  [
    'a listing of the whole bucket',
    'listingsByPrefix',
    (t) => {
      const list = inlineStatements(t, 'WeeklyAggregateRole').find((s) => s.Sid === 'ListRun');
      if (list === undefined) throw new Error('no ListRun statement');
      list.Condition = { StringLike: { 's3:prefix': ['runs/*', '*'] } };
    },
    's3:ListBucket with s3:prefix "*" lists the whole bucket',
  ],
  [
    "the topic lets any account's alarms publish",
    'servicesConfined',
    (t) => {
      const alarms = statements(t).find((s) => s.where.startsWith('ReportTopicPolicy.') && s.statement.Sid === 'Alarms');
      if (alarms === undefined) throw new Error('no Alarms statement in ReportTopicPolicy');
      delete alarms.statement.Condition;
    },
    'ReportTopicPolicy.PolicyDocument.Statement[0]: cloudwatch.amazonaws.com without aws:SourceAccount or aws:SourceArn',
  ],
  [
    "the schedule's role trusts EventBridge in any account",
    'servicesConfined',
    (t) => {
      const trust = statements(t).find((s) => s.where.startsWith('WeeklyScheduleRole.AssumeRolePolicyDocument'));
      if (trust === undefined) throw new Error('no trust policy on WeeklyScheduleRole');
      delete trust.statement.Condition;
    },
    'WeeklyScheduleRole.AssumeRolePolicyDocument.Statement[0]: events.amazonaws.com without aws:SourceAccount or aws:SourceArn',
  ],
  [
    "the machine's role trusts Step Functions of another account",
    'servicesConfined',
    (t) => {
      const trust = statements(t).find((s) => s.where.startsWith(`${MACHINE_ROLE}.AssumeRolePolicyDocument`));
      if (trust === undefined) throw new Error(`no trust policy on ${MACHINE_ROLE}`);
      trust.statement.Condition = { StringEquals: { 'aws:SourceAccount': '111122223333' } };
    },
    'states.amazonaws.com with aws:SourceAccount 111122223333',
  ],
  [
    'the dead-letter queue takes messages from any rule of any account',
    'servicesConfined',
    (t) => {
      const dlq = statements(t).find((s) => s.where.startsWith('DeadLetterQueuePolicy.'));
      if (dlq === undefined) throw new Error('no DeadLetterQueuePolicy statement');
      dlq.statement.Condition = { ArnLike: { 'aws:SourceArn': 'arn:aws:events:*:*:rule/*' } };
    },
    'events.amazonaws.com with aws:SourceArn arn:aws:events:*:*:rule/*',
  ],
  [
    'the TLS-only deny without its condition',
    'reportBucketProtections',
    (t) => {
      const deny = statements(t).find((s) => s.statement.Sid === 'DenyInsecureTransport');
      if (deny === undefined) throw new Error('no DenyInsecureTransport statement');
      delete deny.statement.Condition;
    },
    'no bucket policy denies s3:* without TLS',
  ],
  [
    'the opt-out deny keyed on another tag',
    'optOutDenied',
    (t) => {
      for (const { statement } of statements(t).filter((s) => s.role === 'OnPolicyChangedRole' && s.statement.Effect === 'Deny'))
        statement.Condition = { StringEqualsIgnoreCase: { 'aws:ResourceTag/opt-out': 'true' } };
    },
    `OnPolicyChangedRole: no Deny of ecr:PutLifecyclePolicy on repositories tagged ${OPT_OUT_TAG}=true`,
  ],
  [
    'no opt-out deny',
    'optOutDenied',
    (t) => {
      const statements = inlineStatements(t, 'OnRepositoryCreatedRole');
      statements.splice(
        statements.findIndex((s) => s.Effect === 'Deny'),
        1,
      );
    },
    'OnRepositoryCreatedRole: no Deny',
  ],
  [
    'an event handler without reserved concurrency',
    'reservedConcurrency',
    setProperty('OnPolicyChangedLambdaFunction', 'ReservedConcurrentExecutions', undefined),
    'OnPolicyChangedLambdaFunction',
  ],
  [
    'a weekly step without reserved concurrency',
    'reservedConcurrency',
    setProperty('WeeklyAggregateLambdaFunction', 'ReservedConcurrentExecutions', undefined),
    'WeeklyAggregateLambdaFunction',
  ],
  [
    'shards reserved beyond the workers',
    'reservedConcurrency',
    setProperty('WeeklyShardLambdaFunction', 'ReservedConcurrentExecutions', 100),
    'WeeklyShardLambdaFunction: ReservedConcurrentExecutions 100',
  ],
  [
    'any rule of the account may dead-letter to the queue',
    'deadLetterSources',
    (t) => {
      const policy = t.Resources.DeadLetterQueuePolicy?.Properties?.PolicyDocument as {
        Statement: Array<{ Condition: Record<string, unknown> }>;
      };
      for (const statement of policy.Statement) delete statement.Condition.ArnEquals;
    },
    'no aws:SourceArn condition',
  ],
  [
    'a rule dead-letters to the queue the policy does not admit',
    'deadLetterSources',
    (t) => {
      const policy = t.Resources.DeadLetterQueuePolicy?.Properties?.PolicyDocument as {
        Statement: Array<{ Condition: { ArnEquals: { 'aws:SourceArn': unknown[] } } }>;
      };
      for (const statement of policy.Statement) statement.Condition.ArnEquals['aws:SourceArn'].splice(1, 1);
    },
    'aws:SourceArn lacks',
  ],
  [
    'no alarm on restored team writes',
    'alarms',
    removeResources((id) => id === 'TeamWritesRestoredAlarm'),
    'no alarm on TeamWritesRestored',
  ],
  ['no alarm on dropped events', 'alarms', removeResources((id) => id === 'EventsDroppedAlarm'), 'no alarm on EventsDropped'],
  [
    'a public deployment bucket',
    'deploymentBucketProtections',
    setProperty('ServerlessDeploymentBucket', 'PublicAccessBlockConfiguration', undefined),
    'BlockPublicPolicy',
  ],
  ['reports not versioned', 'reportBucketProtections', setProperty('ReportBucket', 'VersioningConfiguration', undefined), 'versioning'],
  [
    'a function role may invoke functions',
    'inUseScope',
    addStatement('WeeklyAggregateRole', { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }),
    'lambda:invokefunction is not a read',
  ],
  [
    'no alarm on failed weekly runs',
    'alarms',
    removeResources((id) => id === 'WeeklyRunFailedAlarm'),
    'WeeklyStateMachine: no ExecutionsFailed alarm',
  ],
  [
    'no alarm on timed-out weekly runs',
    'alarms',
    removeResources((id) => id === 'WeeklyRunTimedOutAlarm'),
    'WeeklyStateMachine: no ExecutionsTimedOut alarm',
  ],
  [
    'a weekly-run alarm that notifies nobody',
    'alarms',
    setProperty('WeeklyRunFailedAlarm', 'AlarmActions', undefined),
    'the ExecutionsFailed alarm does not fire on one execution and notify like DeadLetterAlarm',
  ],
  [
    'the machine may invoke any function',
    'machineRole',
    addStatement(MACHINE_ROLE, {
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:*:*:function:*' },
    }),
    'lambda:invokefunction on',
  ],
  [
    'the machine may write anywhere in the bucket',
    'machineRole',
    (t) => {
      for (const statement of inlineStatements(t, MACHINE_ROLE))
        if (actionsOf(statement).includes('s3:putobject')) statement.Resource = { 'Fn::Sub': '${ReportBucket.Arn}/*' };
    },
    's3:putobject on ${ReportBucket.Arn}/*',
  ],
  [
    'the machine may start any state machine',
    'machineRole',
    (t) => {
      for (const statement of inlineStatements(t, MACHINE_ROLE))
        if (actionsOf(statement).includes('states:startexecution')) statement.Resource = { 'Fn::Sub': `${STATES_ARN}:stateMachine:*` };
    },
    'states:startexecution on',
  ],
  [
    "the machine cannot watch the map's child executions",
    'machineRole',
    (t) => {
      for (const statement of inlineStatements(t, MACHINE_ROLE))
        if (actionsOf(statement).includes('states:describeexecution'))
          statement.Resource = asArray(statement.Resource).filter((r) => !render(r)[0]?.endsWith('/*'));
    },
    'states:describeexecution on',
  ],
  [
    'the machine may also publish the report',
    'machineRole',
    addStatement(MACHINE_ROLE, { Effect: 'Allow', Action: 'events:PutEvents', Resource: '*' }),
    'grants events:putevents',
  ],
  [
    'the machine lacks the ResultWriter',
    'machineRole',
    (t) => {
      const statements = inlineStatements(t, MACHINE_ROLE);
      statements.splice(
        statements.findIndex((s) => s.Sid === 'WriteMapResults'),
        1,
      );
    },
    'lacks s3:putobject',
  ],
  [
    'the machine runs with a role of another stack',
    'machineRole',
    setProperty(MACHINE, 'RoleArn', 'arn:aws:iam::123456789012:role/admin'),
    'its RoleArn',
  ],
  [
    'an inline map',
    'distributedMap',
    changeDefinition([...AUDIT, 'ItemProcessor'], (n) => (n.ProcessorConfig = { Mode: 'INLINE' })),
    'Distributed Map',
  ],
  ['the items inside the state', 'distributedMap', changeDefinition(AUDIT, (n) => delete n.ItemReader), 'ItemReader'],
  [
    'a batch size typed in',
    'distributedMap',
    changeDefinition([...AUDIT, 'ItemBatcher'], (n) => (n.MaxItemsPerBatch = 50)),
    'not batchSize',
  ],
  ['no batching', 'distributedMap', changeDefinition(AUDIT, (n) => delete n.ItemBatcher), 'MaxItemsPerBatch is undefined'],
  ['the workers as a string', 'distributedMap', changeDefinition(AUDIT, (n) => (n.MaxConcurrency = '4')), 'not workers'],
  [
    'no tolerated failures',
    'distributedMap',
    changeDefinition(AUDIT, (n) => delete n.ToleratedFailurePercentage),
    'not toleratedFailurePercent',
  ],
  ['results kept in the state', 'distributedMap', changeDefinition(AUDIT, (n) => delete n.ResultWriter), 'ResultWriter'],
  [
    'a failed map ends the run without a report',
    'distributedMap',
    changeDefinition(AUDIT, (n) => delete n.Catch),
    'does not go on to Aggregate',
  ],
  [
    'a failed map replaces the state',
    'distributedMap',
    changeDefinition([...AUDIT, 'Catch', '0'], (n) => (n.ResultPath = '$')),
    'does not go on to Aggregate',
  ],
  [
    'the run id taken from the input',
    'distributedMap',
    changeDefinition(['States', 'Plan', 'Parameters'], (n) => (n.Payload = { 'runId.$': '$.id' })),
    'runId',
  ],
  [
    'Plan passes its whole answer on',
    'distributedMap',
    changeDefinition(['States', 'Plan'], (n) => delete n.ResultSelector),
    'ResultSelector does not keep exactly',
  ],
  [
    'a step that never retries',
    'weeklyStepRetries',
    changeDefinition(['States', 'Aggregate'], (n) => delete n.Retry),
    "Aggregate: does not retry Lambda's own failures",
  ],
  [
    'a shard retried forever on timeouts',
    'weeklyStepRetries',
    changeDefinition([...SHARD, 'Retry', '1'], (n) => (n.MaxAttempts = 100)),
    'more than 2',
  ],
  [
    'a shard that times out is not tried again',
    'weeklyStepRetries',
    changeDefinition(SHARD, (n) => (n.Retry = asArray(n.Retry as unknown[]).filter((_, i) => i !== 1))),
    'a shard that times out is not tried again',
  ],
  [
    'a shard retried on an input it cannot mend',
    'weeklyStepRetries',
    changeDefinition(SHARD, (n) => (n.Retry = asArray(n.Retry as unknown[]).filter((_, i) => i !== 2))),
    'retries its input errors',
  ],
  [
    'a weekly step nothing invokes',
    'functionTriggers',
    (t) => {
      delete (t.Resources[MACHINE]?.Properties?.DefinitionSubstitutions as Record<string, unknown>).AggregateFunction;
    },
    "WeeklyAggregateLambdaFunction: neither a rule's target nor a step",
  ],
  [
    'the schedule invokes a function',
    'scheduleTargetsMachine',
    (t) => {
      const rule = t.Resources.WeeklySchedule?.Properties as { Targets: Array<Record<string, unknown>> };
      rule.Targets = [{ Id: 'plan', Arn: { 'Fn::GetAtt': ['WeeklyPlanLambdaFunction', 'Arn'] } }];
    },
    'does not target WeeklyStateMachine alone',
  ],
  [
    "the schedule's role may start any execution",
    'scheduleTargetsMachine',
    addStatement('WeeklyScheduleRole', { Effect: 'Allow', Action: 'states:StartExecution', Resource: '*' }),
    'may do more than states:StartExecution',
  ],
  [
    'a schedule start that fails is lost',
    'scheduleTargetsMachine',
    (t) => {
      for (const target of (t.Resources.WeeklySchedule?.Properties as { Targets: Array<Record<string, unknown>> }).Targets)
        delete target.DeadLetterConfig;
    },
    'not kept in DeadLetterQueue',
  ],
  [
    'a second schedule',
    'scheduleTargetsMachine',
    (t) => (t.Resources.Extra = structuredClone(t.Resources.WeeklySchedule as Resource)),
    '2 scheduled rules',
  ],
  [
    'runs never expire',
    'runObjectsExpire',
    (t) => {
      const config = t.Resources.ReportBucket?.Properties?.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> };
      config.Rules = config.Rules.filter((r) => r.Prefix !== 'runs/');
    },
    'expires runs/ after 30 days',
  ],
  [
    'the cache never expires',
    'runObjectsExpire',
    (t) => {
      const config = t.Resources.ReportBucket?.Properties?.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> };
      for (const r of config.Rules) if (r.Prefix === 'cache/') r.Status = 'Disabled';
    },
    'expires cache/ after 90 days',
  ],
  [
    'the ledger never expires',
    'runObjectsExpire',
    (t) => {
      const config = t.Resources.ReportBucket?.Properties?.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> };
      config.Rules = config.Rules.filter((r) => r.Prefix !== 'ledger/');
    },
    'expires ledger/ after 400 days',
  ],
];

describe('generated CloudFormation template', () => {
  let template: Template;

  beforeAll(() => {
    template = loadTemplate();
  });

  describe('checks against the packaged template', () => {
    it.each(Object.keys(CHECKS) as CheckName[])('%s finds nothing wrong', (name) => {
      expect(CHECKS[name](template)).toEqual([]);
    });
  });

  describe('each check fails on a broken template', () => {
    it.each(MUTATIONS)('catches: %s', (_label, check, mutate, expected) => {
      const broken = structuredClone(template);
      mutate(broken);
      const violations = CHECKS[check](broken);
      expect(violations.join('\n')).toContain(expected);
    });
  });

  describe('functions', () => {
    it('defines the six functions, each with its own role', () => {
      const functions = resourcesOfType(template, 'AWS::Lambda::Function').map(([id]) => id);
      expect(functions.sort()).toEqual([...FUNCTIONS].sort());
      const roles = FUNCTIONS.map((f) => roleOf(template, f));
      expect(roles).toEqual([...ROLES]);
    });

    it('gives the weekly steps 15 minutes and the memory each needs', () => {
      const sizes = WEEKLY_FUNCTIONS.map((f) => [
        f,
        template.Resources[f]?.Properties?.Timeout,
        template.Resources[f]?.Properties?.MemorySize,
      ]);
      expect(sizes).toEqual([
        ['WeeklyPlanLambdaFunction', 900, 1024],
        ['WeeklyShardLambdaFunction', 900, 1024],
        ['WeeklyAggregateLambdaFunction', 900, 2048],
      ]);
    });

    it('names the state machine so that its own role can be written without referring to it', () => {
      expect(template.Resources[MACHINE]?.Properties?.StateMachineName).toBe(MACHINE_NAME);
      expect(template.Resources[MACHINE]?.Properties?.StateMachineType).toBe('STANDARD');
      expect(JSON.stringify(template.Resources[MACHINE_ROLE])).not.toContain(MACHINE);
    });

    it("does not create the framework's shared execution role", () => {
      expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    });

    it('starts the weekly run on a schedule and runs the others on ECR API calls', () => {
      const rules = resourcesOfType(template, 'AWS::Events::Rule').map(([, r]) => r.Properties ?? {});
      const targetsOf = (id: string) =>
        rules.filter((r) => asArray(r.Targets as Array<{ Arn: unknown }>).some((target) => targetId(target.Arn) === id));
      expect(targetsOf(MACHINE).map((r) => r.ScheduleExpression)).toEqual(['cron(0 6 ? * MON *)']);
      for (const fn of WEEKLY_FUNCTIONS) expect(targetsOf(fn)).toEqual([]);
      for (const fn of EVENT_FUNCTIONS) {
        const [rule] = targetsOf(fn);
        expect(rule?.EventPattern).toMatchObject({
          source: ['aws.ecr'],
          'detail-type': ['AWS API Call via CloudTrail'],
          detail: { eventSource: ['ecr.amazonaws.com'] },
        });
        // Patterns on the default bus: EventBusName absent means default.
        expect(rule?.EventBusName).toBeUndefined();
      }
      // The ledger: every PolicyExecutionEvent, which ECR sends as a service event (no caller to filter on).
      expect(targetsOf(LEDGER_FUNCTION).map((r) => [r.EventPattern, r.EventBusName])).toEqual([
        [
          {
            source: ['aws.ecr'],
            'detail-type': ['AWS Service Event via CloudTrail'],
            detail: { eventSource: ['ecr.amazonaws.com'], eventName: ['PolicyExecutionEvent'] },
          },
          undefined,
        ],
      ]);
    });
  });

  describe('IAM: exactly what each function calls', () => {
    const logs = ['logs:createlogstream', 'logs:putlogevents'];
    const onEvent = [...logs, 'ecr:getlifecyclepolicy', 'ecr:listtagsforresource', 'ecr:putlifecyclepolicy', 'sqs:sendmessage'];
    // The in-use guard's reads, and the list object (in a policy that exists only when inUseListS3Uri is set).
    const inUse = [...Object.keys(IN_USE_SCOPE), 's3:getobject'];
    it.each([
      // Lists the repositories, reads their tags in bulk and what runs on which image; writes the plan.
      // And the registry's creation templates, pull-through-cache rules and replication, for the report's warnings,
      // and its BLOB_MOUNTING setting.
      [
        'WeeklyPlanRole',
        [
          ...logs,
          ...inUse,
          'ecr:describerepositories',
          'ecr:listtagsforresource',
          'tag:getresources',
          's3:putobject',
          'ecr:describerepositorycreationtemplates',
          'ecr:describepullthroughcacherules',
          'ecr:describeregistry',
          'ecr:getaccountsetting',
        ],
      ],
      // Reads and remediates its batch; the plan, its result and the manifest cache in the bucket.
      [
        'WeeklyShardRole',
        [
          ...logs,
          'ecr:describeimages',
          'ecr:batchgetimage',
          'ecr:getlifecyclepolicy',
          'ecr:listtagsforresource',
          'ecr:putlifecyclepolicy',
          's3:getobject',
          's3:putobject',
          's3:listbucket',
        ],
      ],
      // Reads the run, writes the report and its history, publishes and mails it.
      [
        'WeeklyAggregateRole',
        [...logs, 's3:getobject', 's3:putobject', 's3:listbucket', 'ecr:listpulltimeupdateexclusions', 'events:putevents', 'sns:publish'],
      ],
      ['OnRepositoryCreatedRole', onEvent],
      // The guard also reads the repository's images before a repair; the repair keeps its record in its table.
      ['OnPolicyChangedRole', [...onEvent, ...inUse, 'ecr:describeimages', 'ecr:batchgetimage', 'dynamodb:getitem', 'dynamodb:updateitem']],
      // Writes ledger records; no ECR call at all.
      ['OnPolicyExecutedRole', [...logs, 's3:putobject', 'sqs:sendmessage']],
    ])('%s grants only its calls', (role, expected) => {
      const granted = identityAllowStatements(template)
        .filter((s) => s.role === role)
        .flatMap((s) => actionsOf(s.statement));
      expect([...new Set(granted)].sort()).toEqual([...new Set(expected)].sort());
    });

    const bucket = '${ReportBucket.Arn}';
    it.each([
      ['WeeklyPlanRole', { 's3:putobject': [`${bucket}/runs/*/items.json`, `${bucket}/runs/*/plan.json`] }, []],
      [
        'WeeklyShardRole',
        {
          's3:getobject': [
            `${bucket}/cache/forecast/v1/*`,
            `${bucket}/cache/manifests/v1/*`,
            `${bucket}/ledger/v1/*`,
            `${bucket}/runs/*/plan.json`,
          ],
          's3:putobject': [
            `${bucket}/cache/forecast/v1/*`,
            `${bucket}/cache/manifests/v1/*`,
            `${bucket}/runs/*/blobs/*`,
            `${bucket}/runs/*/shards/*`,
          ],
          's3:listbucket': [bucket],
        },
        ['cache/forecast/v1/*', 'cache/manifests/v1/*', 'ledger/v1/*', 'runs/*/plan.json'],
      ],
      [
        'WeeklyAggregateRole',
        {
          's3:getobject': [`${bucket}/reports/*`, `${bucket}/runs/*`],
          's3:putobject': [`${bucket}/reports/*`, CENTRAL_REPORT_ARN],
          's3:listbucket': [bucket],
        },
        ['reports/*', 'runs/*'],
      ],
      ['OnPolicyExecutedRole', { 's3:putobject': [`${bucket}/ledger/v1/*`] }, []],
    ])('keeps %s to the objects of the report bucket its step reads and writes', (role, expected, listPrefixes) => {
      // The role's own policy (the in-use list object is InUseListReadPolicy's, checked above).
      const found = identityAllowStatements(template).filter(
        (s) => s.role === role && s.where.startsWith(`${role}.`) && actionsOf(s.statement).some((a) => a.startsWith('s3:')),
      );
      const byAction: Record<string, string[]> = {};
      for (const { statement } of found)
        for (const action of actionsOf(statement)) byAction[action] = [...(byAction[action] ?? []), ...resourcesOf(statement)].sort();
      expect(byAction).toEqual(expected);
      // Listing only where the step reads (and so that a missing object answers 404, not 403).
      const listing = found.filter((s) => actionsOf(s.statement).includes('s3:listbucket'));
      expect(listing.map((s) => [...asArray(s.statement.Condition?.StringLike?.['s3:prefix'] as string[] | undefined)].sort())).toEqual(
        listPrefixes.length === 0 ? [] : [listPrefixes],
      );
    });

    it('lets only the plan and policy-change roles read the in-use list, only when one is configured, and nothing else in S3 outside the report bucket', () => {
      const policy = template.Resources.InUseListReadPolicy;
      expect(policy?.Condition).toBe('HasInUseList');
      expect((policy?.Properties?.Roles as unknown[]).map(targetId)).toEqual(['WeeklyPlanRole', 'OnPolicyChangedRole']);
      const [statement] = (policy?.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;
      expect(actionsOf(statement as Statement)).toEqual(['s3:getobject']);
      expect(JSON.stringify(statement?.Resource)).toBe(
        JSON.stringify({
          'Fn::Sub': [
            'arn:${AWS::Partition}:s3:::${ListObject}',
            { ListObject: { 'Fn::Select': [1, { 'Fn::Split': ['s3://', { Ref: 'InUseListS3Uri' }] }] } },
          ],
        }),
      );
      expect((template as unknown as { Conditions: Record<string, unknown> }).Conditions.HasInUseList).toEqual({
        'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'InUseListS3Uri' }, ''] }],
      });
    });

    it('gives the new repository handler no in-use reads: a new repository has no images', () => {
      const granted = identityAllowStatements(template)
        .filter((s) => s.role === 'OnRepositoryCreatedRole')
        .flatMap((s) => actionsOf(s.statement));
      expect(granted.filter((a) => a.startsWith('ecs:') || a.startsWith('lambda:'))).toEqual([]);
    });

    it('grants the roles that read what is in use every action each in-use source calls, and no other in-use read', () => {
      // The permissions each scanner names (also in its AccessDenied warning), every source.
      const called = createWorkloadScannerPool({ credentials: { accessKeyId: 'x', secretAccessKey: 'y' } })(PACKAGED_REGIONS[0] as string)
        .flatMap((scanner) => scanner.permissions)
        .map((a) => a.toLowerCase());
      expect([...new Set(called)].sort()).toEqual(Object.keys(IN_USE_SCOPE).sort());
      for (const role of ['WeeklyPlanRole', 'OnPolicyChangedRole']) {
        const granted = new Set(
          identityAllowStatements(template)
            .filter((s) => s.role === role)
            .flatMap((s) => actionsOf(s.statement)),
        );
        expect(called.filter((a) => !granted.has(a))).toEqual([]);
      }
    });

    it('keeps each in-use grant in its own statement with a Sid, apart from the ECR ones', () => {
      for (const role of ['WeeklyPlanRole', 'OnPolicyChangedRole']) {
        const sids = identityAllowStatements(template)
          .filter((s) => s.role === role && actionsOf(s.statement).some((a) => a.startsWith('ecs:') || a.startsWith('lambda:')))
          .map((s) => s.statement.Sid);
        expect(sids).toEqual([
          'InUseListEcsClusters',
          'InUseListEcsServicesAndTasks',
          'InUseDescribeEcsWorkloads',
          'InUseListFunctions',
          'InUseGetFunctions',
        ]);
      }
    });

    it("writes logs only to the function's own log group", () => {
      for (const [role, fn] of [
        ['WeeklyPlanRole', 'weeklyPlan'],
        ['WeeklyShardRole', 'weeklyShard'],
        ['WeeklyAggregateRole', 'weeklyAggregate'],
        ['OnRepositoryCreatedRole', 'onRepositoryCreated'],
        ['OnPolicyChangedRole', 'onPolicyChanged'],
        ['OnPolicyExecutedRole', 'onPolicyExecuted'],
      ] as const) {
        const resources = identityAllowStatements(template)
          .filter((s) => s.role === role && actionsOf(s.statement).some((a) => a.startsWith('logs:')))
          .flatMap((s) => resourcesOf(s.statement));
        expect(resources).toEqual([
          `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/ecr-janitor-prod-${fn}:*`,
        ]);
      }
    });

    it('lets only the event handlers send, and only to the dead-letter queue (their on-failure destination)', () => {
      const sqs = identityAllowStatements(template).filter((s) => actionsOf(s.statement).some((a) => a.startsWith('sqs:')));
      expect(sqs.map((s) => s.role)).toEqual(['OnRepositoryCreatedRole', 'OnPolicyChangedRole', 'OnPolicyExecutedRole']);
      for (const s of sqs) expect(resourcesOf(s.statement)).toEqual(['${DeadLetterQueue.Arn}']);
    });

    it('trusts only the Lambda service to assume the functions’ roles', () => {
      for (const role of ROLES) {
        const trust = statements(template).filter((s) => s.where.startsWith(`${role}.AssumeRolePolicyDocument`));
        expect(trust.map((s) => s.statement)).toEqual([
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ]);
      }
    });
  });

  describe('configuration the functions receive', () => {
    it('gives onPolicyChanged the names of the janitor roles that write policies as a plain string, so it ignores their writes', () => {
      const env = (template.Resources.OnPolicyChangedLambdaFunction?.Properties?.Environment as { Variables: Record<string, unknown> })
        .Variables;
      const writers = [
        ...new Set(
          identityAllowStatements(template)
            .filter((s) => actionsOf(s.statement).includes('ecr:putlifecyclepolicy'))
            .map((s) => s.role),
        ),
      ];
      expect(writers).toEqual(['WeeklyShardRole', 'OnRepositoryCreatedRole', 'OnPolicyChangedRole']);
      const roleNames = writers.map((role) => template.Resources[role ?? '']?.Properties?.RoleName);
      expect(roleNames.every((name) => typeof name === 'string' && name.length <= 64)).toBe(true);
      expect(env.JANITOR_ROLES).toBe(roleNames.join(','));
    });

    it('names every function role after the home region, so the event rules can drop their writes', () => {
      const names = ROLES.map((role) => template.Resources[role]?.Properties?.RoleName);
      expect(names).toEqual([
        'ecr-janitor-prod-us-east-1-plan',
        'ecr-janitor-prod-us-east-1-shard',
        'ecr-janitor-prod-us-east-1-aggregate',
        'ecr-janitor-prod-us-east-1-created',
        'ecr-janitor-prod-us-east-1-policy',
        'ecr-janitor-prod-us-east-1-ledger',
      ]);
    });

    it("gives onPolicyChanged its repair table, and lets it read and update that table's items only", () => {
      const env = (template.Resources.OnPolicyChangedLambdaFunction?.Properties?.Environment as { Variables: Record<string, unknown> })
        .Variables;
      const table = template.Resources.RepairTable;
      expect(table?.Type).toBe('AWS::DynamoDB::Table');
      expect(env.REPAIR_TABLE).toBe(table?.Properties?.TableName);
      const statements = identityAllowStatements(template).filter((s) => actionsOf(s.statement).some((a) => a.startsWith('dynamodb:')));
      expect(statements.map((s) => [s.role, render(s.statement.Resource)])).toEqual([['OnPolicyChangedRole', ['${RepairTable.Arn}']]]);
    });

    it('keeps every environment value of onPolicyChanged a plain string, so `serverless invoke local` can run it', () => {
      const env = (template.Resources.OnPolicyChangedLambdaFunction?.Properties?.Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect(
        Object.entries(env)
          .filter(([, v]) => typeof v !== 'string')
          .map(([k]) => k),
      ).toEqual([]);
    });

    it('gives each weekly step and the ledger the report bucket, and the event handlers none', () => {
      const bucketOf = (id: string) =>
        (template.Resources[id]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables.REPORT_BUCKET;
      expect(WEEKLY_FUNCTIONS.map((id) => render(bucketOf(id)))).toEqual([['${ReportBucket}'], ['${ReportBucket}'], ['${ReportBucket}']]);
      expect(EVENT_FUNCTIONS.map(bucketOf)).toEqual([undefined, undefined]);
      expect(render(bucketOf(LEDGER_FUNCTION))).toEqual(['${ReportBucket}']);
    });

    it("gives Aggregate the shards' role ARN, to check that the role that reads manifests is excluded from pull-time updates", () => {
      const env = (template.Resources.WeeklyAggregateLambdaFunction?.Properties?.Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect(render(env.AUDIT_ROLE_ARN)).toEqual(['${WeeklyShardRole.Arn}']);
      const readers = identityAllowStatements(template)
        .filter((s) => actionsOf(s.statement).includes('ecr:batchgetimage') && s.role?.startsWith('Weekly'))
        .map((s) => s.role);
      expect(readers).toEqual(['WeeklyShardRole']);
      expect(render((template as unknown as { Outputs: Record<string, { Value: unknown }> }).Outputs.AuditRoleArn?.Value)).toEqual([
        '${WeeklyShardRole.Arn}',
      ]);
    });

    it('lets only the Aggregate role publish, and only to the report topic, so no event can send the e-mail', () => {
      const granting = identityAllowStatements(template).filter((s) => actionsOf(s.statement).includes('sns:publish'));
      expect(granting.map((s) => [s.role, actionsOf(s.statement), resourcesOf(s.statement)])).toEqual([
        ['WeeklyAggregateRole', ['sns:publish'], ['${ReportTopic}']],
      ]);
      const topicPolicy = statements(template).filter((s) => s.where.startsWith('ReportTopicPolicy'));
      expect(topicPolicy.map((s) => s.statement.Principal)).toEqual([{ Service: 'cloudwatch.amazonaws.com' }]);
      const rulesToTopic = Object.values(template.Resources).filter(
        (r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties?.Targets ?? []).includes('ReportTopic'),
      );
      expect(rulesToTopic).toEqual([]);
    });

    it('gives Aggregate the report topic only when there is a report e-mail', () => {
      const env = (template.Resources.WeeklyAggregateLambdaFunction?.Properties?.Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect(env.REPORT_TOPIC_ARN).toEqual({ 'Fn::If': ['HasReportEmail', { Ref: 'ReportTopic' }, ''] });
    });

    it('passes the report parameters to every function as plain strings', () => {
      for (const id of FUNCTIONS) {
        const env = (template.Resources[id]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
        expect({
          id,
          COST_ALLOCATION_TAG_KEYS: env.COST_ALLOCATION_TAG_KEYS,
          ARCHIVE_AFTER_DAYS: env.ARCHIVE_AFTER_DAYS,
          ARCHIVE_PRICE_PER_GB_MONTH: env.ARCHIVE_PRICE_PER_GB_MONTH,
        }).toEqual({
          id,
          COST_ALLOCATION_TAG_KEYS: '',
          ARCHIVE_AFTER_DAYS: '90',
          ARCHIVE_PRICE_PER_GB_MONTH: '',
        });
      }
    });

    it("lets only the Aggregate role list the pull-time update exclusions, a read of the registry's settings", () => {
      const granting = identityAllowStatements(template).filter((s) => actionsOf(s.statement).includes('ecr:listpulltimeupdateexclusions'));
      expect(granting.map((s) => s.role)).toEqual(['WeeklyAggregateRole']);
      // The action has no resource type: only "*" works, and nothing else rides on that statement.
      expect(granting.map((s) => [actionsOf(s.statement), resourcesOf(s.statement)])).toEqual([
        [['ecr:listpulltimeupdateexclusions'], ['*']],
      ]);
    });

    it("gives Aggregate the central bucket parameter and the stack's account, and lets it write only its own folder there, only when set", () => {
      const env = (template.Resources.WeeklyAggregateLambdaFunction?.Properties?.Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect([env.CENTRAL_BUCKET, env.ACCOUNT_ID]).toEqual([{ Ref: 'CentralBucketName' }, { Ref: 'AWS::AccountId' }]);
      // The statement is there only under HasCentralBucket (`Fn::If` [condition, statement, AWS::NoValue]).
      const conditional = (inlineStatements(template, 'WeeklyAggregateRole') as unknown[])
        .map((s) => (isRecord(s) ? s['Fn::If'] : undefined))
        .filter((f): f is [string, Statement, unknown] => Array.isArray(f) && f[0] === 'HasCentralBucket');
      expect(conditional.map(([, s, otherwise]) => [s.Sid, actionsOf(s), resourcesOf(s), otherwise])).toEqual([
        ['WriteCentralReport', ['s3:putobject'], [CENTRAL_REPORT_ARN], { Ref: 'AWS::NoValue' }],
      ]);
      const conditions = (template as unknown as { Conditions: Record<string, unknown> }).Conditions;
      expect(conditions.HasCentralBucket).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'CentralBucketName' }, ''] }] });
      expect(conditions.HasCentralBus).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'CentralEventBusArn' }, ''] }] });
      const parameters = (template as unknown as { Parameters: Record<string, { Default: unknown }> }).Parameters;
      expect([parameters.CentralBucketName?.Default, parameters.CentralEventBusArn?.Default]).toEqual(['', '']);
    });

    it('sends the report event, and only it, from the report bus to the central bus with a role that may put there alone, only when one is set', () => {
      const rule = template.Resources.CentralReportEventsRule;
      expect(rule?.Condition).toBe('HasCentralBus');
      expect(rule?.Properties?.EventBusName).toEqual({ Ref: 'ReportBus' });
      expect(rule?.Properties?.EventPattern).toEqual({ source: [REPORT_EVENT_SOURCE], 'detail-type': [REPORT_EVENT_DETAIL_TYPE] });
      const targets = rule?.Properties?.Targets as Array<Record<string, unknown>>;
      expect(targets.map((t) => [t.Arn, targetId(t.RoleArn), targetId((t.DeadLetterConfig as { Arn: unknown }).Arn)])).toEqual([
        [{ Ref: 'CentralEventBusArn' }, 'CentralReportEventsRole', 'DeadLetterQueue'],
      ]);
      expect(template.Resources.CentralReportEventsRole?.Condition).toBe('HasCentralBus');
      expect(trustedService(template, 'CentralReportEventsRole')).toBe('events.amazonaws.com');
      const granted = identityAllowStatements(template).filter((s) => s.role === 'CentralReportEventsRole');
      expect(granted.map((s) => [actionsOf(s.statement), resourcesOf(s.statement)])).toEqual([
        [['events:putevents'], ['${CentralEventBusArn}']],
      ]);
    });

    it('keeps every environment value of onRepositoryCreated a plain string, so `serverless invoke local` can run it', () => {
      const env = (template.Resources.OnRepositoryCreatedLambdaFunction?.Properties?.Environment as { Variables: Record<string, unknown> })
        .Variables;
      const notStrings = Object.entries(env)
        .filter(([, v]) => typeof v !== 'string')
        .map(([k]) => k);
      expect(notStrings).toEqual([]);
    });
  });
});
