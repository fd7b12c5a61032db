// Each repository's stored policy is parsed and validated once per run (issue 19 §1): the audit's row,
// the advice, the in-use guard's judgement and the write all come from one assessment. The parser is
// wrapped to count its calls by text; the janitor's own texts (merges, candidates) are other texts.
import { MemoryEventPublisher, MemoryObjectStore } from '../../../src/adapters/memory/memory-store';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';
import type { ImageDetail } from '../../../src/domain/image';
import { InUseCatalog } from '../../../src/domain/in-use';
import { parsePolicy } from '../../../src/domain/policy/validate';
import type * as Validate from '../../../src/domain/policy/validate';
import type { ReportArtifactFormat, ReportRenderer } from '../../../src/ports/report';
import { advise } from '../../../src/use-cases/advise';
import { audit } from '../../../src/use-cases/audit';
import { remediate } from '../../../src/use-cases/remediate';
import { runWeekly } from '../../../src/use-cases/weekly/run';
import type { PlanSettings } from '../../../src/use-cases/weekly/plan';
import { FakeRegistry } from '../support/fake-registry';
import { NOW, imageOf } from '../support/images';
import { blob, imageManifest } from '../support/manifests';
import { INVALID_POLICY, TAGGED_ONLY, UNTAGGED_30_DAYS, expireUntagged, keepNewestTagged, policyText } from '../support/policies';

jest.mock('../../../src/domain/policy/validate', () => {
  const actual = jest.requireActual<typeof Validate>('../../../src/domain/policy/validate');
  return { ...actual, parsePolicy: jest.fn(actual.parsePolicy) };
});

const parse = parsePolicy as jest.MockedFunction<typeof parsePolicy>;

/** A policy that keeps untagged images 400 days: within the lint's limit here, shortened by an enforced maximum of 30. */
const UNTAGGED_400_DAYS = policyText(keepNewestTagged(1, 'v', 3), expireUntagged(2, 400));

/** The stored policies of the registry below: one repository each. */
const STORED = [TAGGED_ONLY, UNTAGGED_30_DAYS, INVALID_POLICY, UNTAGGED_400_DAYS];

const images = (name: string): ImageDetail[] => [
  imageOf(imageManifest({ config: blob(`${name}-c`, 1_000), layers: [blob(name, 100_000)] }), { tags: ['latest'] }),
  imageOf(imageManifest({ config: blob(`${name}-o`, 1_000), layers: [blob(`${name}-o`, 200_000)] }), { pushedDaysAgo: 30 }),
];

function registry(): FakeRegistry {
  return new FakeRegistry('eu-west-1', [
    { name: 'tagged-only', policy: TAGGED_ONLY, images: images('a') },
    { name: 'compliant', policy: UNTAGGED_30_DAYS, images: images('b') },
    { name: 'invalid', policy: INVALID_POLICY, images: images('c') },
    { name: 'long', policy: UNTAGGED_400_DAYS, images: images('d') },
    { name: 'bare', images: images('e') },
  ]);
}

/** How many times each stored text was parsed. */
function parsesOfStored(): number[] {
  return STORED.map((text) => parse.mock.calls.filter(([t]) => t === text).length);
}

const instant = { sleep: async () => undefined, now: () => NOW, random: () => 0.5 };
const selection = { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] };

beforeEach(() => parse.mockClear());

describe("one parse of each repository's policy per run", () => {
  it('remediate --apply: deciding, judging, re-reading before the write and writing', async () => {
    const fake = registry();
    const result = await remediate([{ reader: fake, writer: fake }], {
      days: 7,
      enforcedMaxUntaggedDays: 30,
      selection,
      apply: true,
      concurrency: 2,
      pacing: instant,
      guard: { enabled: true, horizonDays: 7, inUse: { catalog: async () => new InUseCatalog() } },
    });
    expect(result.actions.map((a) => [a.repositoryName, a.outcome])).toEqual([
      ['bare', 'applied'],
      ['compliant', 'compliant'],
      ['invalid', 'unmergeable'],
      ['long', 'applied'],
      ['tagged-only', 'applied'],
    ]);
    expect(parsesOfStored()).toEqual([1, 1, 1, 1]);
  });

  it('audit: the report row, the lint and the effective policy', async () => {
    await audit([registry()], {
      now: NOW,
      generatedAt: NOW,
      days: 7,
      enforcedMaxUntaggedDays: 30,
      pricePerGbMonth: 0.1,
      selection,
      concurrency: 2,
    });
    expect(parsesOfStored()).toEqual([1, 1, 1, 1]);
  });

  it('advise: the team rules, the candidate equal to the stored policy, and the current figures', async () => {
    const { file } = await advise([registry()], {
      now: NOW,
      generatedAt: NOW,
      days: 7,
      enforcedMaxUntaggedDays: 30,
      pricePerGbMonth: 0.1,
      archivePricePerGbMonth: null,
      keepPulledDays: 90,
      rollbackMargin: 3,
      selection,
      concurrency: 2,
    });
    expect(file.repositories).toHaveLength(5);
    expect(parsesOfStored()).toEqual([1, 1, 1, 1]);
  });

  it('the weekly run: report row, advice and remediation of a shard', async () => {
    const store = new MemoryObjectStore();
    const renderer: ReportRenderer = {
      render: (_report: unknown, format: ReportArtifactFormat) => format,
      renderMessage: () => ({ subject: 's', text: 't' }),
    };
    const fake = registry();
    const settings: PlanSettings = {
      now: NOW,
      days: 7,
      enforcedMaxUntaggedDays: 30,
      lintMaxUntaggedDays: 30,
      pricePerGbMonth: 0.1,
      selection,
      costAllocationTagKeys: [],
      archiveAfterDays: 90,
      archivePricePerGbMonth: null,
      apply: true,
      advice: { keepPulledDays: 90, rollbackMargin: 3 },
    };
    const outcome = await runWeekly(
      { registries: [{ reader: fake, writer: fake }], store, publish: { store, publisher: new MemoryEventPublisher(), renderer } },
      { runId: 'run-1', settings, batchSize: 2, workers: 2, concurrency: 2, pacing: instant, now: () => NOW },
    );
    expect(outcome.remediation).toEqual({ applied: 3, compliant: 1, unmergeable: 1 });
    expect(outcome.report.recommendedPolicies).toBeDefined();
    expect(parsesOfStored()).toEqual([1, 1, 1, 1]);
  });
});
