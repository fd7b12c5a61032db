import { parseJsonOrUndefined, safeJson } from './text';
import * as z from 'zod';
import type { ImageDetail } from './image';
import { manifestOf } from './image';
import type { LedgerAction, LedgerActionType, LedgerFailure } from './ledger';
import type { LifecyclePolicy } from './policy';
import { evaluatePolicy, isJanitorRuleDescription, parsePolicy } from './policy';
import { DAY_MS, toEpochMs } from './time';

// The forecast: what the policies on ECR will act on within the next days if nothing new is pushed,
// recorded by each weekly report; the next run holds it against the ledger (what ECR did). A match
// is ECR confirming the engine; a mismatch is a finding with both timelines.

/** The format of a stored forecast; another format is ignored (no prediction that week). */
export const FORECAST_FORMAT = 'ecr-janitor-forecast/1';
/** Days ahead a forecast looks. */
export const FORECAST_DAYS = 7;
/** ECR acts within 24 hours of an image qualifying: one not acted on 48 hours after it qualified is late. */
export const PREDICTION_GRACE_MS = 48 * 60 * 60 * 1000;
/** ECR evaluates about once a day: an index's children are acted on a pass after the index goes. */
const NEXT_PASS_MS = DAY_MS;
/** Passes looked at for children of expired indexes (indexes of indexes are rare). */
const MAX_PASSES = 3;

/** One image the forecast says a rule will act on. */
export interface ForecastEntry {
  imageDigest: string;
  imageTags: string[];
  pushedAt: string | null;
  rulePriority: number;
  action: LedgerActionType;
  /** When it became or becomes eligible, ISO-8601 (before the forecast's time: eligible already). */
  eligibleAt: string;
  defaultRule: boolean;
}

/** One repository's forecast as stored. */
export interface RepositoryForecast {
  region: string;
  repositoryName: string;
  /** When the forecast was made (the run's evaluation time), ISO-8601. */
  forecastAt: string;
  horizonDays: number;
  /** The policy text on ECR the forecast evaluated (null: none, so nothing forecast). */
  policyText: string | null;
  /**
   * What the policy will act on; null when no forecast could be made (the policy is not one the
   * janitor can evaluate): the record then only marks when the repository was last read.
   */
  entries: ForecastEntry[] | null;
}

const iso = z.string().refine((s) => Number.isFinite(Date.parse(s)));
const forecastShape = z.object({
  format: z.literal(FORECAST_FORMAT),
  region: z.string().min(1),
  repositoryName: z.string().min(1),
  forecastAt: iso,
  horizonDays: z.number().positive(),
  policyText: z.string().nullable(),
  entries: z
    .array(
      z.object({
        imageDigest: z.string().min(1),
        imageTags: z.array(z.string()),
        pushedAt: iso.nullable(),
        rulePriority: z.number().int(),
        action: z.enum(['expire', 'transition']),
        eligibleAt: iso,
        defaultRule: z.boolean(),
      }),
    )
    .nullable(),
}) satisfies z.ZodType<RepositoryForecast & { format: string }>;

/** The forecast object of one repository, beside its manifest cache (names URI-encoded, as there). */
export function forecastKey(region: string, repositoryName: string): string {
  return `cache/forecast/v1/${region}/${encodeURIComponent(repositoryName)}.json`;
}

/** The text of a stored forecast. */
export function encodeForecast(forecast: RepositoryForecast): string {
  return safeJson({ format: FORECAST_FORMAT, ...forecast });
}

/** Reads a stored forecast of `region/repositoryName`; undefined when missing, of another format or another repository's. */
export function decodeForecast(text: string | undefined, region: string, repositoryName: string): RepositoryForecast | undefined {
  const doc = parseJsonOrUndefined(text);
  if (doc === undefined) return undefined;
  const parsed = forecastShape.safeParse(doc);
  if (!parsed.success || parsed.data.region !== region || parsed.data.repositoryName !== repositoryName) return undefined;
  const { format: _format, ...forecast } = parsed.data;
  return forecast;
}

