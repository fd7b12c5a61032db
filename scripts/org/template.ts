// The CloudFormation template shapes the organization packaging reads and writes, and the few walks
// over them it needs. Templates here are plain JSON (as `serverless package` writes them).

/** One resource of a template. */
export interface Resource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties?: Record<string, unknown>;
}

/** One output of a template. */
export interface Output {
  Description?: string;
  Condition?: string;
  Value: unknown;
  Export?: unknown;
}

/** A template as JSON. */
export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Transform?: unknown;
  Parameters?: Record<string, Record<string, unknown>>;
  Rules?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, Output>;
}

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Rebuilds a JSON value bottom-up: `visit` sees every value after its children were rebuilt and
 * returns its replacement (or the value itself).
 */
export function mapJson(value: unknown, visit: (value: unknown) => unknown): unknown {
  if (Array.isArray(value)) return visit(value.map((v) => mapJson(v, visit)));
  if (isRecord(value)) return visit(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapJson(v, visit)])));
  return visit(value);
}

/** Every string of a JSON value (keys excluded), for checks that nothing was left behind. */
export function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (isRecord(value)) return Object.values(value).flatMap(stringsOf);
  return [];
}

/** A deep copy of a JSON value. */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
