// member.json: the stack every account of an organization rollout gets, in every region of the stack
// set, made from the two stacks `serverless package` writes for one account (the home stack and a
// forwarder stack) by a mechanical rewrite:
// - one template, two shapes: in the home region (AWS::Region = the HomeRegion parameter) the janitor
//   itself, in every other region the forwarder that sends that region's ECR events to the home bus;
// - no deployment bucket of its own: every function's code is read from `<ArtifactBucketPrefix>-<region>`
//   (Lambda takes code only from a bucket in the function's region), under one release's key prefix;
// - each account's report bucket is kept when its stack goes (an account leaving the OUs, a removal);
// - no region named in it: the regions the home stack audits come from the Regions parameter (IAM:
//   region `*` ARNs with an aws:RequestedRegion condition), the home region from AWS::Region (role names,
//   so they are unique per region) or HomeRegion (the forwarder's target and the janitor's caller ARN).
// Anything region-bound that these rules do not rewrite fails the build rather than ship.
import { cloneJson, isRecord, mapJson, stringsOf, type Output, type Resource, type Template } from './template';

/** The regions the two stacks were packaged in (their names are rewritten away). */
export interface PackagingRegions {
  /** The home stack's region. */
  home: string;
  /** The forwarder stack's region, and the other regions the home stack was packaged to audit. */
  others: readonly string[];
}

/** What the member template is made from. */
export interface MemberInputs {
  /** The home stack (`serverless package` in `packaging.home`, with regions = home and others). */
  home: Template;
  /** The forwarder stack (`serverless package` in `packaging.others[0]`, homeRegion = `packaging.home`). */
  forwarder: Template;
  packaging: PackagingRegions;
  /** The S3 key prefix of this release's artifacts in every artifact bucket (`ecr-janitor/0.1.0-…`). */
  keyPrefix: string;
}

/** The member template and the function zips it reads (the file names `serverless package` wrote). */
export interface MemberTemplate {
  template: Template;
  /** `weeklyPlan.zip` … : each is `${keyPrefix}/${name}` in the artifact buckets. */
  zips: string[];
}

/** The artifact buckets' names: one per region, `<prefix>-<region>`. */
export const ARTIFACT_BUCKET = { 'Fn::Sub': '${ArtifactBucketPrefix}-${AWS::Region}' };

/** A bucket-name prefix that leaves room for `-<region>` within S3's 63 characters; no dots (HTTPS). */
export const ARTIFACT_BUCKET_PREFIX_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$';
/** An AWS region name. */
export const REGION_PATTERN = '^[a-z]{2}(-[a-z]+)+-\\d+$';

/** The resources of the framework's own deployment bucket, which a stack set cannot use. */
const DEPLOYMENT_BUCKET = ['ServerlessDeploymentBucket', 'ServerlessDeploymentBucketPolicy'];
/** Outputs that make no sense in a stack set: the deployment bucket, and the command that deploys forwarders by hand. */
const DROPPED_OUTPUTS = ['ServerlessDeploymentBucketName', 'ForwarderDeployCommand'];

const IS_HOME = 'IsHome';
const IS_FORWARDER = 'IsForwarder';

/**
 * Builds member.json from the packaged home and forwarder stacks.
 *
 * @example const { template, zips } = memberTemplate({ home, forwarder, packaging: { home: 'us-east-1', others: ['eu-west-1'] }, keyPrefix });
 * @throws Error when the stacks hold something this rewrite does not know (a region name left, a logical id in both)
 */
