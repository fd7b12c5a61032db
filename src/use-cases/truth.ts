import type { LedgerEvent } from '../domain/ledger';
import { distinctActions, distinctFailures, eventsBetween, ledgerByRepository } from '../domain/ledger';
import type { RepositoryForecast } from '../domain/forecast';
import { FORECAST_DAYS, comparePrediction, forecastOf } from '../domain/forecast';
import type { ParsedManifest } from '../domain/image';
import { manifestOf } from '../domain/image';
import { parsePolicy } from '../domain/policy';
import { realizedOf } from '../domain/realized';
import type { RepositoryState } from '../domain/registry';
import type { RepositoryPrediction, RepositoryReport } from '../domain/report';

/** What the ledger and the last forecast say about one repository over a period. */
export interface RepositoryTruth {
  /** The manifests known at the period's start (the manifest cache, or the earlier snapshot). */
  before: ReadonlyMap<string, ParsedManifest>;
  /** The repository's ledger events of the period. */
  events: readonly LedgerEvent[];
  /** The forecast made at the period's start; absent: no prediction for the repository. */
  forecast?: RepositoryForecast;
}

/** Finds what the ledger says about a repository (undefined: nothing, no realized figures). */
export type TruthLookup = (state: RepositoryState) => RepositoryTruth | undefined;

/**
 * One repository's realized savings and prediction: what its ledger events of the period freed and
 * archived, and how the forecast made at the period's start compares with them.
 *
 * @example const { realized, prediction } = truthOf(state, truth, { now, pricePerGbMonth: 0.1 });
 */
export function truthOf(
  state: RepositoryState,
  truth: RepositoryTruth,
  options: { now: number; pricePerGbMonth: number },
): Pick<RepositoryReport, 'realized' | 'prediction'> {
  const actions = distinctActions(truth.events);
  const realized = realizedOf({ actions, before: truth.before, after: state.images }, options.pricePerGbMonth);
  const { forecast } = truth;
  if (forecast === undefined || forecast.entries === null) return { realized };
  const { counts, mismatches } = comparePrediction({
    forecast: { ...forecast, entries: forecast.entries },
    actions,
    failures: distinctFailures(truth.events),
    images: state.images,
    now: options.now,
  });
  const prediction: RepositoryPrediction = { ...counts, mismatches };
  return { realized, prediction };
}

/**
 * The forecast a repository's state implies at `now`, with the policy stored on it (what ECR runs)
 * or the one given: nothing when there is no policy, no entries (null) when the policy is not one the
 * janitor can evaluate.
 *
 * @example forecastFromState(oldState, Date.parse(old.capturedAt))
 */
export function forecastFromState(
  state: Pick<RepositoryState, 'region' | 'repositoryName' | 'lifecyclePolicyText' | 'images'>,
  now: number,
  policyText = state.lifecyclePolicyText,
): RepositoryForecast {
  const parsed = policyText === null ? undefined : parsePolicy(policyText);
  const base = {
    region: state.region,
    repositoryName: state.repositoryName,
    forecastAt: new Date(now).toISOString(),
    horizonDays: FORECAST_DAYS,
    policyText,
  };
  if (parsed === undefined) return { ...base, entries: [] };
  if (!parsed.ok) return { ...base, entries: null };
  return { ...base, entries: forecastOf(parsed.policy, state.images, { now, horizonDays: FORECAST_DAYS }) };
}

/**
 * The truth of a week between two captures of the same registries: the earlier capture's manifests
 * and forecast (made at its capture time with its policies), and the ledger's events between the two
 * capture times. A repository the earlier capture lacks has no forecast, and its manifests are the
 * later capture's only.
 *
 * @example const lookup = truthBetweenCaptures(oldStates, events, { from: oldCapturedAt, to: newCapturedAt });
 */
export function truthBetweenCaptures(
  previous: readonly RepositoryState[],
  events: readonly LedgerEvent[],
  period: { from: number; to: number },
): { lookup: TruthLookup; events: LedgerEvent[] } {
  const inPeriod = eventsBetween(events, period.from, period.to);
  const byRepository = ledgerByRepository(inPeriod);
  const earlier = new Map(previous.map((state) => [`${state.region}/${state.repositoryName}`, state]));
  const lookup: TruthLookup = (state) => {
    const key = `${state.region}/${state.repositoryName}`;
    const old = earlier.get(key);
    const before = new Map<string, ParsedManifest>();
    for (const image of old?.images ?? []) {
      const manifest = manifestOf(image);
      if (manifest !== undefined) before.set(image.imageDigest, manifest);
    }
    const forecast = old === undefined ? undefined : forecastFromState(old, period.from);
    return { before, events: byRepository.get(key) ?? [], ...(forecast === undefined ? {} : { forecast }) };
  };
  return { lookup, events: inPeriod };
}
