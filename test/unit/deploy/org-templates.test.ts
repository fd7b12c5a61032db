// Checks the templates of an organization rollout that `npm run package:org` writes (npm test packages
// before jest): member.json, the stack every account gets in every region of the stack set, and
// org.json, the stack set with the organization's central bucket, bus and consolidator. Conditions are
// evaluated as CloudFormation would for a region and a set of parameters, so the home and forwarder
// shapes of the one member template are checked as the accounts will get them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { REPORT_EVENT_DETAIL_TYPE, REPORT_EVENT_SOURCE } from '../../../src/domain/report-event';
import { CENTRAL_ACCOUNTS_PREFIX } from '../../../src/use-cases/publish-report';
import type { Manifest } from '../../../scripts/org/package';
import { isRecord, stringsOf, type Resource, type Template } from '../../../scripts/org/template';

const DIR = path.resolve(__dirname, '..', '..', '..', '.serverless-org');
/** What CloudFormation accepts as a template body from S3, and inline. */
const S3_TEMPLATE_LIMIT = 1024 * 1024;
const INLINE_TEMPLATE_LIMIT = 51_200;
/** A region name anywhere inside a string. */
const REGION_IN_TEXT = /\b[a-z]{2}(-[a-z]+)+-\d\b/;
/** The longest region names there are, for length limits (IAM role names: 64 characters). */
const LONG_REGION = 'ap-southeast-2';
const ACCOUNT = '111122223333';

function read(file: string): string {
  const full = path.join(DIR, file);
  if (!existsSync(full))
    throw new Error(`${full} does not exist: run \`npm run package:org\` first (npm test packages before running jest)`);
  return readFileSync(full, 'utf8');
}

const memberText = read('member.json');
const orgText = read('org.json');
const member = JSON.parse(memberText) as Template;
const org = JSON.parse(orgText) as Template;
const manifest = JSON.parse(read('manifest.json')) as Manifest;

type Values = Record<string, string | string[]>;

/** The member stack's parameters as the stack set passes them, over `overrides`. */
function memberParams(region: string, overrides: Values = {}): Values {
  return {
    'AWS::Region': region,
    'AWS::AccountId': ACCOUNT,
    'AWS::Partition': 'aws',
    ArtifactBucketPrefix: 'acme-ecr-janitor',
    HomeRegion: 'eu-central-1',
    Regions: ['eu-central-1', 'us-west-2'],
    CentralBucketName: '',
    CentralEventBusArn: '',
    ReportEmail: '',
    ReportBus: 'default',
    InUseListS3Uri: '',
    ...overrides,
  };
}

/** Evaluates a condition expression as CloudFormation does. */
function evaluate(t: Template, expression: unknown, values: Values): unknown {
  if (!isRecord(expression)) return expression;
  if (typeof expression.Ref === 'string') {
    const value = values[expression.Ref];
    if (value === undefined) throw new Error(`no value for ${expression.Ref}`);
    return value;
  }
  if (typeof expression.Condition === 'string') return evaluate(t, t.Conditions?.[expression.Condition], values);
  const [fn, args] = Object.entries(expression)[0] as [string, unknown[]];
  const arg = (i: number) => evaluate(t, args[i], values);
  switch (fn) {
    case 'Fn::Equals':
      return JSON.stringify(arg(0)) === JSON.stringify(arg(1));
    case 'Fn::Not':
      return !arg(0);
    case 'Fn::And':
      return args.every((_, i) => arg(i) === true);
    case 'Fn::Or':
      return args.some((_, i) => arg(i) === true);
    case 'Fn::Split':
      return String(arg(1)).split(String(arg(0)));
    case 'Fn::Select':
      return (arg(1) as unknown[])[Number(arg(0))];
    default:
      throw new Error(`cannot evaluate ${fn}`);
  }
}

function holds(t: Template, condition: string | undefined, values: Values): boolean {
  return condition === undefined || evaluate(t, { Condition: condition }, values) === true;
}

/** The logical ids of the resources that exist for these values. */
function resourcesFor(t: Template, values: Values): string[] {
  return Object.entries(t.Resources)
    .filter(([, r]) => holds(t, r.Condition, values))
    .map(([id]) => id)
    .sort();
}

