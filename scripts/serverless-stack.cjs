// The shape of the stack, decided from the parameters before anything else is resolved:
// - `home` (the default): the janitor itself — functions, report bucket, alarms;
// - `forwarder` (deployed with --param="homeRegion=REGION" in any other region): one EventBridge rule
//   that sends this region's ECR events to the home region's default bus, and the role it needs.
// Also the lists that depend on the configured regions: the ECR ARNs IAM grants, and the commands
// that deploy the forwarders. Region names are checked by src/config/ (serverless-params.cjs).
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function list(text) {
  return [
    ...new Set(
      String(text ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
}

/** `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` in each region, for `Resource` lists and ARN conditions. */
function inRegions(regions, service, resource) {
  return regions.map((r) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${service}:${r}:\${AWS::AccountId}:${resource}` }));
}

module.exports = async ({ resolveVariable }) => {
  const region = String(await resolveVariable('aws:region'));
  const stage = String(await resolveVariable('sls:stage'));
  const homeParam = String(await resolveVariable('param:homeRegion')).trim();
  if (homeParam !== '' && !REGION.test(homeParam)) {
    throw new Error(`parameter homeRegion ("${homeParam}") must be an AWS region name such as eu-west-1, or empty in the home region`);
  }
  const home = homeParam === '' ? region : homeParam;
  const mode = home === region ? 'home' : 'forwarder';
  const regions = mode === 'home' ? list(await resolveVariable('param:regions')) : [];
  const configured = regions.length > 0 ? regions : [region];
  const others = configured.filter((r) => r !== home);
  const optOutTag = String(await resolveVariable('param:optOutTag')).trim();
  return {
    mode,
    homeRegion: home,
    /** The repositories IAM lets the functions read and write: those of the configured regions only. */
    repositoryArns: inRegions(configured, 'ecr', 'repository/*'),
    /**
     * The configured regions, for the aws:RequestedRegion condition of every read the functions make
     * (ECR, ECS, Lambda, the tagging API) and of actions IAM accepts no resource for: a read on "*"
     * reaches these regions only too.
     */
    configuredRegions: configured,
    /** What the in-use guard may read, in the configured regions only: ECS clusters (a condition), services, revisions and tasks, and Lambda functions. */
    clusterArns: inRegions(configured, 'ecs', 'cluster/*'),
    workloadArns: ['service/*', 'service-revision/*', 'task/*'].flatMap((resource) => inRegions(configured, 'ecs', resource)),
    functionArns: inRegions(configured, 'lambda', 'function:*'),
    /** The configured regions, for the aws:RequestedRegion condition of the in-use list calls IAM authorises only on "*". */
    regions: configured,
    /** EventBridge rules of every bus (`rule/NAME` on the default bus, `rule/BUS/NAME` on others), whose targets the guard reads. */
    ruleArns: inRegions(configured, 'events', 'rule/*'),
    /** EventBridge Scheduler schedules of every group (`schedule/GROUP/NAME`). */
    scheduleArns: inRegions(configured, 'scheduler', 'schedule/*'),
    /** Step Functions state machines and their versions (`stateMachine:NAME[:VERSION]`). */
    stateMachineArns: inRegions(configured, 'states', 'stateMachine:*'),
    /** App Runner services (`service/NAME/ID`). */
    appRunnerServiceArns: inRegions(configured, 'apprunner', 'service/*'),
    /** Matches a repository tagged with the opt-out tag (a tag key cannot be a variable in serverless.yml's keys). */
    optOutCondition: { StringEqualsIgnoreCase: { [`aws:ResourceTag/${optOutTag}`]: 'true' } },
    /** The home region's default bus, the forwarder's target. */
    homeBusArn: { 'Fn::Sub': `arn:\${AWS::Partition}:events:${home}:\${AWS::AccountId}:event-bus/default` },
    forwarderCommand:
      others.length === 0
        ? 'No other region is configured: no forwarder is needed.'
        : `for region in ${others.join(' ')}; do npx serverless deploy --stage ${stage} --region "$region" --param="homeRegion=${home}"; done`,
  };
};
