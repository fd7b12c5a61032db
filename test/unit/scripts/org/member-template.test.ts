// The member template's rewrite on small stacks: what it changes, and that it refuses what it cannot
// rewrite rather than ship a template bound to the regions it was packaged in.
import { memberTemplate } from '../../../../scripts/org/member-template';
import type { Template } from '../../../../scripts/org/template';

const PACKAGING = { home: 'us-east-1', others: ['eu-west-1'] };

function homeStack(extra: Template['Resources'] = {}): Template {
  return {
    Resources: {
      ServerlessDeploymentBucket: { Type: 'AWS::S3::Bucket' },
      Fn: {
        Type: 'AWS::Lambda::Function',
        DependsOn: ['FnRole', 'FnLogGroup'],
        Properties: {
          Code: { S3Bucket: { Ref: 'ServerlessDeploymentBucket' }, S3Key: 'serverless/ecr-janitor/prod/1-2026/fn.zip' },
          Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] },
          Environment: { Variables: { REGIONS: 'us-east-1,eu-west-1', ROLES: 'ecr-janitor-prod-us-east-1-fn' } },
        },
      },
      FnRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'ecr-janitor-prod-us-east-1-fn',
          Policies: [
            {
              PolicyDocument: {
                Statement: [
                  {
                    'Fn::If': [
                      'Writes',
                      {
                        Effect: 'Allow',
                        Action: 'ecr:PutLifecyclePolicy',
                        Resource: [
                          { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:us-east-1:${AWS::AccountId}:repository/*' },
                          { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:eu-west-1:${AWS::AccountId}:repository/*' },
                        ],
                        Condition: { StringEquals: { 'aws:ResourceTag/team': 'a' } },
                      },
                      { Ref: 'AWS::NoValue' },
                    ],
                  },
                  { Effect: 'Allow', Action: 'tag:GetResources', Resource: '*' },
                  {
                    Effect: 'Allow',
                    Action: 'ecr:DescribeRegistry',
                    Resource: '*',
                    Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } },
                  },
                ],
              },
            },
          ],
        },
      },
      ...extra,
    },
    Conditions: { Writes: { 'Fn::Equals': ['a', 'a'] } },
    Outputs: { ServerlessDeploymentBucketName: { Value: { Ref: 'ServerlessDeploymentBucket' } } },
  };
}

const forwarderStack: Template = {
  Resources: {
    Forward: {
      Type: 'AWS::Events::Rule',
      Properties: { Targets: [{ Arn: { 'Fn::Sub': 'arn:${AWS::Partition}:events:us-east-1:${AWS::AccountId}:event-bus/default' } }] },
    },
  },
};

describe('memberTemplate', () => {
  describe('memberTemplate', () => {
    const { template, zips } = memberTemplate({
      home: homeStack(),
      forwarder: forwarderStack,
      packaging: PACKAGING,
      keyPrefix: 'ecr-janitor/1-abc',
    });

    it('reads the code from the artifact bucket of the region and drops the deployment bucket', () => {
      expect(zips).toEqual(['fn.zip']);
      expect(template.Resources.Fn?.Properties?.Code).toEqual({
        S3Bucket: { 'Fn::Sub': '${ArtifactBucketPrefix}-${AWS::Region}' },
        S3Key: 'ecr-janitor/1-abc/fn.zip',
      });
      expect(Object.keys(template.Resources).sort()).toEqual(['Fn', 'FnRole', 'Forward']);
      expect(template.Outputs).toEqual({});
      // The role is ordered by Role's GetAtt already.
      expect(template.Resources.Fn?.DependsOn).toEqual(['FnLogGroup']);
    });

    it('turns one ARN per packaged region into one any-region ARN held to Regions, in both branches of a conditional statement', () => {
      const statements = (template.Resources.FnRole?.Properties?.Policies as Array<{ PolicyDocument: { Statement: unknown[] } }>)[0]
        ?.PolicyDocument.Statement;
      expect(statements?.[0]).toEqual({
        'Fn::If': [
          'Writes',
          {
            Effect: 'Allow',
            Action: 'ecr:PutLifecyclePolicy',
            Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:ecr:*:${AWS::AccountId}:repository/*' }],
            Condition: { StringEquals: { 'aws:ResourceTag/team': 'a', 'aws:RequestedRegion': { Ref: 'Regions' } } },
          },
          { Ref: 'AWS::NoValue' },
        ],
      });
      expect(statements?.[1]).toEqual({ Effect: 'Allow', Action: 'tag:GetResources', Resource: '*' });
    });

    it('holds a statement already held to the packaged regions (an action IAM accepts only "*" for) to Regions instead', () => {
      const statements = (template.Resources.FnRole?.Properties?.Policies as Array<{ PolicyDocument: { Statement: unknown[] } }>)[0]
        ?.PolicyDocument.Statement;
      expect(statements?.[2]).toEqual({
        Effect: 'Allow',
        Action: 'ecr:DescribeRegistry',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'Regions' } } },
      });
    });

    it('names the home region by AWS::Region in the home stack and by HomeRegion in the forwarder, and the regions by the parameter', () => {
      expect(template.Resources.FnRole?.Properties?.RoleName).toEqual({ 'Fn::Sub': 'ecr-janitor-prod-${AWS::Region}-fn' });
      expect(template.Resources.Fn?.Properties?.Environment).toEqual({
        Variables: { REGIONS: { 'Fn::Join': [',', { Ref: 'Regions' }] }, ROLES: { 'Fn::Sub': 'ecr-janitor-prod-${AWS::Region}-fn' } },
      });
      expect(template.Resources.Forward?.Properties?.Targets).toEqual([
        { Arn: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${HomeRegion}:${AWS::AccountId}:event-bus/default' } },
      ]);
    });

    it('keeps each side to its region: home resources under IsHome, the forwarder under IsForwarder, home conditions within IsHome', () => {
      expect([template.Resources.Fn?.Condition, template.Resources.Forward?.Condition]).toEqual(['IsHome', 'IsForwarder']);
      expect(template.Conditions?.Writes).toEqual({ 'Fn::And': [{ Condition: 'IsHome' }, { 'Fn::Equals': ['a', 'a'] }] });
    });
  });

  describe('what it refuses', () => {
    it.each([
      [
        'a region it does not know how to rewrite',
        homeStack({ Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'mirror-of-eu-west-1' } } }),
        forwarderStack,
        'member.json would still name mirror-of-eu-west-1',
      ],
      ['a Transform', { ...homeStack(), Transform: 'AWS::Serverless-2016-10-31' }, forwarderStack, 'a stack set refuses'],
      ['the same logical id on both sides', homeStack({ Forward: { Type: 'AWS::SNS::Topic' } }), forwarderStack, 'both define Forward'],
    ])('%s', (_label, home, forwarder, message) => {
      expect(() => memberTemplate({ home, forwarder, packaging: PACKAGING, keyPrefix: 'k' })).toThrow(message);
    });
  });
});
