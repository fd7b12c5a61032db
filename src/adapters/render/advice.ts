import type { AdviceFile, RepositoryAdvice } from '../../domain/advice';
import { ADVICE_HORIZON_DAYS, isUnchanged } from '../../domain/advice';
import type { LifecyclePolicy, LifecycleRule } from '../../domain/policy';
import { oneLine, safeJson } from '../../domain/text';
import { formatBytes, formatCount, formatUsd, formatUsdChange } from './format';
import { renderJson } from './json';
import { escapeMarkdown } from './markdown';
import { renderTable } from './table';

/** The formats `advise` writes. */
export const ADVICE_FORMATS = ['table', 'json', 'markdown', 'terraform'] as const;

/** One of {@link ADVICE_FORMATS}. */
export type AdviceFormat = (typeof ADVICE_FORMATS)[number];

/** One line of a policy diff: a rule kept (perhaps at another priority), removed or added. */
export interface RuleChange {
  change: 'kept' | 'removed' | 'added';
  /** Its priority in the policy it is in (the current one for removed rules). */
  rulePriority: number;
  /** Its priority in the current policy, for a kept rule whose priority changes. */
  was?: number;
  /** What the rule does, in words: its description, or its selection and action. */
  summary: string;
}

function rulesOf(text: string | null): LifecycleRule[] {
  if (text === null) return [];
  try {
    const policy = JSON.parse(text) as LifecyclePolicy;
    return Array.isArray(policy.rules) ? [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority) : [];
  } catch {
    return [];
  }
}

/** A value with sorted keys: two rules that differ only in key order are the same rule. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

function identity(rule: LifecycleRule): string {
  const { rulePriority: _priority, ...rest } = rule;
  return JSON.stringify(canonical(rest));
}

/**
 * A rule in words: its description when it has one, else what it selects and does.
 *
 * @example ruleSummary(rule) // 'tagged v* · more than 5 images · expire'
 */
export function ruleSummary(rule: LifecycleRule): string {
  if (rule.description !== undefined && rule.description.trim() !== '') return oneLine(rule.description);
  const s = rule.selection;
  const what =
    s.tagStatus === 'tagged'
      ? `tagged ${(s.tagPatternList ?? s.tagPrefixList ?? []).join(' and ')}`
      : s.tagStatus === 'untagged'
        ? 'untagged'
        : 'any image';
  const count =
    s.countType === 'imageCountMoreThan'
      ? `more than ${s.countNumber} images`
      : `${s.countNumber} days since ${s.countType === 'sinceImagePushed' ? 'push' : s.countType === 'sinceImagePulled' ? 'last pull' : 'archived'}`;
  return `${what}${s.storageClass === 'archive' ? ' (archive)' : ''} · ${count} · ${rule.action.type}`;
}

/**
 * The advice as a diff of rules against the current policy: each current rule kept (with its new
 * priority) or removed, and each rule added, in the recommended policy's order.
 *
 * @example policyDiff(entry.currentPolicyText, entry.recommendedPolicyText).filter((c) => c.change === 'added')
 */
export function policyDiff(currentText: string | null, recommendedText: string | null): RuleChange[] {
  const current = rulesOf(currentText);
  const recommended = rulesOf(recommendedText);
  const unmatched = new Map<string, LifecycleRule[]>();
  for (const rule of current) unmatched.set(identity(rule), [...(unmatched.get(identity(rule)) ?? []), rule]);
  const changes: RuleChange[] = [];
  for (const rule of recommended) {
    const same = unmatched.get(identity(rule))?.shift();
    if (same === undefined) changes.push({ change: 'added', rulePriority: rule.rulePriority, summary: ruleSummary(rule) });
    else
      changes.push({
        change: 'kept',
        rulePriority: rule.rulePriority,
        ...(same.rulePriority === rule.rulePriority ? {} : { was: same.rulePriority }),
        summary: ruleSummary(rule),
      });
  }
  const removed = [...unmatched.values()].flat().sort((a, b) => a.rulePriority - b.rulePriority);
  return [
    ...removed.map((rule): RuleChange => ({ change: 'removed', rulePriority: rule.rulePriority, summary: ruleSummary(rule) })),
    ...changes,
  ];
}

const MARK: Record<RuleChange['change'], string> = { kept: ' ', removed: '-', added: '+' };

/** A diff line: `+ 2 keep last 23 v*: …`, `  3 (was 1) …`, `- 1 …`. */
function diffLine(change: RuleChange): string {
  const was = change.was === undefined ? '' : ` (was ${change.was})`;
  return `${MARK[change.change]} ${change.rulePriority}${was} ${change.summary}`;
}

