import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';
import type { PlanSettings } from '../../../src/use-cases/weekly/plan';
import { NOW } from './images';

/** A weekly run's settings as Plan is given them: 7 days, the lint limit 30, 0.10 USD per GB-month, writes on. */
export const PLAN_SETTINGS: PlanSettings = {
  now: NOW,
  days: 7,
  lintMaxUntaggedDays: 30,
  pricePerGbMonth: 0.1,
  selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
  costAllocationTagKeys: [],
  archiveAfterDays: 90,
  archivePricePerGbMonth: null,
  apply: true,
};
