// The flags that several commands take, each group added by one function, with the parsers of
// their values: a flag is defined and parsed here once (its default and bounds named in
// domain/defaults), and every command that takes it adds its group. A command's own flags stay in
// its file.
export { addAccountFlags, checkAccountFlags, type AccountFlags } from './accounts';
export { addCostFlags, checkArchivePrice, type CostFlags } from './cost';
export { addInUseFlags, type GuardFlags, type InUseFlags } from './in-use';
export { addJudgeFlags, type JudgeFlags } from './judge';
export { addLedgerFlags, type LedgerFlags } from './ledger';
export {
  DAYS_HELP,
  addDaysFlag,
  addEnforcedMaxUntaggedDaysFlag,
  addSelectionFlags,
  checkMaxUntaggedDays,
  type SelectionFlags,
} from './selection';
export { addSourceFlags, type ClientFlags, type SourceChoices, type SourceFlags } from './sources';
export {
  argumentParser,
  collect,
  collectTagKey,
  parseBucketFlag,
  parseCountNumber,
  parseEndpoint,
  parseIntInRange,
  parseNow,
  parsePositiveInt,
  parsePricePerGbMonth,
  parseRegions,
} from './values';
