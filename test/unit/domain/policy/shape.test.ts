import { isPolicyShaped } from '../../../../src/domain/policy/shape';
import { TAGGED_ONLY } from '../../support/policies';

describe('shape', () => {
  describe('isPolicyShaped', () => {
    it('accepts a lifecycle policy document', () => {
      expect(isPolicyShaped(JSON.parse(TAGGED_ONLY))).toBe(true);
    });

    it.each([
      ['no rules', {}],
      ['a rule without a selection', { rules: [{ rulePriority: 1, action: { type: 'expire' } }] }],
      [
        'an unknown action',
        {
          rules: [
            {
              rulePriority: 1,
              selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 },
              action: { type: 'delete' },
            },
          ],
        },
      ],
    ])('refuses a document with %s', (_case, doc) => {
      expect(isPolicyShaped(doc)).toBe(false);
    });
  });
});