export function memberTemplate(inputs: MemberInputs): MemberTemplate {
  const { packaging } = inputs;
  const home = cloneJson(inputs.home);
  const forwarder = cloneJson(inputs.forwarder);
  if (home.Transform !== undefined || forwarder.Transform !== undefined) {
    throw new Error('the packaged stack has a Transform, which a stack set refuses: remove it from serverless.yml');
  }
  for (const t of [home, forwarder]) {
    for (const id of DEPLOYMENT_BUCKET) delete t.Resources[id];
    for (const id of DROPPED_OUTPUTS) delete t.Outputs?.[id];
  }
  const zips = readCodeFromArtifactBuckets(home, inputs.keyPrefix);
  home.Resources = mapValues(home.Resources, withoutRedundantDependsOn);
  // Removing the stack set (or an account leaving a target OU) must not stop at a bucket that holds
  // reports: each account keeps its report bucket, as the organization keeps the central one.
  home.Resources = mapValues(home.Resources, (r) =>
    r.Type === 'AWS::S3::Bucket' ? { ...r, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' } : r,
  );
  const regions = [packaging.home, ...packaging.others];
  home.Resources = mapValues(home.Resources, (r) => regionalStatements(r, regions));
  const homeSide = withRegion(
    mapJson({ Resources: home.Resources, Outputs: home.Outputs ?? {} }, (v) => (v === regions.join(',') ? JOINED_REGIONS : v)),
    packaging.home,
    '${AWS::Region}',
  ) as Pick<Template, 'Resources' | 'Outputs'>;
  const forwarderSide = withRegion(
    { Resources: forwarder.Resources, Outputs: forwarder.Outputs ?? {} },
    packaging.home,
    '${HomeRegion}',
  ) as Pick<Template, 'Resources' | 'Outputs'>;

  const clash = Object.keys(forwarderSide.Resources).filter((id) => id in homeSide.Resources);
  const outputClash = Object.keys(forwarderSide.Outputs ?? {}).filter((id) => id in (homeSide.Outputs ?? {}));
  if (clash.length + outputClash.length > 0) {
    throw new Error(`the home and forwarder stacks both define ${[...clash, ...outputClash].join(', ')}: rename one in serverless.yml`);
  }
  const template: Template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'ecr-janitor, one account of an organization rollout: in the home region the janitor itself, in every other region the forwarder of its ECR events',
    Parameters: {
      ArtifactBucketPrefix: {
        Type: 'String',
        AllowedPattern: ARTIFACT_BUCKET_PREFIX_PATTERN,
        ConstraintDescription:
          'ArtifactBucketPrefix must be the prefix of the artifact buckets (<prefix>-<region>): lowercase letters, digits and hyphens, at most 48 characters',
        Description: 'The artifact buckets are <prefix>-<region>: every function reads its code from the one of its region',
      },
      HomeRegion: {
        Type: 'String',
        AllowedPattern: REGION_PATTERN,
        ConstraintDescription: "HomeRegion must be an AWS region name: the organization stack's region",
        Description: 'Where the janitor runs; every other region of the stack set forwards its ECR events there',
      },
      Regions: {
        Type: 'CommaDelimitedList',
        Description: "The regions the janitor audits and remediates (the stack set's regions, HomeRegion among them)",
      },
      ...home.Parameters,
      ...forwarder.Parameters,
    },
    Rules: {
      HomeRegionIsAudited: {
        Assertions: [
          {
            Assert: { 'Fn::Contains': [{ Ref: 'Regions' }, { Ref: 'HomeRegion' }] },
            AssertDescription: 'HomeRegion must be one of Regions',
          },
        ],
      },
    },
    Conditions: {
      [IS_HOME]: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'HomeRegion' }] },
      [IS_FORWARDER]: { 'Fn::Not': [{ Condition: IS_HOME }] },
      // The home stack's own conditions hold only in the home region, where its resources are.
      ...mapValues(home.Conditions ?? {}, (c) => ({ 'Fn::And': [{ Condition: IS_HOME }, c] })),
      ...forwarder.Conditions,
    },
    Resources: {
      ...mapValues(homeSide.Resources, (r) => onlyWhere(r, IS_HOME)),
      ...mapValues(forwarderSide.Resources, (r) => onlyWhere(r, IS_FORWARDER)),
    },
    Outputs: {
      ...mapValues(homeSide.Outputs ?? {}, (o) => onlyWhere(o, IS_HOME)),
      ...mapValues(forwarderSide.Outputs ?? {}, (o) => onlyWhere(o, IS_FORWARDER)),
    },
  };
  checkNothingLeft(template, regions);
  return { template, zips };
}

/** `Regions` as the comma-separated text the functions' REGIONS variable takes. */
const JOINED_REGIONS = { 'Fn::Join': [',', { Ref: 'Regions' }] };

function mapValues<T, U>(record: Record<string, T>, f: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}

/** The resource or output, present only where `condition` holds (and its own condition, which already includes IsHome). */
function onlyWhere<T extends Resource | Output>(item: T, condition: string): T {
  return item.Condition === undefined ? { ...item, Condition: condition } : item;
}