/** A value with `Fn::Sub` strings, `Ref`s, `Fn::Join` and `Fn::If` resolved for these values. */
function resolve(t: Template, value: unknown, values: Values): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(t, v, values)).filter((v) => v !== NO_VALUE);
  if (!isRecord(value)) return value;
  if (value.Ref === 'AWS::NoValue') return NO_VALUE;
  if (typeof value.Ref === 'string' && value.Ref in values) return values[value.Ref];
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string')
    return sub.replace(/\$\{([^}!]+)\}/g, (whole, name: string) => {
      const v = values[name];
      return typeof v === 'string' ? v : whole;
    });
  const join = value['Fn::Join'];
  if (Array.isArray(join)) return (resolve(t, join[1], values) as unknown[]).join(String(join[0]));
  const fnIf = value['Fn::If'];
  if (Array.isArray(fnIf)) return resolve(t, holds(t, String(fnIf[0]), values) ? fnIf[1] : fnIf[2], values);
  return Object.fromEntries(
    Object.entries(value)
      .map(([k, v]) => [k, resolve(t, v, values)])
      .filter(([, v]) => v !== NO_VALUE),
  );
}
const NO_VALUE = Symbol('AWS::NoValue');

function ofType(t: Template, type: string): Array<[string, Resource]> {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The inline statements of a role, each `Fn::If` taken as its statement branch (with the condition). */
function roleStatements(t: Template, role: string): Array<{ statement: Statement; condition?: string }> {
  const policies = (t.Resources[role]?.Properties?.Policies ?? []) as Array<{ PolicyDocument: { Statement: unknown[] } }>;
  return policies.flatMap((p) =>
    p.PolicyDocument.Statement.map((s) => {
      const fnIf = isRecord(s) ? s['Fn::If'] : undefined;
      return Array.isArray(fnIf) ? { statement: fnIf[1] as Statement, condition: String(fnIf[0]) } : { statement: s as Statement };
    }),
  );
}

function actions(s: Statement): string[] {
  return (Array.isArray(s.Action) ? s.Action : [s.Action]).map((a) => a.toLowerCase());
}

function resources(s: Statement): unknown[] {
  return s.Resource === undefined ? [] : Array.isArray(s.Resource) ? s.Resource : [s.Resource];
}

function env(t: Template, id: string): Record<string, unknown> {
  return (t.Resources[id]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
}

const FUNCTIONS = ofType(member, 'AWS::Lambda::Function').map(([id]) => id);
const ROLES = ofType(member, 'AWS::IAM::Role').map(([id]) => id);

describe('member.json (the stack every account gets)', () => {
  describe('what a stack set accepts', () => {
    it('has no Transform and names no deployment bucket of its own', () => {
      expect(member.Transform).toBeUndefined();
      expect(memberText).not.toContain('ServerlessDeploymentBucket');
      expect(ofType(member, 'AWS::S3::Bucket').map(([id]) => id)).toEqual(['ReportBucket']);
    });

    it('keeps the report bucket of an account when its stack is deleted, so removing the stack set never stops at a bucket with reports', () => {
      expect(member.Resources.ReportBucket).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      expect(org.Resources.CentralBucket).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });

    it(`fits the template size CloudFormation reads from S3 (${memberText.length} bytes of ${S3_TEMPLATE_LIMIT})`, () => {
      expect(Buffer.byteLength(memberText)).toBeLessThanOrEqual(S3_TEMPLATE_LIMIT);
    });

    it('names no region: the home region is AWS::Region or HomeRegion, the audited ones the Regions parameter', () => {
      expect(stringsOf(member).filter((s) => REGION_IN_TEXT.test(s))).toEqual([]);
    });

    it('takes the artifact bucket prefix, the home region and the regions as parameters, the home region among the regions', () => {
      expect(member.Parameters?.ArtifactBucketPrefix).toMatchObject({ Type: 'String' });
      expect(member.Parameters?.HomeRegion).toMatchObject({ Type: 'String' });
      expect(member.Parameters?.Regions).toMatchObject({ Type: 'CommaDelimitedList' });
      expect(JSON.stringify(member.Rules)).toContain('{"Fn::Contains":[{"Ref":"Regions"},{"Ref":"HomeRegion"}]}');
      const prefix = new RegExp(String(member.Parameters?.ArtifactBucketPrefix?.AllowedPattern));
      // The longest prefix allowed still makes a bucket name S3 accepts with the longest region.
      expect(prefix.test('a'.repeat(48))).toBe(true);
      expect(prefix.test('a'.repeat(49))).toBe(false);
      expect(`${'a'.repeat(48)}-${LONG_REGION}`.length).toBeLessThanOrEqual(63);
      expect(['Acme', 'acme.artifacts', '-acme', 'acme-'].filter((p) => prefix.test(p))).toEqual([]);
    });
  });

  describe('function code', () => {
    it.each(FUNCTIONS)('%s reads its zip from the artifact bucket of its own region, under the release prefix', (id) => {
      const code = member.Resources[id]?.Properties?.Code as { S3Bucket: unknown; S3Key: string };
      expect(code.S3Bucket).toEqual({ 'Fn::Sub': '${ArtifactBucketPrefix}-${AWS::Region}' });
      const file = manifest.files.find((f) => f.key === code.S3Key);
      expect(file).toMatchObject({ contentType: 'application/zip' });
      expect(code.S3Key.startsWith(`${manifest.keyPrefix}/`)).toBe(true);
    });

    it("ships the very zips the stack's versions were computed from", () => {
      const versions = ofType(member, 'AWS::Lambda::Version');
      expect(versions).toHaveLength(FUNCTIONS.length);
      for (const [, version] of versions) {
        const fn = (version.Properties?.FunctionName as { Ref: string }).Ref;
        const key = (member.Resources[fn]?.Properties?.Code as { S3Key: string }).S3Key;
        const file = manifest.files.find((f) => f.key === key)?.file ?? '';
        const zip = readFileSync(path.join(DIR, file));
        expect(createHash('sha256').update(zip).digest('base64')).toBe(version.Properties?.CodeSha256);
      }
    });
  });

  describe('one template, two shapes', () => {
    const home = memberParams('eu-central-1');
    const other = memberParams('us-west-2');
    const built = JSON.parse(read('build/home/cloudformation-template-update-stack.json')) as Template;

    it('runs the janitor in the home region: every resource of the home stack but the deployment bucket, and no forwarder', () => {
      const expected = Object.entries(built.Resources)
        .filter(([id, r]) => !id.startsWith('ServerlessDeploymentBucket') && r.Condition === undefined)
        .map(([id]) => id)
        .sort();
      expect(resourcesFor(member, home)).toEqual(expected);
    });

    it('only forwards in every other region: the rules to the home bus (ECR calls, lifecycle evaluations) and their role', () => {
      expect(resourcesFor(member, other)).toEqual([
        'ForwardEcrCreatedRepositories',
        'ForwardEcrEvents',
        'ForwardEcrEventsRole',
        'ForwardPolicyExecutionEvents',
      ]);
      expect(Object.keys(member.Outputs ?? {}).filter((id) => holds(member, member.Outputs?.[id]?.Condition, other))).toEqual([
        'HomeBusArn',
      ]);
      const target = (member.Resources.ForwardEcrEvents?.Properties?.Targets as Array<{ Arn: unknown }>)[0];
      expect(resolve(member, target?.Arn, other)).toBe(`arn:aws:events:eu-central-1:${ACCOUNT}:event-bus/default`);
    });

    it('creates nothing central and grants nothing central when the central parameters are empty', () => {
      const existing = resourcesFor(member, home);
      expect(existing.filter((id) => id.startsWith('Central'))).toEqual([]);
      const granted = resolve(member, member.Resources.WeeklyAggregateRole?.Properties?.Policies, home);
      expect(JSON.stringify(granted)).not.toContain('accounts/');
    });

    it('sends the report event to the central bus and writes the own folder of the central bucket when they are set, in the home region only', () => {
      const central = {
        CentralBucketName: 'acme-org-reports',
        CentralEventBusArn: 'arn:aws:events:eu-central-1:999988887777:event-bus/ecr-janitor-org',
      };
      const inHome = resourcesFor(member, memberParams('eu-central-1', central));
      expect(inHome.filter((id) => id.startsWith('Central'))).toEqual(['CentralReportEventsRole', 'CentralReportEventsRule']);
      expect(resourcesFor(member, memberParams('us-west-2', central))).toEqual([
        'ForwardEcrCreatedRepositories',
        'ForwardEcrEvents',
        'ForwardEcrEventsRole',
        'ForwardPolicyExecutionEvents',
      ]);
      const rule = member.Resources.CentralReportEventsRule?.Properties ?? {};
      expect(rule.EventPattern).toEqual({ source: [REPORT_EVENT_SOURCE], 'detail-type': [REPORT_EVENT_DETAIL_TYPE] });
      expect(resolve(member, (rule.Targets as Array<{ Arn: unknown }>)[0]?.Arn, memberParams('eu-central-1', central))).toBe(
        central.CentralEventBusArn,
      );
      const writes = roleStatements(member, 'WeeklyAggregateRole').filter((s) => s.condition === 'HasCentralBucket');
      expect(
        writes.map((s) => [actions(s.statement), resolve(member, s.statement.Resource, memberParams('eu-central-1', central))]),
      ).toEqual([[['s3:putobject'], `arn:aws:s3:::acme-org-reports/${CENTRAL_ACCOUNTS_PREFIX}${ACCOUNT}/*`]]);
      expect(resolve(member, env(member, 'WeeklyAggregateLambdaFunction').CENTRAL_BUCKET, memberParams('eu-central-1', central))).toBe(
        'acme-org-reports',
      );
      expect(env(member, 'WeeklyAggregateLambdaFunction').ACCOUNT_ID).toEqual({ Ref: 'AWS::AccountId' });
    });
  });

  describe('regions', () => {
    it('gives every function the Regions parameter as its region list', () => {
      for (const id of FUNCTIONS) expect(env(member, id).REGIONS).toEqual({ 'Fn::Join': [',', { Ref: 'Regions' }] });
    });

    it('holds every statement on ECR, ECS or Lambda resources of any region to the Regions parameter', () => {
      const regional = ROLES.flatMap((role) => roleStatements(member, role).map((s) => ({ role, ...s })))
        .filter(({ statement }) => statement.Effect === 'Allow')
        .filter(({ statement }) => /:(ecr|ecs|lambda):\*:/.test(JSON.stringify([statement.Resource, statement.Condition])));
      expect(regional.length).toBeGreaterThanOrEqual(10);
      for (const { role, statement } of regional) {
        expect({ role, sid: statement.Sid, region: statement.Condition?.StringEquals?.['aws:RequestedRegion'] }).toEqual({
          role,
          sid: statement.Sid,
          region: { Ref: 'Regions' },
        });
      }
    });

    it('names the function roles after the region, unique per region and within 64 characters', () => {
      const names = ROLES.map((id) => member.Resources[id]?.Properties?.RoleName).filter((n) => n !== undefined);
      expect(names).toHaveLength(6);
      for (const name of names) {
        expect(name).toEqual({ 'Fn::Sub': expect.stringMatching(/^ecr-janitor-prod-\$\{AWS::Region\}-[a-z]+$/) as unknown });
        expect(String(resolve(member, name, memberParams(LONG_REGION))).length).toBeLessThanOrEqual(64);
      }
    });

    it("brings the janitor's own writes to the repair in the home rule and the forwarder alike, and names its roles to the function", () => {
      const values = memberParams('eu-central-1');
      const roleArns = ['WeeklyShardRole', 'OnRepositoryCreatedRole', 'OnPolicyChangedRole'].map(
        (id) =>
          `arn:aws:sts::${ACCOUNT}:assumed-role/${String(resolve(member, member.Resources[id]?.Properties?.RoleName, values))}/session`,
      );
      const homeRule = Object.entries(member.Resources).find(
        ([, r]) =>
          r.Type === 'AWS::Events::Rule' &&
          JSON.stringify(r.Properties?.EventPattern ?? {}).includes('PutLifecyclePolicy') &&
          r.Condition === 'IsHome',
      )?.[0];
      // No caller filter: a janitor write that landed late is checked against the newest team write.
      for (const rule of [homeRule ?? '', 'ForwardEcrEvents']) {
        expect(JSON.stringify(member.Resources[rule]?.Properties?.EventPattern)).not.toContain('userIdentity');
      }
      expect(resolve(member, env(member, 'OnPolicyChangedLambdaFunction').JANITOR_ROLES, values)).toBe(
        roleArns.map((arn) => /assumed-role\/([^/]+)\//.exec(arn)?.[1]).join(','),
      );
    });
  });
});

describe('org.json (the stack set and what the organization shares)', () => {
  const stackSet = org.Resources.MemberStackSet?.Properties ?? {};
  const parameter = (name: string) => org.Parameters?.[name];

  it(`has no Transform and deploys inline (${orgText.length} bytes of ${INLINE_TEMPLATE_LIMIT})`, () => {
    expect(org.Transform).toBeUndefined();
    expect(Buffer.byteLength(orgText)).toBeLessThanOrEqual(INLINE_TEMPLATE_LIMIT);
  });

  describe('the member stack set', () => {
    it('is service-managed, deploys to accounts that join the OUs, and may create named roles', () => {
      expect(org.Resources.MemberStackSet?.Type).toBe('AWS::CloudFormation::StackSet');
      expect(stackSet.PermissionModel).toBe('SERVICE_MANAGED');
      expect(stackSet.AutoDeployment).toMatchObject({ Enabled: true });
      expect(stackSet.Capabilities).toEqual(expect.arrayContaining(['CAPABILITY_NAMED_IAM']));
    });

    it('reads member.json of this release from the artifact bucket of its own region', () => {
      const memberFile = manifest.files.find((f) => f.file === 'member.json');
      expect(stackSet.TemplateURL).toEqual({
        'Fn::Sub': `https://\${ArtifactBucketPrefix}-\${AWS::Region}.s3.\${AWS::Region}.\${AWS::URLSuffix}/${memberFile?.key ?? '?'}`,
      });
    });

    it('targets the OUs and regions given as parameters, called as SELF or as the delegated administrator', () => {
      expect(stackSet.StackInstancesGroup).toEqual([
        { DeploymentTargets: { OrganizationalUnitIds: { Ref: 'OrganizationalUnitIds' } }, Regions: { Ref: 'Regions' } },
      ]);
      expect(parameter('OrganizationalUnitIds')?.Type).toBe('CommaDelimitedList');
      expect(parameter('Regions')?.Type).toBe('CommaDelimitedList');
      expect(stackSet.CallAs).toEqual({ Ref: 'CallAs' });
      expect(parameter('CallAs')).toMatchObject({ AllowedValues: ['SELF', 'DELEGATED_ADMIN'], Default: 'SELF' });
      expect(JSON.stringify(org.Rules)).toContain('{"Fn::Contains":[{"Ref":"Regions"},{"Ref":"AWS::Region"}]}');
    });

    it('deploys the regions in parallel with a failure tolerance', () => {
      expect(stackSet.OperationPreferences).toMatchObject({
        RegionConcurrencyType: 'PARALLEL',
        FailureTolerancePercentage: { Ref: 'FailureTolerancePercentage' },
      });
      expect(parameter('FailureTolerancePercentage')).toMatchObject({ Type: 'Number', MinValue: 0, MaxValue: 100 });
    });

    it("gives each member every parameter member.json lacks a default for, its home region this stack's, and the central bucket and bus", () => {
      const passed = Object.fromEntries(
        (stackSet.Parameters as Array<{ ParameterKey: string; ParameterValue: unknown }>).map((p) => [p.ParameterKey, p.ParameterValue]),
      );
      const required = Object.entries(member.Parameters ?? {})
        .filter(([, p]) => p.Default === undefined)
        .map(([name]) => name);
      expect(Object.keys(passed).filter((k) => !(k in (member.Parameters ?? {})))).toEqual([]);
      expect(required.filter((name) => !(name in passed))).toEqual([]);
      expect(passed).toMatchObject({
        HomeRegion: { Ref: 'AWS::Region' },
        Regions: { 'Fn::Join': [',', { Ref: 'Regions' }] },
        CentralBucketName: { Ref: 'CentralBucket' },
        CentralEventBusArn: { 'Fn::GetAtt': ['CentralEventBus', 'Arn'] },
      });
    });

    it('tells how to give the management account, which a service-managed stack set never deploys to, the same member stack', () => {
      const [command] = (org.Outputs?.ManagementAccountCommand?.Value as { 'Fn::Sub': [string, unknown] })['Fn::Sub'];
      expect(command).toContain('--template-file .serverless-org/member.json');
      expect(command).toContain('--capabilities CAPABILITY_NAMED_IAM');
      for (const name of ['ArtifactBucketPrefix', 'HomeRegion', 'Regions', 'CentralBucketName', 'CentralEventBusArn'])
        expect(command).toContain(` ${name}=`);
    });
  });

  describe('the central event bus', () => {
    it('lets principals of the organization, and only them, put events', () => {
      const policies = ofType(org, 'AWS::Events::EventBusPolicy');
      expect(policies.map(([id]) => id)).toEqual(['CentralEventBusPolicy']);
      const policy = policies[0]?.[1].Properties ?? {};
      expect(policy.EventBusName).toEqual({ Ref: 'CentralEventBus' });
      expect(policy.Statement).toEqual({
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': ['CentralEventBus', 'Arn'] },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
      });
    });
  });

  describe('the central report bucket', () => {
    const bucket = org.Resources.CentralBucket?.Properties ?? {};
    const statements = (org.Resources.CentralBucketPolicy?.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;

    it('is encrypted, versioned, private and owns every object', () => {
      expect(JSON.stringify(bucket.BucketEncryption)).toContain('"SSEAlgorithm":"AES256"');
      expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    });

    it('refuses every request without TLS', () => {
      expect(statements.filter((s) => s.Effect === 'Deny')).toEqual([
        expect.objectContaining({ Principal: '*', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]);
    });

    it("lets principals of the organization put objects only under their own account's folder, and nothing else", () => {
      const allows = statements.filter((s) => s.Effect === 'Allow');
      expect(allows).toEqual([
        {
          Sid: 'OrganizationAccountsWriteTheirOwnReports',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: { 'Fn::Sub': `\${CentralBucket.Arn}/${CENTRAL_ACCOUNTS_PREFIX}\${!aws:PrincipalAccount}/*` },
          Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
        },
      ]);
    });
  });

  describe('the consolidator', () => {
    const fn = org.Resources.ConsolidatorFunction?.Properties ?? {};

    it('runs the organization report handler from a zip of this release that holds it', () => {
      expect(fn.Handler).toBe('src/handlers/consolidate-org.handler');
      const code = fn.Code as { S3Bucket: unknown; S3Key: string };
      expect(code.S3Bucket).toEqual({ 'Fn::Sub': '${ArtifactBucketPrefix}-${AWS::Region}' });
      const file = manifest.files.find((f) => f.key === code.S3Key)?.file ?? '';
      const entries = Object.keys(unzipSync(readFileSync(path.join(DIR, file))));
      expect(entries).toEqual(['src/handlers/consolidate-org.js']);
      expect(fn.Runtime).toBe('nodejs22.x');
    });

    it("is the consolidator itself: its zipped handler reads the organization report's settings and names the one missing", () => {
      const code = fn.Code as { S3Key: string };
      const file = manifest.files.find((f) => f.key === code.S3Key)?.file ?? '';
      const bundle = unzipSync(readFileSync(path.join(DIR, file)))['src/handlers/consolidate-org.js'] ?? new Uint8Array();
      const dir = mkdtempSync(path.join(tmpdir(), 'consolidator-'));
      const entry = path.join(dir, 'consolidate-org.js');
      writeFileSync(entry, bundle);
      const context = { functionName: 'ecr-janitor-org-consolidate', awsRequestId: 'test', getRemainingTimeInMillis: () => 900_000 };
      const script = `require(${JSON.stringify(entry)}).handler({}, ${JSON.stringify(context)}).then(() => console.log('resolved'), (e) => console.log(e.message))`;

      const run = spawnSync(process.execPath, ['-e', script], {
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          CENTRAL_EVENT_BUS_ARN: 'arn:aws:events:us-east-1:111122223333:event-bus/central',
        },
        encoding: 'utf8',
      });
      rmSync(dir, { recursive: true, force: true });

      expect(run.stdout).toContain("invalid configuration of the organization's report");
      expect(run.stdout).toContain('CENTRAL_BUCKET=""');
      expect(run.stdout).not.toContain('CENTRAL_EVENT_BUS_ARN');
    });

    it('is told the central bucket, the central bus and the e-mail topic (empty without an e-mail)', () => {
      expect(env(org, 'ConsolidatorFunction')).toMatchObject({
        CENTRAL_BUCKET: { Ref: 'CentralBucket' },
        CENTRAL_EVENT_BUS_ARN: { 'Fn::GetAtt': ['CentralEventBus', 'Arn'] },
        REPORT_TOPIC_ARN: { 'Fn::If': ['HasReportEmail', { Ref: 'ReportTopic' }, ''] },
      });
    });

    it("runs weekly, a few hours after the members' weekly run, on the same days", () => {
      const rule = org.Resources.ConsolidatorSchedule?.Properties ?? {};
      expect(rule.ScheduleExpression).toEqual({ Ref: 'ConsolidateSchedule' });
      expect((rule.Targets as Array<{ Arn: unknown }>).map((t) => t.Arn)).toEqual([{ 'Fn::GetAtt': ['ConsolidatorFunction', 'Arn'] }]);
      const cron = (expression: unknown) => /^cron\((\d+) (\d+) (.+)\)$/.exec(String(expression));
      const members = cron(member.Resources.WeeklySchedule?.Properties?.ScheduleExpression);
      const consolidator = cron(parameter('ConsolidateSchedule')?.Default);
      expect(consolidator?.[3]).toBe(members?.[3]);
      const hours = Number(consolidator?.[2]) - Number(members?.[2]);
      expect(hours).toBeGreaterThanOrEqual(2);
      expect(hours).toBeLessThanOrEqual(12);
      const permission = org.Resources.ConsolidatorSchedulePermission?.Properties ?? {};
      expect(permission).toMatchObject({
        Principal: 'events.amazonaws.com',
        FunctionName: { Ref: 'ConsolidatorFunction' },
        SourceArn: { 'Fn::GetAtt': ['ConsolidatorSchedule', 'Arn'] },
      });
    });

    it('may list the accounts, read the reports and its history, write only under org/, put events on the central bus and publish to its topic, nothing else', () => {
      const granted: Record<string, unknown[]> = {};
      for (const { statement } of roleStatements(org, 'ConsolidatorRole')) {
        expect(statement.Effect).toBe('Allow');
        for (const action of actions(statement)) granted[action] = [...(granted[action] ?? []), ...resources(statement)];
      }
      const objects = (prefix: string) => ({ 'Fn::Sub': `\${CentralBucket.Arn}/${prefix}*` });
      expect(granted).toEqual({
        'logs:createlogstream': [{ 'Fn::GetAtt': ['ConsolidatorLogGroup', 'Arn'] }],
        'logs:putlogevents': [{ 'Fn::GetAtt': ['ConsolidatorLogGroup', 'Arn'] }],
        'organizations:listaccounts': ['*'],
        's3:listbucket': [{ 'Fn::GetAtt': ['CentralBucket', 'Arn'] }],
        's3:getobject': [objects(CENTRAL_ACCOUNTS_PREFIX), { 'Fn::Sub': '${CentralBucket.Arn}/org/history.json' }],
        's3:putobject': [objects('org/')],
        'events:putevents': [{ 'Fn::GetAtt': ['CentralEventBus', 'Arn'] }],
        'sns:publish': [{ Ref: 'ReportTopic' }],
      });
      expect(roleStatements(org, 'ConsolidatorRole').find((s) => actions(s.statement).includes('sns:publish'))?.condition).toBe(
        'HasReportEmail',
      );
      expect(Object.keys(granted).filter((a) => a.includes('*'))).toEqual([]);
    });
  });
});
