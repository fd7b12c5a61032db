// The configuration: of the functions from their environment (janitor.ts, org-report.ts), and the
// stack's parameters with their defaults (parameters.ts), each value read by one grammar (fields.ts).
export { loadConfig, loadWeeklyConfig, type JanitorConfig, type WeeklyConfig } from './janitor';
export { loadOrgReportConfig, type OrgReportConfig } from './org-report';
export { PARAMETER_DEFAULTS, loadWeeklyRunParameters, type WeeklyRunParameters } from './parameters';
