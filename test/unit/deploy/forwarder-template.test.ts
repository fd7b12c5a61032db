// The forwarder stack (`serverless package --param=homeRegion=us-east-1` in eu-west-1; npm test
// packages it into .serverless-forwarder/): two rules (the ECR calls, and the repositories ECR creates
// itself), their target and the role EventBridge needs — nothing else of ours — with the home stack's
// event patterns.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FORWARDER = path.join(ROOT, '.serverless-forwarder', 'cloudformation-template-update-stack.json');
const HOME = path.join(ROOT, '.serverless', 'cloudformation-template-update-stack.json');

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}
interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown }>;
}
interface Pattern {
  source: string[];
  /** Absent where the pattern chooses between detail-types in `$or`. */
  'detail-type'?: string[];
  detail: { eventName: string[] } & Record<string, unknown>;
}

function load(file: string): Template {
  if (!existsSync(file)) throw new Error(`${file} does not exist: run \`npm run package\` first (npm test packages before running jest)`);
  return JSON.parse(readFileSync(file, 'utf8')) as Template;
}

const forwarder = load(FORWARDER);
const home = load(HOME);
const HOME_BUS = { 'Fn::Sub': 'arn:${AWS::Partition}:events:us-east-1:${AWS::AccountId}:event-bus/default' };

/** The home stack's patterns on ECR's events. */
function homeEcrPatterns(): Pattern[] {
  return Object.values(home.Resources)
    .filter((r) => r.Type === 'AWS::Events::Rule' && (r.Properties?.EventPattern as Pattern | undefined)?.source?.[0] === 'aws.ecr')
    .map((r) => r.Properties?.EventPattern as Pattern);
}

describe('forwarder template', () => {
  it("holds the rules and their role, and besides them only the framework's deployment bucket", () => {
    // Act
    const resources = Object.entries(forwarder.Resources).map(([id, r]) => [id, r.Type]);

    // Assert
    expect(resources.sort()).toEqual([
      ['ForwardEcrCreatedRepositories', 'AWS::Events::Rule'],
      ['ForwardEcrEvents', 'AWS::Events::Rule'],
      ['ForwardEcrEventsRole', 'AWS::IAM::Role'],
      ['ForwardPolicyExecutionEvents', 'AWS::Events::Rule'],
      ['ServerlessDeploymentBucket', 'AWS::S3::Bucket'],
      ['ServerlessDeploymentBucketPolicy', 'AWS::S3::BucketPolicy'],
    ]);
  });

  it.each(['ForwardEcrEvents', 'ForwardEcrCreatedRepositories', 'ForwardPolicyExecutionEvents'])(
    "%s targets the home region's default bus through the role",
    (id) => {
      // Act
      const targets = [forwarder.Resources[id]?.Properties?.Targets];

      // Assert
      for (const target of targets)
        expect(target).toEqual([{ Id: 'home-region-bus', Arn: HOME_BUS, RoleArn: { 'Fn::GetAtt': ['ForwardEcrEventsRole', 'Arn'] } }]);
    },
  );

  it("matches the repositories ECR creates itself exactly as the home stack's rule does", () => {
    // Arrange: the home rule without a detail-type of its own (it chooses between two in $or).
    const homeCreated = homeEcrPatterns().filter((p) => p['detail-type'] === undefined);

    // Act
    const forwarded = forwarder.Resources.ForwardEcrCreatedRepositories?.Properties?.EventPattern;

    // Assert
    expect(homeCreated).toEqual([forwarded]);
    expect(JSON.stringify(forwarded)).toContain('AWS Service Event via CloudTrail');
    expect(JSON.stringify(forwarded)).toContain('replication.ecr.amazonaws.com');
  });

  it('lets EventBridge of this account put events on the home bus, and nothing else', () => {
    // Act
    const role = forwarder.Resources.ForwardEcrEventsRole?.Properties ?? {};

    // Assert
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    expect(role.Policies).toEqual([
      {
        PolicyName: 'put-events-on-the-home-bus',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'PutEventsOnTheHomeBus', Effect: 'Allow', Action: ['events:PutEvents'], Resource: HOME_BUS }],
        },
      },
    ]);
  });

  it("matches what the home stack's two rules of ECR calls match together, with the same filters", () => {
    // Arrange
    const homePatterns = homeEcrPatterns().filter((p) => p['detail-type']?.[0] === 'AWS API Call via CloudTrail');
    const forwarded = forwarder.Resources.ForwardEcrEvents?.Properties?.EventPattern as Pattern;

    // Act
    const { eventName, ...filters } = forwarded.detail;

    // Assert
    expect(homePatterns).toHaveLength(2);
    expect([...eventName].sort()).toEqual(homePatterns.flatMap((p) => p.detail.eventName).sort());
    expect(forwarded.source).toEqual(['aws.ecr']);
    expect(forwarded['detail-type']).toEqual(['AWS API Call via CloudTrail']);
    const policyRule = homePatterns.find((p) => p.detail.eventName.includes('PutLifecyclePolicy'));
    const { eventName: _names, ...policyFilters } = policyRule?.detail ?? { eventName: [] };
    // The janitor's own writes are forwarded too: the repair checks each against the newest team write.
    expect(filters).toEqual(policyFilters);
    expect(JSON.stringify(filters)).not.toContain('userIdentity');
  });

  it("forwards ECR's lifecycle policy evaluations with the pattern of the home stack's ledger rule", () => {
    // Arrange
    const homeLedger = homeEcrPatterns().filter((p) => p['detail-type']?.[0] === 'AWS Service Event via CloudTrail');

    // Act
    const forwarded = forwarder.Resources.ForwardPolicyExecutionEvents?.Properties?.EventPattern;

    // Assert
    expect(homeLedger).toHaveLength(1);
    expect(forwarded).toEqual(homeLedger[0]);
    expect(forwarded).toEqual({
      source: ['aws.ecr'],
      'detail-type': ['AWS Service Event via CloudTrail'],
      detail: { eventSource: ['ecr.amazonaws.com'], eventName: ['PolicyExecutionEvent'] },
    });
  });
});

describe('home template', () => {
  it('prints the command that deploys the forwarders of the other configured regions', () => {
    // Act
    const command = home.Outputs?.ForwarderDeployCommand?.Value;

    // Assert
    expect(command).toBe(
      'for region in eu-west-1; do npx serverless deploy --stage prod --region "$region" --param="homeRegion=us-east-1"; done',
    );
  });
});
