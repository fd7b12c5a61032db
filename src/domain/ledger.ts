import * as z from 'zod';
import { safeJson } from './text';

// The ledger: what ECR's lifecycle policies really did, one record per `PolicyExecutionEvent`
// (CloudTrail, see docs/truth.md for the shapes and where they come from). The weekly run reads it to
// say what was freed (realized savings) and whether ECR did what the janitor forecast; the offline
// audit reads the same records from a file.

/** The format of a stored ledger record; a record of another format is not read. */
export const LEDGER_FORMAT = 'ecr-janitor-ledger/1';

/** What a lifecycle rule did to an image: removed it, or moved it to the archive class. */
export type LedgerActionType = 'expire' | 'transition';

/** One image a lifecycle rule acted on, as ECR recorded it. */
export interface LedgerAction {
  /** The CloudTrail event's id: a redelivered event has the same one. */
  eventId: string;
  /** When ECR recorded the evaluation (the event's `eventTime`), ISO-8601. */
  at: string;
  accountId: string;
  region: string;
  repositoryName: string;
  imageDigest: string;
  imageTags: string[];
  /** When the image was pushed, ISO-8601; null when the event does not say. */
  pushedAt: string | null;
  rulePriority: number;
  /** The acting rule's description as the event repeats it; null when it has none. */
  ruleDescription: string | null;
  /** The acting rule is the janitor's default rule (recognised by its description). */
  defaultRule: boolean;
  action: LedgerActionType;
}

/** An image a lifecycle rule tried to act on and could not (ECR's `lifecycleEventFailureDetails`). */
export interface LedgerFailure extends Omit<LedgerAction, 'action'> {
  /** The acting rule's action, when the event names the rule. */
  action: LedgerActionType | null;
  /** ECR's code, e.g. `ImageReferencedByManifestList`. */
  failureCode: string;
  failureReason: string;
}

/** One `PolicyExecutionEvent` as the ledger keeps it. */
export interface LedgerEvent {
  eventId: string;
  at: string;
  accountId: string;
  region: string;
  repositoryName: string;
  actions: LedgerAction[];
  failures: LedgerFailure[];
}

const iso = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'an ISO-8601 time');

const actionShape = z.object({
  eventId: z.string().min(1),
  at: iso,
  accountId: z.string(),
  region: z.string().min(1),
  repositoryName: z.string().min(1),
  imageDigest: z.string().min(1),
  imageTags: z.array(z.string()),
  pushedAt: iso.nullable(),
  rulePriority: z.number().int(),
  ruleDescription: z.string().nullable(),
  defaultRule: z.boolean(),
  action: z.enum(['expire', 'transition']),
}) satisfies z.ZodType<LedgerAction>;

const failureShape = actionShape.extend({
  action: z.enum(['expire', 'transition']).nullable(),
  failureCode: z.string(),
  failureReason: z.string(),
}) satisfies z.ZodType<LedgerFailure>;

const recordShape = z.object({
  format: z.literal(LEDGER_FORMAT),
  eventId: z.string().min(1),
  at: iso,
  accountId: z.string(),
  region: z.string().min(1),
  repositoryName: z.string().min(1),
  actions: z.array(actionShape),
  failures: z.array(failureShape),
});

/** Where the ledger's records live in the report bucket. */
export const LEDGER_PREFIX = 'ledger/v1/';

/**
 * The prefix of one repository's records. Repository names may hold `/`: the name is URI-encoded,
 * so no repository's prefix is another's.
 */
export function ledgerRepositoryPrefix(region: string, repositoryName: string): string {
  return `${LEDGER_PREFIX}${region}/${encodeURIComponent(repositoryName)}/`;
}

