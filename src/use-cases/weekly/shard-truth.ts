import pLimit from 'p-limit';
import { FORECAST_DAYS, decodeForecast, encodeForecast, forecastKey, type RepositoryForecast } from '../../domain/forecast';
import { distinctActions, distinctFailures } from '../../domain/ledger';
import type { ManifestIndex } from '../../domain/manifest-cache';
import { remediatedPolicy, type RemediationSettings } from '../../domain/policy';
import type { RepositoryRef, RepositoryState } from '../../domain/registry';
import type { RemediationAction } from '../../domain/remediation';
import type { ReportWarning } from '../../domain/report-problems';
import { DAY_MS } from '../../domain/time';
import { itemId, type ShardResult } from '../../domain/weekly';
import type { ObjectStore } from '../../ports/object-store';
import { toReportError } from '../errors';
import { readRepositoryLedger } from '../ledger-store';
import { forecastFromState, type RepositoryTruth, type TruthLookup } from '../truth';

// A shard's part of the truth loop: for each repository it reads, the ledger's records since the
// janitor last read it and the forecast made then (realized savings and prediction), and, once
// remediation is done, the next forecast with the policy ECR will run.

/**
 * What a shard tells Aggregate of the ledger it read: the earliest start of its repositories' periods
 * (ISO-8601), the distinct lifecycle actions and ECR failures read, the images its forecasts name.
 */
export type ShardLedgerSummary = NonNullable<ShardResult['ledger']>;

/** The settings a shard's truth loop needs. */
export interface ShardTruthSettings extends Pick<RemediationSettings, 'days' | 'enforcedMaxUntaggedDays'> {
  /** The run's time, epoch ms: the end of every period and the time of the next forecasts. */
  now: number;
  /** The run writes policies: a repository it writes to is forecast with the policy written. */
  apply: boolean;
}

/** The forecasts of one repository: with its policy as read, and with the policy the run would write. */
interface Forecasts {
  own: RepositoryForecast;
  written?: RepositoryForecast;
}

/**
 * A shard's truth loop over the repositories it reads. `load` before a repository is analysed,
 * `lookup` as the audit's truth, `forecast` after the analysis, `write` after remediation.
 *
 * A repository's period starts when the janitor last read it (the stored forecast's time), so no
 * week's actions are counted twice and a repository a run could not read has its actions counted by
 * the next; without a stored forecast (the first run, a new repository) it is the week before the run.
 *
 * @example const truth = shardTruth(store, settings, warnings); … analyser settings: { truth: truth.lookup }
 */
export function shardTruth(store: ObjectStore, settings: ShardTruthSettings, warnings: ReportWarning[]) {
  const truths = new Map<string, RepositoryTruth>();
  const forecasts = new Map<string, Forecasts>();
  let from = settings.now;
  let actions = 0;
  let failures = 0;
  let forecastImages = 0;
  type Place = Pick<RepositoryRef, 'region' | 'repositoryName'>;
  const warn = (ref: Place, code: ReportWarning['code'], message: string): void => {
    warnings.push({ region: ref.region, repositoryName: ref.repositoryName, code, message });
  };
  const failed = (ref: Place, error: unknown): string => {
    const { code, message } = toReportError(ref.region, ref.repositoryName, error);
    return `${code}: ${message}`;
  };

  /** Reads the repository's last forecast and its ledger since; `before` is its manifest cache as read. */
  const load = async (ref: RepositoryRef, before: ManifestIndex): Promise<void> => {
    const key = forecastKey(ref.region, ref.repositoryName);
    let forecast: RepositoryForecast | undefined;
    try {
      forecast = decodeForecast(await store.get(key), ref.region, ref.repositoryName);
    } catch (error) {
      warn(ref, 'LedgerUnreadable', `the last forecast (${key}) could not be read (${failed(ref, error)}): no prediction this week`);
    }
    const start = forecast === undefined ? settings.now - FORECAST_DAYS * DAY_MS : Math.min(Date.parse(forecast.forecastAt), settings.now);
    let ledger;
    try {
      ledger = await readRepositoryLedger(store, ref.region, ref.repositoryName, { from: start, to: settings.now });
    } catch (error) {
      warn(ref, 'LedgerUnreadable', `the ledger could not be read (${failed(ref, error)}): no realized savings nor prediction this week`);
      return;
    }
    if (ledger.unreadable.length > 0) {
      const n = ledger.unreadable.length;
      warn(
        ref,
        'LedgerUnreadable',
        `${n} ledger record${n === 1 ? ' is' : 's are'} not of this version's format and ${n === 1 ? 'was' : 'were'} left out (${ledger.unreadable.slice(0, 3).join(', ')}${n > 3 ? ', …' : ''})`,
      );
    }
    from = Math.min(from, start);
    actions += distinctActions(ledger.events).length;
    failures += distinctFailures(ledger.events).length;
    truths.set(itemId(ref), { before, events: ledger.events, ...(forecast === undefined ? {} : { forecast }) });
  };

  const lookup: TruthLookup = (state) => truths.get(itemId(state));

  /** The repository's next forecasts, from its images as just read (kept small: the images are not). */
  const forecast = (state: RepositoryState): void => {
    const id = itemId(state);
    truths.delete(id);
    const own = forecastFromState(state, settings.now);
    let written: RepositoryForecast | undefined;
    if (settings.apply) {
      try {
        const next = remediatedPolicy(state.lifecyclePolicyText ?? undefined, settings);
        if (next.changed) written = forecastFromState(state, settings.now, next.text);
      } catch {
        // A policy the janitor cannot write to keeps its own: `own` is the forecast.
      }
    }
    forecasts.set(id, { own, ...(written === undefined ? {} : { written }) });
  };

  /**
   * Stores each repository's next forecast: with the policy written when remediation wrote one over
   * the policy the audit read (the same rules; the text as written), else with the policy as read.
   * When remediation wrote over another text (the policy changed in between), no entries are known.
   */
  const write = async (remediation: readonly RemediationAction[], concurrency: number): Promise<void> => {
    const applied = new Map(remediation.filter((a) => a.outcome === 'applied').map((a) => [itemId(a), a]));
    const limit = pLimit(Math.max(1, concurrency));
    await Promise.all(
      [...forecasts].map(([id, { own, written }]) =>
        limit(async () => {
          const action = applied.get(id);
          let next = own;
          if (action?.after !== undefined) {
            const sameBase = action.before === own.policyText && written !== undefined;
            next = { ...(sameBase ? written : own), policyText: action.after, ...(sameBase ? {} : { entries: null }) };
          }
          const key = forecastKey(next.region, next.repositoryName);
          try {
            await store.put(key, encodeForecast(next), 'application/json');
            forecastImages += next.entries?.length ?? 0;
          } catch (error) {
            warn(next, 'ForecastNotWritten', `the next forecast (${key}) could not be stored (${failed(next, error)})`);
          }
        }),
      ),
    );
  };

  const summary = (): ShardLedgerSummary => ({
    from: new Date(from).toISOString(),
    actions,
    failures,
    forecastImages,
  });

  return { load, lookup, forecast, write, summary };
}