/** Points every function at its zip in the artifact bucket of its region; returns the zips' file names. */
function readCodeFromArtifactBuckets(home: Template, keyPrefix: string): string[] {
  const zips: string[] = [];
  for (const [id, resource] of Object.entries(home.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const code = resource.Properties?.Code;
    const key = isRecord(code) ? code.S3Key : undefined;
    if (typeof key !== 'string' || !key.endsWith('.zip'))
      throw new Error(`${id}: Code.S3Key is not the key of a zip the framework packaged`);
    const zip = key.slice(key.lastIndexOf('/') + 1);
    zips.push(zip);
    resource.Properties = { ...resource.Properties, Code: { S3Bucket: ARTIFACT_BUCKET, S3Key: `${keyPrefix}/${zip}` } };
  }
  return zips;
}

/**
 * The resource without the DependsOn entries its properties already reference (the framework adds the
 * function's role, which `Role: GetAtt` orders anyway): cfn-lint warns about each (W3005).
 */
function withoutRedundantDependsOn(resource: Resource): Resource {
  if (resource.DependsOn === undefined) return resource;
  const text = JSON.stringify(resource.Properties ?? {});
  const referenced = (id: string) => text.includes(`{"Ref":"${id}"}`) || text.includes(`{"Fn::GetAtt":["${id}",`);
  const kept = (Array.isArray(resource.DependsOn) ? resource.DependsOn : [resource.DependsOn]).filter((id) => !referenced(id));
  const { DependsOn: _dropped, ...rest } = resource;
  return kept.length === 0 ? rest : { ...rest, DependsOn: kept };
}

/** `arn:${AWS::Partition}:SERVICE:REGION:REST` as serverless-stack.cjs writes a regional ARN. */
const REGIONAL_ARN = /^arn:\$\{AWS::Partition\}:([a-z0-9-]+):([a-z0-9-]+):(.*)$/;

/**
 * Rewrites the identity policy statements that list ARNs of the packaged regions: one region-`*` ARN
 * per resource instead, and the statement held to the Regions parameter by aws:RequestedRegion (every
 * call the functions make names the region it goes to). Least privilege is kept: the same actions on
 * the same resources, in the regions the stack set is given rather than those it was packaged with.
 */
function regionalStatements(resource: Resource, regions: readonly string[]): Resource {
  if (resource.Type !== 'AWS::IAM::Role' && resource.Type !== 'AWS::IAM::Policy') return resource;
  const visit = (value: unknown): unknown => {
    if (!isRecord(value) || !Array.isArray(value.Statement)) return undefined;
    return {
      ...value,
      Statement: value.Statement.map((s: unknown) => {
        const fnIf = isRecord(s) ? s['Fn::If'] : undefined;
        if (Array.isArray(fnIf)) return { 'Fn::If': [fnIf[0], regional(fnIf[1], regions), regional(fnIf[2], regions)] };
        return regional(s, regions);
      }),
    };
  };
  const rewrite = (value: unknown): unknown => {
    const statementDocument = visit(value);
    if (statementDocument !== undefined) return statementDocument;
    if (Array.isArray(value)) return value.map(rewrite);
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  return { ...resource, Properties: rewrite(resource.Properties) as Record<string, unknown> };
}

function regional(statement: unknown, regions: readonly string[]): unknown {
  if (!isRecord(statement)) return statement;
  let changed = false;
  const anyRegion = (values: unknown): unknown => {
    if (!Array.isArray(values)) return values;
    const out: unknown[] = [];
    for (const value of values) {
      const sub = isRecord(value) ? value['Fn::Sub'] : undefined;
      const match = typeof sub === 'string' ? REGIONAL_ARN.exec(sub) : null;
      const rewritten =
        match !== null && regions.includes(match[2] ?? '') ? { 'Fn::Sub': `arn:\${AWS::Partition}:${match[1]}:*:${match[3]}` } : value;
      if (rewritten !== value) changed = true;
      if (!out.some((o) => JSON.stringify(o) === JSON.stringify(rewritten))) out.push(rewritten);
    }
    return out;
  };
  const resource = anyRegion(statement.Resource);
  const condition = isRecord(statement.Condition)
    ? mapValues(statement.Condition, (operator) => (isRecord(operator) ? mapValues(operator, anyRegion) : operator))
    : statement.Condition;
  // A statement already held to the packaged regions (actions IAM accepts only "*" for) is held to Regions instead.
  const requested = isRecord(condition) && isRecord(condition.StringEquals) ? condition.StringEquals['aws:RequestedRegion'] : undefined;
  if (Array.isArray(requested) && requested.length > 0 && requested.every((r) => typeof r === 'string' && regions.includes(r)))
    changed = true;
  if (!changed) return statement;
  const conditions = isRecord(condition) ? condition : {};
  const stringEquals = isRecord(conditions.StringEquals) ? conditions.StringEquals : {};
  return {
    ...statement,
    Resource: resource,
    Condition: { ...conditions, StringEquals: { ...stringEquals, 'aws:RequestedRegion': { Ref: 'Regions' } } },
  };
}

/** Every remaining mention of the home region becomes `replacement` (`${AWS::Region}` or `${HomeRegion}`). */
function withRegion(value: unknown, region: string, replacement: string): unknown {
  if (typeof value === 'string') {
    // A plain string becomes a Sub: any "${" it held must stay literal ("${!").
    return value.includes(region) ? { 'Fn::Sub': value.replaceAll('${', '${!').replaceAll(region, replacement) } : value;
  }
  if (Array.isArray(value)) return value.map((v) => withRegion(v, region, replacement));
  if (!isRecord(value)) return value;
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') return { 'Fn::Sub': sub.replaceAll(region, replacement) };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRegion(v, region, replacement)]));
}

/** Fails the build when a region the stacks were packaged in, or the deployment bucket, is still named. */
function checkNothingLeft(template: Template, regions: readonly string[]): void {
  const left = stringsOf(template).filter((s) => regions.some((r) => s.includes(r)) || DEPLOYMENT_BUCKET.some((id) => s.includes(id)));
  const refs = JSON.stringify(template).match(/"(Ref|Fn::GetAtt)":\s*\[?"ServerlessDeploymentBucket/g) ?? [];
  if (left.length + refs.length > 0) {
    throw new Error(
      `member.json would still name ${[...new Set([...left, ...refs])].slice(0, 5).join(' | ')}: ` +
        'serverless.yml has a region-bound value scripts/org/member-template.ts does not rewrite; teach it that value',
    );
  }
}