/** A time as it sorts in a key: `2026-03-12T202212Z` (no colons). */
function keyTime(iso: string): string {
  return new Date(Date.parse(iso))
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The key of one event's record: under its repository's prefix, by time then event id. A redelivered
 * event (the same CloudTrail event id) has the same key, so recording it again replaces the record
 * with the same content: it counts once.
 *
 * @example ledgerEventKey(event) // 'ledger/v1/us-west-2/testrepo/2020-03-12T202212Z_9354dd7f-….json'
 */
export function ledgerEventKey(event: Pick<LedgerEvent, 'region' | 'repositoryName' | 'at' | 'eventId'>): string {
  return `${ledgerRepositoryPrefix(event.region, event.repositoryName)}${keyTime(event.at)}_${encodeURIComponent(event.eventId)}.json`;
}

/**
 * The key after which a repository's records of events at or after `since` come (S3's `StartAfter`):
 * keys sort by time, so a listing from there skips every older record.
 */
export function ledgerStartAfter(region: string, repositoryName: string, since: number): string {
  return `${ledgerRepositoryPrefix(region, repositoryName)}${keyTime(new Date(since - 1000).toISOString())}~`;
}

/** The text of an event's record. */
export function encodeLedgerEvent(event: LedgerEvent): string {
  return safeJson({ format: LEDGER_FORMAT, ...event });
}

/** Reads a stored record; undefined (never half-read) when it is not one of this format. */
export function decodeLedgerEvent(text: string): LedgerEvent | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = recordShape.safeParse(doc);
  if (!parsed.success) return undefined;
  const { format: _format, ...event } = parsed.data;
  return event;
}

/** What makes two actions the same: one image of one repository, one kind of action. */
function actionKey(a: Pick<LedgerAction, 'accountId' | 'region' | 'repositoryName' | 'imageDigest' | 'action'>): string {
  return JSON.stringify([a.accountId, a.region, a.repositoryName, a.imageDigest, a.action]);
}

/**
 * The actions of `events`, each image and kind of action once (the earliest record): a redelivered
 * event, the same event from EventBridge and from CloudTrail's history, or two evaluations naming
 * the same image all count once. Ordered by time, then place and digest.
 *
 * @example distinctActions(events).filter((a) => a.action === 'expire').length
 */
export function distinctActions(events: Iterable<Pick<LedgerEvent, 'actions'>>): LedgerAction[] {
  const kept = new Map<string, LedgerAction>();
  for (const event of events) {
    for (const action of event.actions) {
      const key = actionKey(action);
      const earlier = kept.get(key);
      if (earlier === undefined || Date.parse(action.at) < Date.parse(earlier.at)) kept.set(key, action);
    }
  }
  return [...kept.values()].sort(
    (a, b) =>
      Date.parse(a.at) - Date.parse(b.at) ||
      a.region.localeCompare(b.region) ||
      a.repositoryName.localeCompare(b.repositoryName) ||
      a.imageDigest.localeCompare(b.imageDigest),
  );
}

/** The failures of `events`, each (image, rule, code) once, the latest kept. */
export function distinctFailures(events: Iterable<Pick<LedgerEvent, 'failures'>>): LedgerFailure[] {
  const kept = new Map<string, LedgerFailure>();
  for (const event of events) {
    for (const failure of event.failures) {
      const key = JSON.stringify([failure.accountId, failure.region, failure.repositoryName, failure.imageDigest, failure.failureCode]);
      const earlier = kept.get(key);
      if (earlier === undefined || Date.parse(failure.at) > Date.parse(earlier.at)) kept.set(key, failure);
    }
  }
  return [...kept.values()];
}

/** The events of one repository of one registry; several repositories' events as a map by `region/name`. */
export function ledgerByRepository<T extends Pick<LedgerEvent, 'accountId' | 'region' | 'repositoryName'>>(
  events: Iterable<T>,
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const event of events) {
    const key = `${event.region}/${event.repositoryName}`;
    const list = out.get(key);
    if (list === undefined) out.set(key, [event]);
    else list.push(event);
  }
  return out;
}

/** The events whose time is in `[from, to)` (epoch ms). */
export function eventsBetween<T extends Pick<LedgerEvent, 'at'>>(events: Iterable<T>, from: number, to: number): T[] {
  const out: T[] = [];
  for (const event of events) {
    const at = Date.parse(event.at);
    if (at >= from && at < to) out.push(event);
  }
  return out;
}
