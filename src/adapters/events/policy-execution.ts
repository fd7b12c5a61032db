// ECR's record of what a lifecycle policy did: the CloudTrail service event `PolicyExecutionEvent`,
// bare (as CloudTrail's LookupEvents and trail files hold it) or inside the EventBridge envelope
// (`detail-type: AWS Service Event via CloudTrail`, `detail` = the record). Shapes and sources:
// docs/truth.md; samples: events/policy-execution-*.json.
import * as z from 'zod';
import { InvalidInputError } from '../../domain/errors';
import type { LedgerAction, LedgerActionType, LedgerEvent, LedgerFailure } from '../../domain/ledger';
import { isJanitorRuleDescription } from '../../domain/policy';

/** The EventBridge detail-type of a CloudTrail service event. */
export const SERVICE_EVENT_DETAIL_TYPE = 'AWS Service Event via CloudTrail';
/** The CloudTrail event name of a lifecycle evaluation. */
export const POLICY_EXECUTION_EVENT = 'PolicyExecutionEvent';

const time = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'an ISO-8601 time such as 2020-03-12T20:22:12Z');

const image = z.looseObject({
  digest: z.string().min(1),
  tagStatus: z.string().optional(),
  /** ECR lists at most 100 tags per image. */
  tagList: z.array(z.string()).nullable().optional(),
  /** Epoch milliseconds in every recorded event; an ISO string is accepted too. */
  pushedAt: z.union([z.number(), z.string()]).nullable().optional(),
});

const imageAction = z.looseObject({ lifecycleEventImage: image, rulePriority: z.number().int() });

const failure = imageAction.extend({ failureCode: z.string().optional(), failureReason: z.string().optional() });

const rule = z.looseObject({
  rulePriority: z.number().int(),
  description: z.string().nullable().optional(),
  /** `expire` in the documented events; a transition rule's action is read the same way. */
  action: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
});

/** The CloudTrail record of one lifecycle evaluation. */
const record = z.looseObject({
  eventSource: z.literal('ecr.amazonaws.com'),
  eventName: z.literal(POLICY_EXECUTION_EVENT),
  eventID: z.string().min(1),
  eventTime: time,
  awsRegion: z.string().min(1),
  recipientAccountId: z.string().optional(),
  userIdentity: z.looseObject({ accountId: z.string().optional() }).nullable().optional(),
  serviceEventDetails: z.looseObject({
    repositoryName: z.string().min(1),
    lifecycleEventPolicy: z
      .looseObject({ lifecycleEventRules: z.array(rule).nullable().optional() })
      .nullable()
      .optional(),
    lifecycleEventImageActions: z.array(imageAction).nullable().optional(),
    lifecycleEventFailureDetails: z.array(failure).nullable().optional(),
  }),
});

const envelope = z.looseObject({
  'detail-type': z.literal(SERVICE_EVENT_DETAIL_TYPE),
  source: z.literal('aws.ecr'),
  account: z.string().optional(),
  detail: record,
});

type PolicyExecutionRecord = z.infer<typeof record>;

