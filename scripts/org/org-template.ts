// org.json: deployed once, in the management account or a delegated administrator account, in the
// home region. It holds what the organization shares — the central event bus and report bucket, the
// consolidator that turns the accounts' weekly reports into one — and the service-managed stack set
// that gives every account of the target OUs the member stack (member.json) in every listed region,
// including accounts that join those OUs later.
import { ORGANIZATION_REPORT_LAYOUT } from '../../src/use-cases/publish-report';
import { ARTIFACT_BUCKET, ARTIFACT_BUCKET_PREFIX_PATTERN } from './member-template';
import type { Template } from './template';

/** The handler of the consolidator, in the source tree and in its zip. */
export const CONSOLIDATOR_HANDLER = 'src/handlers/consolidate-org.handler';
/** The consolidator's function name: fixed, so its log group and its role's policy can name it. */
export const CONSOLIDATOR_NAME = 'ecr-janitor-org-consolidate';
/** The stack set's name in the administrator account. */
export const STACK_SET_NAME = 'ecr-janitor-members';
/** The central bus's name. */
export const CENTRAL_BUS_NAME = 'ecr-janitor-org';

/** What org.json is made from. */
export interface OrgInputs {
  /** The S3 key prefix of this release's artifacts (the member template and the zips). */
  keyPrefix: string;
  /** The consolidator's zip, `${keyPrefix}/${zip}`. */
  consolidatorZip: string;
  /** The consolidator's schedule by default: a few hours after the members' weekly run. */
  consolidateSchedule: string;
}

/** An organization id, `o-` and 10 to 32 lowercase letters or digits. */
const ORGANIZATION_ID = '^o-[a-z0-9]{10,32}$';

const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

const CENTRAL_BUCKET_ARN = { 'Fn::GetAtt': ['CentralBucket', 'Arn'] };
/** The consolidator's folder in the central bucket: `org/<date>/` and the history. */
const ORG_PREFIX = ORGANIZATION_REPORT_LAYOUT.prefix;

/**
 * Builds org.json.
 *
 * @example const template = orgTemplate({ keyPrefix: 'ecr-janitor/0.1.0-0123abcd4567', consolidatorZip: 'consolidateOrg.zip', consolidateSchedule: 'cron(0 10 ? * MON *)' });
 */
