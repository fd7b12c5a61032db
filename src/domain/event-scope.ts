// Which ECR events are the janitor's to act on. The event handlers read an event (adapters/events)
// and ask these rules before they call a use case: the rules know nothing of the event's JSON.

/** Where an ECR event comes from and who made the call, as far as the rules below need it. */
export interface EventOrigin {
  /** The account whose event bus delivered the event (the event's `account`). */
  account: string;
  /** The region of the call, which is the repository's region (`detail.awsRegion`). */
  region: string;
  /** The registry the call named, when it named one (`registryId`). */
  registryId?: string;
  /** The IAM principal behind the call: the role of an assumed-role session, else the caller's own ARN. */
  callerArn?: string;
}

/** What the deployment acts on. */
export interface EventScope {
  /** The configured regions; events forwarded from any other region are not acted on. */
  regions: readonly string[];
  /** The janitor's own writer roles (role ARNs or role names of the event's account): their calls are its own. @default none */
  janitorRoles?: readonly string[];
  /**
   * The janitor's own calls are acted on rather than left alone (onPolicyChanged with the repair store
   * checks each of its own writes against the newest team write). @default false
   */
  actsOnOwnCalls?: boolean;
}

/**
 * How far an event's time may be ahead of the function's clock: CloudTrail stamps the call with the
 * service's clock, which may run a little ahead of the function's. An event further ahead is refused.
 */
export const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60_000;

/**
 * Why an event is not the janitor's to act on, or undefined when it is: the janitor's own call (unless
 * `scope.actsOnOwnCalls`), another account's registry, or a region the deployment is not configured
 * for (events forwarded from every region reach the home region's bus).
 *
 * @example notOurs({ account: '123456789012', region: 'eu-north-1' }, { regions: ['us-east-1'] })
 * // 'the event comes from eu-north-1, which is not one of the configured regions (us-east-1)'
 */
export function notOurs(origin: EventOrigin, scope: EventScope): string | undefined {
  if (scope.actsOnOwnCalls !== true && isJanitorCall(origin, scope.janitorRoles ?? [])) return 'written by ecr-janitor itself';
  if (origin.registryId !== undefined && origin.registryId !== origin.account) {
    return `the repository is in another account's registry (${origin.registryId}), not in ${origin.account}`;
  }
  if (!scope.regions.includes(origin.region)) {
    return `the event comes from ${origin.region}, which is not one of the configured regions (${scope.regions.join(', ')})`;
  }
  return undefined;
}

/**
 * True when the call was made by one of `roles` — each a role ARN, or a role name of the event's
 * own account (`arn:…:iam::ACCOUNT:role/[PATH/]NAME` or the assumed-role form
 * `arn:…:sts::ACCOUNT:assumed-role/NAME/SESSION`). A user named like a role is not the role.
 *
 * @example isJanitorCall({ account: '123456789012', callerArn: 'arn:aws:iam::123456789012:role/ops/ecr-janitor-prod-us-east-1-policy' }, ['ecr-janitor-prod-us-east-1-policy']) // true
 */
export function isJanitorCall(origin: Pick<EventOrigin, 'account' | 'callerArn'>, roles: readonly string[]): boolean {
  const arn = origin.callerArn;
  if (arn === undefined || roles.length === 0) return false;
  if (roles.includes(arn)) return true;
  const match = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):(?:role\/(?:.*\/)?|assumed-role\/)([^/]+)/.exec(arn);
  return match !== null && match[1] === origin.account && roles.includes(match[2] as string);
}

/**
 * Why an event's time cannot be true, or undefined when it can: further ahead of `now` than
 * {@link CLOCK_SKEW_ALLOWANCE_MS}. A time in the future would make every earlier write look older
 * than the call, so it is refused rather than believed.
 *
 * @example eventTimeProblem(Date.parse('2030-01-01T00:00:00Z'), Date.parse('2025-06-03T14:17:44Z'))
 */
export function eventTimeProblem(eventTime: number, now: number): string | undefined {
  const ahead = eventTime - now;
  if (ahead <= CLOCK_SKEW_ALLOWANCE_MS) return undefined;
  return (
    `the event time ${new Date(eventTime).toISOString()} is ${Math.round(ahead / 60_000)} minutes ahead of this function's clock ` +
    `(${new Date(now).toISOString()}), more than the ${CLOCK_SKEW_ALLOWANCE_MS / 60_000}-minute allowance for clock skew: the event is refused`
  );
}
