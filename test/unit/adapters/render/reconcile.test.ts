import { RECONCILE_FORMATS, renderReconciliation } from '../../../../src/adapters/render/reconcile';
import type { Reconciliation } from '../../../../src/domain/bill';
import { expectEscapedJson, HOSTILE } from '../../../support/hostile-text';

const RESULT: Reconciliation = {
  rows: [
    {
      accountId: '123456789012',
      region: 'eu-west-1',
      month: '2026-10',
      billedGbMonths: 100,
      measuredGbMonths: 101.5,
      differencePercent: 1.5,
      verdict: 'within-2%',
    },
    {
      accountId: '123456789012',
      region: 'us-east-1',
      month: '2026-10',
      repositoryName: 'team/<app>',
      billedGbMonths: 10,
      measuredGbMonths: 13,
      differencePercent: 30,
      verdict: 'off',
    },
  ],
  unmeasured: [
    { accountId: '123456789012', region: 'us-east-1', month: '2026-09', billedGbMonths: 9, reason: 'the history starts on 2026-09-20' },
  ],
};

describe('renderReconciliation', () => {
  it('writes control and bidirectional characters of a repository name as JSON escapes that parse back to it', () => {
    const hostile: Reconciliation = {
      rows: RESULT.rows.map((r) => ({ ...r, repositoryName: HOSTILE })),
      unmeasured: [{ ...(RESULT.unmeasured[0] as Reconciliation['unmeasured'][number]), repositoryName: HOSTILE }],
    };

    const json = renderReconciliation(hostile, 'json');

    expectEscapedJson(json, hostile);
  });

  it('gives the JSON of the issue: rows with their verdicts, and the months not measured', () => {
    const json = JSON.parse(renderReconciliation(RESULT, 'json')) as Reconciliation;
    expect(json.rows.map((r) => [r.region, r.verdict, r.differencePercent])).toEqual([
      ['eu-west-1', 'within-2%', 1.5],
      ['us-east-1', 'off', 30],
    ]);
    expect(json.unmeasured).toEqual(RESULT.unmeasured);
  });

  it('lists every row in each text format and the unmeasured month beside the table, escaping HTML', () => {
    for (const format of RECONCILE_FORMATS.filter((f) => f !== 'json')) {
      const text = renderReconciliation(RESULT, format);
      expect([format, text.includes('within-2%') && text.includes('off')]).toEqual([format, true]);
    }
    for (const format of ['table', 'markdown', 'html'] as const) expect(renderReconciliation(RESULT, format)).toContain('2026-09');
    expect(renderReconciliation(RESULT, 'html')).toContain('team/&lt;app&gt;');
    expect(renderReconciliation(RESULT, 'csv').split('\n')[1]).toContain('100.000,101.500,1.50,within-2%');
  });
});