function isoOrNull(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * What `policy` will act on within `horizonDays` of `now` if nothing new is pushed, each image with
 * the rule, the action and when it became eligible. Children of an index the policy expires are
 * forecast for the pass after it (ECR acts on them as ordinary untagged images once the index is gone).
 *
 * @example forecastOf(policy, state.images, { now, horizonDays: 7 }).map((e) => e.imageDigest)
 */
export function forecastOf(
  policy: LifecyclePolicy,
  images: readonly ImageDetail[],
  options: { now: number; horizonDays: number },
): ForecastEntry[] {
  const at = options.now + options.horizonDays * DAY_MS;
  const descriptions = new Map(policy.rules.map((r) => [r.rulePriority, r.description]));
  const entries: ForecastEntry[] = [];
  const gone = new Set<string>();
  /** When an expired index goes: its children can be acted on a pass later. */
  const parentGoesAt = new Map<string, number>();
  let remaining = images;
  for (let pass = 0; pass < MAX_PASSES && remaining.length > 0; pass++) {
    const evaluation = evaluatePolicy(policy, remaining, { now: at });
    let expiredIndexes = 0;
    for (const i of evaluation.actedIndexes) {
      const image = remaining[i] as ImageDetail;
      if (gone.has(image.imageDigest)) continue;
      const rulePriority = evaluation.appliedRulePriorityOf(i) as number;
      const action = evaluation.actionOf(i) as LedgerActionType;
      const own = evaluation.eligibleAtOf(i) ?? options.now;
      const eligibleAt = Math.max(own, parentGoesAt.get(image.imageDigest) ?? -Infinity);
      if (eligibleAt > at) continue;
      gone.add(image.imageDigest);
      entries.push({
        imageDigest: image.imageDigest,
        imageTags: image.imageTags ?? [],
        pushedAt: isoOrNull(toEpochMs(image.imagePushedAt)),
        rulePriority,
        action,
        eligibleAt: new Date(eligibleAt).toISOString(),
        defaultRule: isJanitorRuleDescription(descriptions.get(rulePriority)),
      });
      const manifest = manifestOf(image);
      if (action === 'expire' && manifest?.kind === 'index') {
        expiredIndexes++;
        for (const child of manifest.children)
          parentGoesAt.set(child, Math.max(parentGoesAt.get(child) ?? -Infinity, eligibleAt + NEXT_PASS_MS));
      }
    }
    if (expiredIndexes === 0) break;
    // The next pass: the expired indexes are gone, so their children are ordinary images.
    remaining = remaining.filter((image) => !(gone.has(image.imageDigest) && manifestOf(image)?.kind === 'index'));
  }
  return entries.sort((a, b) => a.eligibleAt.localeCompare(b.eligibleAt) || a.imageDigest.localeCompare(b.imageDigest));
}

/** How a repository's forecast compared with what ECR did. */
export interface PredictionCounts {
  /** Images the forecast named. */
  forecastImages: number;
  /** Forecast images ECR acted on (the same action). */
  actedAsForecast: number;
  /** Images ECR acted on that were pushed before the forecast and were not in it. */
  actedNotForecast: number;
  /** Forecast images ECR had not acted on 48 hours after they became eligible. */
  forecastNotActed: number;
  /** Forecast images not yet 48 hours past eligibility at the comparison: judged next time. */
  notYetDue: number;
  /** Images ECR acted on that were pushed after the forecast (no forecast could name them). */
  pushedAfterForecast: number;
}

/** An image on which ECR and the forecast disagree, with both timelines. */
export interface PredictionMismatch {
  code: 'PredictionMismatch';
  /** `not-acted`: forecast, eligible more than 48 hours, still there; `not-forecast`: acted on, pushed before the forecast, never forecast. */
  kind: 'not-acted' | 'not-forecast';
  region: string;
  repositoryName: string;
  imageDigest: string;
  imageTags: string[];
  rulePriority: number;
  action: LedgerActionType;
  /** What the forecast said: when it was made and when the image became eligible (null: not forecast). */
  forecast: { forecastAt: string; eligibleAt: string | null };
  /** What happened: when the image was pushed, when ECR acted (null: not), an ECR failure, whether it is still there. */
  actual: {
    pushedAt: string | null;
    actedAt: string | null;
    failure: { at: string; code: string; reason: string } | null;
    present: boolean;
  };
  /** The disagreement in one sentence, with the likely reason where there is one. */
  message: string;
}

/** Why an image ECR acted on without a forecast needs no finding. */
type Explanation = 'later-pushes' | 'policy-changed' | undefined;

/** A forecast that could be made (see {@link RepositoryForecast.entries}). */
export type MadeForecast = RepositoryForecast & { entries: ForecastEntry[] };

/** What {@link comparePrediction} compares. */
export interface PredictionInput {
  forecast: MadeForecast;
  /** The repository's distinct actions since the forecast. */
  actions: readonly LedgerAction[];
  /** ECR's failures since the forecast. */
  failures?: readonly LedgerFailure[];
  /** The images the repository holds now. */
  images: readonly ImageDetail[];
  /** The comparison's time, epoch ms. */
  now: number;
}

function zero(): PredictionCounts {
  return { forecastImages: 0, actedAsForecast: 0, actedNotForecast: 0, forecastNotActed: 0, notYetDue: 0, pushedAfterForecast: 0 };
}

/** Adds prediction counts up (repositories into the report's). */
export function sumPrediction(parts: Iterable<PredictionCounts | undefined>): PredictionCounts {
  const total = zero();
  for (const part of parts) {
    if (part === undefined) continue;
    for (const key of Object.keys(total) as Array<keyof PredictionCounts>) total[key] += part[key];
  }
  return total;
}

/**
 * Holds one repository's forecast against what ECR did since. A forecast image ECR acted on matches;
 * one not acted on 48 hours after it became eligible (ECR acts within 24) is a `not-acted` mismatch
 * when the image is still there and the forecast's policy, evaluated now over the images as they
 * are, still acts on it (a moved tag, a pull or a deleted image explain the rest). An image ECR acted
 * on that was pushed before the forecast but not in it is a `not-forecast` mismatch, unless later
 * pushes explain it (a count rule) or the rule ECR applied is not the forecast policy's.
 *
 * @example const { counts, mismatches } = comparePrediction({ forecast, actions, images: state.images, now });
 */
export function comparePrediction(input: PredictionInput): { counts: PredictionCounts; mismatches: PredictionMismatch[] } {
  const { forecast, now } = input;
  const forecastAt = Date.parse(forecast.forecastAt);
  const counts = zero();
  const mismatches: PredictionMismatch[] = [];
  const present = new Map(input.images.map((image) => [image.imageDigest, image]));
  const acted = new Map(input.actions.map((a) => [`${a.action}\u0000${a.imageDigest}`, a]));
  const failureOf = new Map((input.failures ?? []).map((f) => [f.imageDigest, f]));
  const parsed = forecast.policyText === null ? undefined : parsePolicy(forecast.policyText);
  const policy = parsed?.ok ? parsed.policy : undefined;
  // The forecast policy evaluated over the images as they are now: what ECR should have done by now.
  const nowEvaluation = policy === undefined ? undefined : evaluatePolicy(policy, input.images, { now });
  const dueNow = new Map<string, number>();
  if (nowEvaluation !== undefined) {
    for (const i of nowEvaluation.actedIndexes) {
      const image = input.images[i] as ImageDetail;
      dueNow.set(image.imageDigest, nowEvaluation.eligibleAtOf(i) ?? now);
    }
  }
  const base = { code: 'PredictionMismatch' as const, region: forecast.region, repositoryName: forecast.repositoryName };
  const failureField = (digest: string) => {
    const f = failureOf.get(digest);
    return f === undefined ? null : { at: f.at, code: f.failureCode, reason: f.failureReason };
  };

  const forecastKeys = new Set<string>();
  for (const entry of forecast.entries) {
    counts.forecastImages++;
    const key = `${entry.action}\u0000${entry.imageDigest}`;
    forecastKeys.add(key);
    const action = acted.get(key);
    if (action !== undefined) {
      counts.actedAsForecast++;
      continue;
    }
    const eligibleAt = Date.parse(entry.eligibleAt);
    if (now < eligibleAt + PREDICTION_GRACE_MS) {
      counts.notYetDue++;
      continue;
    }
    counts.forecastNotActed++;
    const due = dueNow.get(entry.imageDigest);
    if (!present.has(entry.imageDigest) || due === undefined || now < due + PREDICTION_GRACE_MS) continue;
    const failure = failureField(entry.imageDigest);
    mismatches.push({
      ...base,
      kind: 'not-acted',
      imageDigest: entry.imageDigest,
      imageTags: entry.imageTags,
      rulePriority: entry.rulePriority,
      action: entry.action,
      forecast: { forecastAt: forecast.forecastAt, eligibleAt: entry.eligibleAt },
      actual: { pushedAt: entry.pushedAt, actedAt: null, failure, present: true },
      message:
        `forecast to be ${entry.action === 'expire' ? 'expired' : 'archived'} by rule ${entry.rulePriority} (eligible ${entry.eligibleAt}), ` +
        `still there ${Math.floor((now - Math.max(eligibleAt, due)) / 3_600_000)} hours after it became eligible although ECR acts within 24` +
        (failure === null ? '' : `; ECR tried and failed: ${failure.code}`),
    });
  }

  const laterPushes =
    input.images.some((image) => toEpochMs(image.imagePushedAt) > forecastAt) ||
    input.actions.some((a) => a.pushedAt !== null && Date.parse(a.pushedAt) > forecastAt);
  for (const action of input.actions) {
    if (forecastKeys.has(`${action.action}\u0000${action.imageDigest}`)) continue;
    if (action.pushedAt !== null && Date.parse(action.pushedAt) > forecastAt) {
      counts.pushedAfterForecast++;
      continue;
    }
    counts.actedNotForecast++;
    const rule = policy?.rules.find((r) => r.rulePriority === action.rulePriority);
    let explanation: Explanation;
    if (rule === undefined || (rule.description ?? null) !== action.ruleDescription || rule.action.type !== action.action)
      explanation = 'policy-changed';
    else if (rule.selection.countType === 'imageCountMoreThan' && laterPushes) explanation = 'later-pushes';
    if (explanation !== undefined) continue;
    mismatches.push({
      ...base,
      kind: 'not-forecast',
      imageDigest: action.imageDigest,
      imageTags: action.imageTags,
      rulePriority: action.rulePriority,
      action: action.action,
      forecast: { forecastAt: forecast.forecastAt, eligibleAt: null },
      actual: {
        pushedAt: action.pushedAt,
        actedAt: action.at,
        failure: failureField(action.imageDigest),
        present: present.has(action.imageDigest),
      },
      message: `${action.action === 'expire' ? 'expired' : 'archived'} by rule ${action.rulePriority} at ${action.at}, pushed before the forecast of ${forecast.forecastAt}, which did not name it`,
    });
  }
  return { counts, mismatches };
}