function counts(entry: RepositoryAdvice): string {
  const diff = policyDiff(entry.currentPolicyText, entry.recommendedPolicyText);
  const n = (c: RuleChange['change']): number => diff.filter((d) => d.change === c).length;
  return `+${n('added')} -${n('removed')} =${n('kept')}`;
}

function removed(figures: RepositoryAdvice['removedNow']): string {
  return `${formatCount(figures.images)} (${formatBytes(figures.bytes)})`;
}

/** The advice's headline: repositories, what adopting it removes and saves. */
export function adviceHeadline(file: AdviceFile): string {
  const t = file.totals;
  const archive = t.monthlyArchiveSavingsUsd === null ? '' : `; archive ${formatUsd(t.monthlyArchiveSavingsUsd)}/month`;
  return (
    `${formatCount(t.repositories)} ${t.repositories === 1 ? 'repository' : 'repositories'}: ${formatCount(t.withAdvice)} with a policy to adopt, ${formatCount(t.withheld)} withheld; ` +
    `adopting removes ${removed(t.removedNow)} now and ${removed(t.removedIn30Days)} within ${ADVICE_HORIZON_DAYS} days, ` +
    `${formatUsdChange(t.monthlyExtraSavingsUsd)}/month beyond the current policies${archive}`
  );
}

/**
 * The advice for a terminal: the headline, one row per repository, then each policy's diff and
 * each withheld repository's reason.
 *
 * @example ctx.out(renderAdviceTable(file));
 */
export function renderAdviceTable(file: AdviceFile): string {
  const rows = file.repositories.map((r) => [
    r.region,
    r.repositoryName,
    r.advice === 'policy' ? 'policy' : isUnchanged(r) ? 'none (as is)' : 'withheld',
    r.advice === 'policy' ? counts(r) : '',
    r.advice === 'policy' ? removed(r.removedNow) : '',
    r.advice === 'policy' ? removed(r.removedIn30Days) : '',
    r.advice === 'policy' ? formatUsdChange(r.monthlyExtraSavingsUsd) : '',
  ]);
  const lines = [
    `Lifecycle policy advice at ${file.now}: ${adviceHeadline(file)}`,
    '',
    ...renderTable(
      ['Region', 'Repository', 'Advice', 'Rules', 'Removed now', `Within ${ADVICE_HORIZON_DAYS} days`, 'Extra $/month'],
      rows,
      ['left', 'left', 'left', 'left', 'right', 'right', 'right'],
    ).split('\n'),
  ];
  for (const r of file.repositories) {
    if (isUnchanged(r)) continue;
    lines.push('', `${r.region}/${r.repositoryName}: ${r.reason}`);
    if (r.advice === 'policy')
      for (const change of policyDiff(r.currentPolicyText, r.recommendedPolicyText)) lines.push(`  ${diffLine(change)}`);
  }
  for (const e of file.errors)
    lines.push('', oneLine(`error: ${e.region}${e.repositoryName === undefined ? '' : `/${e.repositoryName}`}: ${e.code}: ${e.message}`));
  return `${lines.map((l) => oneLine(l)).join('\n')}\n`;
}

/** The checks of an advice as rows: what they are about, and what the policy acts on now and within 30 days. */
function checkRows(entry: RepositoryAdvice): string[][] {
  const c = entry.checks;
  const row = (name: string, check: { images: number; actedOnNow: number; actedOnIn30Days: number }): string[] => [
    name,
    formatCount(check.images),
    formatCount(check.actedOnNow),
    formatCount(check.actedOnIn30Days),
  ];
  return [
    row('In use', c.inUse),
    row(`Pulled in the last ${c.pulledRecently.days} days`, c.pulledRecently),
    row('Index children of kept images', c.indexChildrenOfKept),
    row('Referrers of kept images', c.referrersOfKept),
    row('Fixed names', c.fixedNames),
  ];
}

function mdTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align: ReadonlyArray<'l' | 'r'>): string {
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** A fenced block that no backtick run in `text` can close early. */
function fenced(text: string, language: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** Options of {@link renderAdviceMarkdown}. */
export interface AdviceMarkdownOptions {
  /** The owner of a repository (its team), by `region/name`: one section per owner. @default one section */
  ownerOf?: (entry: RepositoryAdvice) => string;
}

/**
 * The advice as Markdown a platform team pastes into a pull request: per owner (team), what adopting
 * saves, then per repository the reason, the diff against the current policy, the safety checks
 * with their counts, and the recommended policy in a collapsed block.
 *
 * @example await writeFile('advice.md', renderAdviceMarkdown(file, { ownerOf }));
 */
export function renderAdviceMarkdown(file: AdviceFile, options: AdviceMarkdownOptions = {}): string {
  const out: string[] = ['# Recommended lifecycle policies', ''];
  out.push(`- **Advised at:** ${escapeMarkdown(file.now)}`);
  out.push(
    `- **Kept:** every image pulled in the last ${file.settings.keepPulledDays} days, in use, or needed by a kept image; ${file.settings.rollbackMargin} more releases for rollbacks`,
  );
  out.push(`- ${escapeMarkdown(adviceHeadline(file))}`, '');
  const ownerOf = options.ownerOf ?? ((): string => '');
  const owners = new Map<string, RepositoryAdvice[]>();
  for (const entry of file.repositories) owners.set(ownerOf(entry), [...(owners.get(ownerOf(entry)) ?? []), entry]);
  const sections = [...owners].sort(
    ([a, x], [b, y]) =>
      y.reduce((s, e) => s + (e.advice === 'policy' ? e.monthlyExtraSavingsUsd : 0), 0) -
        x.reduce((s, e) => s + (e.advice === 'policy' ? e.monthlyExtraSavingsUsd : 0), 0) || a.localeCompare(b),
  );
  for (const [owner, entries] of sections) {
    const adopted = entries.filter((e) => e.advice === 'policy');
    const saving = adopted.reduce((s, e) => s + e.monthlyExtraSavingsUsd, 0);
    if (owner !== '') out.push(`## ${escapeMarkdown(owner)}`, '');
    out.push(
      `Adopting ${adopted.length} ${adopted.length === 1 ? 'policy' : 'policies'} saves **${escapeMarkdown(formatUsdChange(Math.round(saving * 10_000) / 10_000))}/month** beyond the current policies.`,
      '',
    );
    out.push(
      mdTable(
        ['Region', 'Repository', 'Advice', 'Removed now', `Within ${ADVICE_HORIZON_DAYS} days`, 'Extra $/month'],
        entries.map((e) => [
          escapeMarkdown(e.region),
          escapeMarkdown(e.repositoryName),
          e.advice === 'policy' ? 'policy' : isUnchanged(e) ? 'none (as is)' : 'withheld',
          e.advice === 'policy' ? escapeMarkdown(removed(e.removedNow)) : '',
          e.advice === 'policy' ? escapeMarkdown(removed(e.removedIn30Days)) : '',
          e.advice === 'policy' ? escapeMarkdown(formatUsdChange(e.monthlyExtraSavingsUsd)) : '',
        ]),
        ['l', 'l', 'l', 'r', 'r', 'r'],
      ),
      '',
    );
    for (const e of entries) {
      if (isUnchanged(e)) continue;
      out.push(`### ${escapeMarkdown(`${e.region}/${e.repositoryName}`)}`, '', escapeMarkdown(e.reason), '');
      if (e.advice !== 'policy') continue;
      out.push(fenced(policyDiff(e.currentPolicyText, e.recommendedPolicyText).map(diffLine).join('\n'), 'diff'), '');
      out.push(mdTable(['Check', 'Images', 'Acted on now', `Within ${ADVICE_HORIZON_DAYS} days`], checkRows(e), ['l', 'r', 'r', 'r']), '');
      const notes = e.checks.lint.findings;
      out.push(
        `Validated (ECR's rules): ${e.checks.validation.passed ? 'yes' : 'no'}. Lint: ${e.checks.lint.passed ? 'no warning' : 'warnings'}${notes.length > 0 ? `; ${escapeMarkdown(notes.join(' '))}` : ''}. Simulated at ${escapeMarkdown(e.checks.simulatedAt.join(' and '))}.`,
        '',
      );
      const pretty = safeJson(JSON.parse(e.recommendedPolicyText ?? '{}'), 2);
      out.push('<details><summary>Recommended policy</summary>', '', fenced(pretty, 'json'), '', '</details>', '');
    }
  }
  if (file.errors.length > 0) {
    out.push(
      '## Not advised',
      '',
      mdTable(
        ['Region', 'Repository', 'Error', 'Message'],
        file.errors.map((e) => [
          escapeMarkdown(e.region),
          escapeMarkdown(e.repositoryName ?? ''),
          escapeMarkdown(e.code),
          escapeMarkdown(e.message),
        ]),
        ['l', 'l', 'l', 'l'],
      ),
      '',
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Bidirectional overrides, isolates and marks: escaped in HCL strings as JSON escapes them. */
const HCL_BIDI = /^[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]$/;

/**
 * A string as an HCL quoted template: backslash escapes for quotes, backslashes, controls (C0, DEL,
 * C1) and bidirectional overrides, isolates and marks, and
 * `$${` / `%%{` so that no text of a description is ever read as an interpolation or a directive.
 */
export function hclString(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const code = c.charCodeAt(0);
    if (c === '\\') out += '\\\\';
    else if (c === '"') out += '\\"';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || HCL_BIDI.test(c)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if ((c === '$' || c === '%') && text[i + 1] === '{') out += `${c}${c}`;
    else out += c;
  }
  return `"${out}"`;
}

const HCL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A JSON value as an HCL expression (objects with `key = value`), indented by `indent` spaces. */
function hclValue(value: unknown, indent: number): string {
  const pad = ' '.repeat(indent + 2);
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return `[${value.map((v) => hclValue(v, indent)).join(', ')}]`;
    return `[\n${value.map((v) => `${pad}${hclValue(v, indent + 2)},`).join('\n')}\n${' '.repeat(indent)}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const width = Math.max(...entries.map(([k]) => (HCL_IDENTIFIER.test(k) ? k : hclString(k)).length));
  const lines = entries.map(([k, v]) => `${pad}${(HCL_IDENTIFIER.test(k) ? k : hclString(k)).padEnd(width)} = ${hclValue(v, indent + 2)}`);
  return `{\n${lines.join('\n')}\n${' '.repeat(indent)}}`;
}

/** A Terraform name for a repository: letters, digits, `_` and `-`, starting with a letter or `_`. */
function resourceName(entry: RepositoryAdvice, withRegion: boolean, taken: Set<string>): string {
  const base = `${entry.repositoryName}${withRegion ? `_${entry.region}` : ''}`
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^([^A-Za-z_])/, '_$1');
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

/**
 * The advice as Terraform: one `aws_ecr_lifecycle_policy` per repository with a policy to adopt,
 * its policy written with `jsonencode(...)` so a plan shows the rules, not a string. With several
 * regions (or accounts), each resource names the provider `aws.<region>` it expects.
 *
 * @example await writeFile('ecr-lifecycle.tf', renderAdviceTerraform(file));
 */
export function renderAdviceTerraform(file: AdviceFile): string {
  const adopted = file.repositories.filter((r) => r.advice === 'policy' && r.recommendedPolicyText !== null);
  const places = new Set(adopted.map((r) => `${r.accountId}/${r.region}`));
  const several = places.size > 1;
  const out = [
    `# Lifecycle policies advised by ecr-janitor at ${file.now}: ${oneLine(adviceHeadline(file))}`,
    ...(several
      ? ['# Several regions or accounts: each resource names the provider alias it expects (aws.<region>, or aws.a<account>_<region>).']
      : []),
    '',
  ];
  const accounts = new Set(adopted.map((r) => r.accountId));
  const taken = new Set<string>();
  for (const entry of adopted) {
    const policy = JSON.parse(entry.recommendedPolicyText as string) as unknown;
    const alias = `${accounts.size > 1 ? `${entry.accountId}_` : ''}${entry.region}`.replace(/-/g, '_');
    out.push(
      `# ${oneLine(`${entry.region}/${entry.repositoryName}: ${formatUsdChange(entry.monthlyExtraSavingsUsd)}/month beyond the current policy; removes ${formatCount(entry.removedNow.images)} images now`)}`,
      `resource "aws_ecr_lifecycle_policy" "${resourceName(entry, places.size > 1, taken)}" {`,
      ...(several ? [`  provider   = aws.${accounts.size > 1 ? `a${alias}` : alias}`] : []),
      `  repository = ${hclString(entry.repositoryName)}`,
      `  policy = jsonencode(${hclValue(policy, 2)})`,
      '}',
      '',
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * Renders the advice in `format`; every output ends with a newline.
 *
 * @example ctx.out(renderAdvice(file, 'markdown', { ownerOf }).trimEnd());
 */
export function renderAdvice(file: AdviceFile, format: AdviceFormat, options: AdviceMarkdownOptions = {}): string {
  switch (format) {
    case 'table':
      return renderAdviceTable(file);
    case 'json':
      return `${renderJson(file)}\n`;
    case 'markdown':
      return renderAdviceMarkdown(file, options);
    case 'terraform':
      return renderAdviceTerraform(file);
  }
}