export function orgTemplate({ keyPrefix, consolidatorZip, consolidateSchedule }: OrgInputs): Template {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'ecr-janitor for an organization: the member stack set, the central report bucket and event bus, and the weekly consolidated report. Deploy once, in the home region, in the management account or a delegated administrator account.',
    Parameters: {
      OrganizationId: {
        Type: 'String',
        AllowedPattern: ORGANIZATION_ID,
        ConstraintDescription: 'OrganizationId must be the organization id, o-… ("aws organizations describe-organization")',
        Description: "Only this organization's accounts may send to the central bus and write to the central bucket",
      },
      OrganizationalUnitIds: {
        Type: 'CommaDelimitedList',
        Description: 'The OUs (ou-…) or the root (r-…) whose accounts get the janitor, now and when they join',
      },
      Regions: {
        Type: 'CommaDelimitedList',
        Description: "The regions the janitor covers in every account; this stack's region (the home region) must be one of them",
      },
      ArtifactBucketPrefix: {
        Type: 'String',
        AllowedPattern: ARTIFACT_BUCKET_PREFIX_PATTERN,
        ConstraintDescription: 'ArtifactBucketPrefix must be the prefix the artifacts were uploaded with (buckets <prefix>-<region>)',
        Description: 'The artifact buckets, <prefix>-<region>, as "npm run upload:org" made them',
      },
      CallAs: {
        Type: 'String',
        AllowedValues: ['SELF', 'DELEGATED_ADMIN'],
        Default: 'SELF',
        Description: 'SELF in the management account; DELEGATED_ADMIN in a registered delegated administrator account',
      },
      FailureTolerancePercentage: {
        Type: 'Number',
        MinValue: 0,
        MaxValue: 100,
        Default: 10,
        Description: 'Percent of accounts per region whose stack may fail before the stack set stops that region',
      },
      MaxConcurrentPercentage: {
        Type: 'Number',
        MinValue: 1,
        MaxValue: 100,
        Default: 25,
        Description: 'Percent of accounts deployed at the same time in each region',
      },
      ReportEmail: {
        Type: 'String',
        Default: '',
        AllowedPattern: '^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
        ConstraintDescription: 'ReportEmail must be an e-mail address, or empty for no e-mail',
        Description: 'Who gets the consolidated report by e-mail each week (and the consolidator alarm); empty: no e-mail',
      },
      ConsolidateSchedule: {
        Type: 'String',
        Default: consolidateSchedule,
        AllowedPattern: '^(rate\\(\\d+ (minute|minutes|hour|hours|day|days)\\)|cron\\([^)]+\\))$',
        ConstraintDescription: 'ConsolidateSchedule must be rate(…) or cron(…)',
        Description: "When the consolidated report is built: a few hours after the members' weekly run",
      },
    },
    Rules: {
      HomeRegionIsCovered: {
        Assertions: [
          {
            Assert: { 'Fn::Contains': [{ Ref: 'Regions' }, { Ref: 'AWS::Region' }] },
            AssertDescription: "Regions must include this stack's region: it is the home region, where every account's janitor runs",
          },
        ],
      },
    },
    Conditions: {
      HasReportEmail: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ReportEmail' }, ''] }] },
    },
    Resources: {
      // --- the member stack set ---------------------------------------------------------------------
      MemberStackSet: {
        Type: 'AWS::CloudFormation::StackSet',
        // The members' first weekly run writes to the bucket and the bus: their policies come first.
        DependsOn: ['CentralBucketPolicy', 'CentralEventBusPolicy'],
        Properties: {
          StackSetName: STACK_SET_NAME,
          Description:
            'ecr-janitor in every account of the target OUs: the janitor in the home region, a forwarder of ECR events elsewhere',
          PermissionModel: 'SERVICE_MANAGED',
          // Accounts that join a target OU get the janitor without anyone acting; one that leaves loses it.
          AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
          CallAs: { Ref: 'CallAs' },
          Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
          TemplateURL: {
            'Fn::Sub': `https://\${ArtifactBucketPrefix}-\${AWS::Region}.s3.\${AWS::Region}.\${AWS::URLSuffix}/${keyPrefix}/member.json`,
          },
          // Operations queue instead of failing while another runs (a new account arriving mid-update).
          ManagedExecution: { Active: true },
          OperationPreferences: {
            RegionConcurrencyType: 'PARALLEL',
            FailureTolerancePercentage: { Ref: 'FailureTolerancePercentage' },
            MaxConcurrentPercentage: { Ref: 'MaxConcurrentPercentage' },
          },
          Parameters: [
            { ParameterKey: 'ArtifactBucketPrefix', ParameterValue: { Ref: 'ArtifactBucketPrefix' } },
            { ParameterKey: 'HomeRegion', ParameterValue: { Ref: 'AWS::Region' } },
            { ParameterKey: 'Regions', ParameterValue: { 'Fn::Join': [',', { Ref: 'Regions' }] } },
            { ParameterKey: 'CentralBucketName', ParameterValue: { Ref: 'CentralBucket' } },
            { ParameterKey: 'CentralEventBusArn', ParameterValue: { 'Fn::GetAtt': ['CentralEventBus', 'Arn'] } },
          ],
          StackInstancesGroup: [
            {
              DeploymentTargets: { OrganizationalUnitIds: { Ref: 'OrganizationalUnitIds' } },
              Regions: { Ref: 'Regions' },
            },
          ],
        },
      },

      // --- the central event bus: every account's report event -----------------------------------------
      CentralEventBus: {
        Type: 'AWS::Events::EventBus',
        Properties: { Name: CENTRAL_BUS_NAME },
      },
      CentralEventBusPolicy: {
        Type: 'AWS::Events::EventBusPolicy',
        Properties: {
          EventBusName: { Ref: 'CentralEventBus' },
          StatementId: 'OrganizationAccountsPutEvents',
          Statement: {
            Effect: 'Allow',
            Principal: '*',
            Action: 'events:PutEvents',
            Resource: { 'Fn::GetAtt': ['CentralEventBus', 'Arn'] },
            Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
          },
        },
      },

      // --- the central report bucket: accounts/<accountId>/<date>/report.json, and org/ ----------------
      CentralBucket: {
        Type: 'AWS::S3::Bucket',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          // The bucket owns every object, whoever wrote it: no ACLs, and the consolidator reads them all.
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          VersioningConfiguration: { Status: 'Enabled' },
          LifecycleConfiguration: {
            Rules: [
              { Id: 'expire-old-account-reports', Status: 'Enabled', Prefix: 'accounts/', ExpirationInDays: 400 },
              { Id: 'expire-replaced-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
              { Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
              { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
            ],
          },
        },
      },
      CentralBucketPolicy: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: { Ref: 'CentralBucket' },
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'DenyInsecureTransport',
                Effect: 'Deny',
                Principal: '*',
                Action: 's3:*',
                Resource: [CENTRAL_BUCKET_ARN, { 'Fn::Sub': '${CentralBucket.Arn}/*' }],
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
              {
                // Each account of the organization writes under its own folder, and only there.
                Sid: 'OrganizationAccountsWriteTheirOwnReports',
                Effect: 'Allow',
                Principal: '*',
                Action: 's3:PutObject',
                Resource: { 'Fn::Sub': '${CentralBucket.Arn}/accounts/${!aws:PrincipalAccount}/*' },
                Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
              },
            ],
          },
        },
      },

      // --- the consolidator: one report for the organization, weekly ------------------------------------
      ConsolidatorLogGroup: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: `/aws/lambda/${CONSOLIDATOR_NAME}`, RetentionInDays: 90 },
      },
      ConsolidatorRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: LAMBDA_TRUST,
          Policies: [
            {
              PolicyName: 'consolidate-org',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Sid: 'Logs',
                    Effect: 'Allow',
                    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                    // The log group's ARN ends in ":*": its streams.
                    Resource: { 'Fn::GetAtt': ['ConsolidatorLogGroup', 'Arn'] },
                  },
                  // Which accounts should have reported. ListAccounts takes no resource ARN (IAM accepts only "*").
                  { Sid: 'ListAccounts', Effect: 'Allow', Action: ['organizations:ListAccounts'], Resource: '*' },
                  // Lists the accounts' folders (the dates of their reports) and its own, so that the first
                  // run's missing history answers 404, not 403.
                  {
                    Sid: 'ListReports',
                    Effect: 'Allow',
                    Action: ['s3:ListBucket'],
                    Resource: CENTRAL_BUCKET_ARN,
                    Condition: { StringLike: { 's3:prefix': ['accounts/*', `${ORG_PREFIX}/*`] } },
                  },
                  // The members' reports, and of its own folder only the history it extends.
                  {
                    Sid: 'ReadReports',
                    Effect: 'Allow',
                    Action: ['s3:GetObject'],
                    Resource: [
                      { 'Fn::Sub': '${CentralBucket.Arn}/accounts/*' },
                      { 'Fn::Sub': `\${CentralBucket.Arn}/${ORG_PREFIX}/history.json` },
                    ],
                  },
                  {
                    Sid: 'WriteOrganizationReport',
                    Effect: 'Allow',
                    Action: ['s3:PutObject'],
                    Resource: { 'Fn::Sub': `\${CentralBucket.Arn}/${ORG_PREFIX}/*` },
                  },
                  {
                    Sid: 'PublishOrganizationReportEvent',
                    Effect: 'Allow',
                    Action: ['events:PutEvents'],
                    Resource: { 'Fn::GetAtt': ['CentralEventBus', 'Arn'] },
                  },
                  {
                    'Fn::If': [
                      'HasReportEmail',
                      { Sid: 'SendReportEmail', Effect: 'Allow', Action: ['sns:Publish'], Resource: { Ref: 'ReportTopic' } },
                      { Ref: 'AWS::NoValue' },
                    ],
                  },
                ],
              },
            },
          ],
        },
      },
      ConsolidatorFunction: {
        Type: 'AWS::Lambda::Function',
        DependsOn: ['ConsolidatorLogGroup'],
        Properties: {
          FunctionName: CONSOLIDATOR_NAME,
          Description: "Builds the organization's weekly report from every account's report in the central bucket",
          Code: { S3Bucket: ARTIFACT_BUCKET, S3Key: `${keyPrefix}/${consolidatorZip}` },
          Handler: CONSOLIDATOR_HANDLER,
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          MemorySize: 2048,
          Timeout: 900,
          Role: { 'Fn::GetAtt': ['ConsolidatorRole', 'Arn'] },
          Environment: {
            Variables: {
              CENTRAL_BUCKET: { Ref: 'CentralBucket' },
              CENTRAL_EVENT_BUS_ARN: { 'Fn::GetAtt': ['CentralEventBus', 'Arn'] },
              REPORT_TOPIC_ARN: { 'Fn::If': ['HasReportEmail', { Ref: 'ReportTopic' }, ''] },
              POWERTOOLS_SERVICE_NAME: 'ecr-janitor',
              POWERTOOLS_METRICS_NAMESPACE: 'EcrJanitor',
            },
          },
        },
      },
      ConsolidatorSchedule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Description: "Builds the ecr-janitor organization report after the accounts' weekly runs",
          ScheduleExpression: { Ref: 'ConsolidateSchedule' },
          State: 'ENABLED',
          Targets: [{ Id: 'consolidator', Arn: { 'Fn::GetAtt': ['ConsolidatorFunction', 'Arn'] } }],
        },
      },
      ConsolidatorSchedulePermission: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: { Ref: 'ConsolidatorFunction' },
          Principal: 'events.amazonaws.com',
          SourceArn: { 'Fn::GetAtt': ['ConsolidatorSchedule', 'Arn'] },
        },
      },
      ConsolidatorErrorsAlarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmDescription: 'The ecr-janitor organization report failed; read the consolidator function logs',
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'ConsolidatorFunction' } }],
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: { 'Fn::If': ['HasReportEmail', [{ Ref: 'ReportTopic' }], { Ref: 'AWS::NoValue' }] },
        },
      },

      // --- the optional e-mail --------------------------------------------------------------------------
      ReportTopic: {
        Type: 'AWS::SNS::Topic',
        Condition: 'HasReportEmail',
        Properties: { DisplayName: 'ECR Janitor (organization)' },
      },
      // The consolidator publishes by its role's policy; CloudWatch alarms by this one.
      ReportTopicPolicy: {
        Type: 'AWS::SNS::TopicPolicy',
        Condition: 'HasReportEmail',
        Properties: {
          Topics: [{ Ref: 'ReportTopic' }],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'Alarms',
                Effect: 'Allow',
                Principal: { Service: 'cloudwatch.amazonaws.com' },
                Action: 'sns:Publish',
                Resource: { Ref: 'ReportTopic' },
                Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
              },
            ],
          },
        },
      },
      ReportEmailSubscription: {
        Type: 'AWS::SNS::Subscription',
        Condition: 'HasReportEmail',
        Properties: { TopicArn: { Ref: 'ReportTopic' }, Protocol: 'email', Endpoint: { Ref: 'ReportEmail' } },
      },
    },
    Outputs: {
      CentralBucketName: {
        Description: "Every account's weekly report (accounts/<id>/<date>/) and the organization's (org/)",
        Value: { Ref: 'CentralBucket' },
      },
      CentralEventBusArn: {
        Description: "The bus every account's report event reaches",
        Value: { 'Fn::GetAtt': ['CentralEventBus', 'Arn'] },
      },
      MemberStackSetId: { Description: 'The stack set of the member stacks', Value: { Ref: 'MemberStackSet' } },
      ManagementAccountCommand: {
        Description:
          'Service-managed stack sets never deploy to the management account: run this there (in a shell, with its credentials) to give it the same member stack',
        Value: {
          'Fn::Sub': [
            `for region in \${RegionList}; do aws cloudformation deploy --region "$region" --stack-name ecr-janitor --template-file .serverless-org/member.json --s3-bucket "\${ArtifactBucketPrefix}-$region" --s3-prefix ecr-janitor/stacks --capabilities CAPABILITY_NAMED_IAM --parameter-overrides ArtifactBucketPrefix=\${ArtifactBucketPrefix} HomeRegion=\${AWS::Region} Regions=\${RegionCsv} CentralBucketName=\${CentralBucket} CentralEventBusArn=\${CentralEventBus.Arn}; done`,
            {
              RegionList: { 'Fn::Join': [' ', { Ref: 'Regions' }] },
              RegionCsv: { 'Fn::Join': [',', { Ref: 'Regions' }] },
            },
          ],
        },
      },
    },
  };
}
