import { renderOrganizationRemediation } from '../../../../src/adapters/render/organization-remediation';
import { renderRemediationPlan } from '../../../../src/adapters/render/remediation';
import type { RemediationAction } from '../../../../src/domain/remediation';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';

const action = (repositoryName: string, outcome: RemediationAction['outcome']): RemediationAction => ({
  region: 'us-east-1',
  repositoryName,
  outcome,
  before: null,
});

describe('render/organization-remediation', () => {
  it("prints each account's plan as for one account, under its name, and the accounts not entered last", () => {
    const text = renderOrganizationRemediation(
      {
        actions: [
          { accountId: A, ...action('web', 'compliant') },
          { accountId: B, ...action('api', 'skipped-opt-out') },
        ],
        accounts: [
          { accountId: A, name: 'Payments', read: true, errors: [] },
          {
            accountId: B,
            name: null,
            read: true,
            errors: [{ accountId: B, region: 'us-east-1', code: 'AccessDeniedException', message: 'denied' }],
          },
          {
            accountId: C,
            name: 'Sandbox',
            read: false,
            errors: [{ accountId: C, region: '', code: 'AccessDenied', message: 'role … could not be assumed' }],
          },
        ],
      },
      false,
    );

    const [first, second] = text.split(`\n\nAccount ${B}:`);
    expect(first).toBe(`Account ${A} (Payments):\n${renderRemediationPlan({ actions: [action('web', 'compliant')], errors: [] }, false)}`);
    expect(
      second?.startsWith(
        `\n${renderRemediationPlan({ actions: [action('api', 'skipped-opt-out')], errors: [{ region: 'us-east-1', code: 'AccessDeniedException', message: 'denied' }] }, false)}`,
      ),
    ).toBe(true);
    expect(
      text.endsWith(`Not read (1 account; nothing was changed there):\n  ${C} (whole account): AccessDenied: role … could not be assumed`),
    ).toBe(true);
  });
});