/** Reading an event: the ledger's record of it, or why it is not a lifecycle evaluation the janitor can read. */
export type PolicyExecutionReading = { ok: true; event: LedgerEvent } | { ok: false; reason: string };

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`)
    .join('; ');
}

/** A rule's action as the janitor names it; undefined when the event spells it in a way the janitor does not know. */
function actionOf(raw: z.infer<typeof rule>['action']): LedgerActionType | undefined {
  const word = (typeof raw === 'string' ? raw : raw?.type)?.toLowerCase();
  if (word === 'expire') return 'expire';
  if (word === 'transition' || word === 'archive') return 'transition';
  return undefined;
}

function pushedAtOf(value: number | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** The account whose registry the event is about: the recipient, else the caller's, else the envelope's. */
function accountOf(detail: PolicyExecutionRecord, envelopeAccount: string | undefined): string {
  return detail.recipientAccountId ?? detail.userIdentity?.accountId ?? envelopeAccount ?? '';
}

function fromRecord(detail: PolicyExecutionRecord, envelopeAccount: string | undefined): PolicyExecutionReading {
  const details = detail.serviceEventDetails;
  const rules = new Map((details.lifecycleEventPolicy?.lifecycleEventRules ?? []).map((r) => [r.rulePriority, r]));
  const base = {
    eventId: detail.eventID,
    at: new Date(Date.parse(detail.eventTime)).toISOString(),
    accountId: accountOf(detail, envelopeAccount),
    region: detail.awsRegion,
    repositoryName: details.repositoryName,
  };
  const imageFields = (entry: z.infer<typeof imageAction>) => {
    const r = rules.get(entry.rulePriority);
    const description = r?.description ?? null;
    return {
      ...base,
      imageDigest: entry.lifecycleEventImage.digest,
      imageTags: entry.lifecycleEventImage.tagList ?? [],
      pushedAt: pushedAtOf(entry.lifecycleEventImage.pushedAt),
      rulePriority: entry.rulePriority,
      ruleDescription: description,
      defaultRule: isJanitorRuleDescription(description),
    };
  };
  const actions: LedgerAction[] = [];
  for (const entry of details.lifecycleEventImageActions ?? []) {
    const r = rules.get(entry.rulePriority);
    if (r === undefined)
      return { ok: false, reason: `an image action names rule ${entry.rulePriority}, which the event's policy does not list` };
    const action = actionOf(r.action);
    if (action === undefined)
      return { ok: false, reason: `rule ${entry.rulePriority}'s action ${JSON.stringify(r.action)} is neither expire nor transition` };
    actions.push({ ...imageFields(entry), action });
  }
  const failures: LedgerFailure[] = (details.lifecycleEventFailureDetails ?? []).map((entry) => ({
    ...imageFields(entry),
    action: actionOf(rules.get(entry.rulePriority)?.action) ?? null,
    failureCode: entry.failureCode ?? 'Unknown',
    failureReason: entry.failureReason ?? '',
  }));
  return { ok: true, event: { ...base, actions, failures } };
}

/**
 * Reads a `PolicyExecutionEvent` in either shape: the EventBridge event (`detail` = the CloudTrail
 * record) or the bare CloudTrail record. Each image action gets its rule's action (expire or
 * transition) and whether that rule is the janitor's default rule, from the rules the event lists.
 *
 * @example const reading = readPolicyExecutionEvent(JSON.parse(line)); if (reading.ok) record(reading.event);
 */
export function readPolicyExecutionEvent(input: unknown): PolicyExecutionReading {
  const isEnvelope = typeof input === 'object' && input !== null && 'detail-type' in input;
  if (isEnvelope) {
    const parsed = envelope.safeParse(input);
    if (!parsed.success) return { ok: false, reason: `not an ECR PolicyExecutionEvent from EventBridge: ${issues(parsed.error)}` };
    return fromRecord(parsed.data.detail, parsed.data.account);
  }
  const parsed = record.safeParse(input);
  if (!parsed.success) return { ok: false, reason: `not an ECR PolicyExecutionEvent CloudTrail record: ${issues(parsed.error)}` };
  return fromRecord(parsed.data, undefined);
}

/**
 * Reads a ledger file: JSON lines, one `PolicyExecutionEvent` a line in either shape (blank lines
 * skipped).
 *
 * @throws InvalidInputError naming the file, the first line that is not such an event, and why
 * @example const events = parseLedgerLines(await readFile('ledger.jsonl', 'utf8'), 'ledger.jsonl');
 */
export function parseLedgerLines(text: string, source: string): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch (error) {
      throw new InvalidInputError(
        `${source}, line ${i + 1}: not JSON (${(error as Error).message}); a ledger file holds one event a line, as "ecr-janitor ledger" writes it`,
      );
    }
    const reading = readPolicyExecutionEvent(doc);
    if (!reading.ok) throw new InvalidInputError(`${source}, line ${i + 1}: ${reading.reason}`);
    events.push(reading.event);
  }
  return events;
}
