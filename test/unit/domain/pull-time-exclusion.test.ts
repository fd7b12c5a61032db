import { pullTimeExclusionWarning, registerExclusionCommand } from '../../../src/domain/pull-time-exclusion';

const ROLE = 'arn:aws:iam::123456789012:role/ecr-janitor-prod-audit';
const REGION = 'eu-west-1';
const FIX = `aws ecr register-pull-time-update-exclusion --principal-arn ${ROLE} --region ${REGION}`;

describe('pull-time-exclusion', () => {
  describe('registerExclusionCommand', () => {
    it('names the role and the region', () => {
      expect(registerExclusionCommand(ROLE, REGION)).toBe(FIX);
    });

    it('names the region it is given, not a fixed one', () => {
      expect(registerExclusionCommand(ROLE, 'ap-southeast-2')).toContain('--region ap-southeast-2');
    });
  });

  describe('pullTimeExclusionWarning', () => {
    it('warns nothing when the role is excluded', () => {
      expect(pullTimeExclusionWarning(REGION, ROLE, { excluded: true })).toBeUndefined();
    });

    it('warns PullTimesRecorded for the whole region when the role is not excluded, with the command that fixes it', () => {
      // Act
      const warning = pullTimeExclusionWarning(REGION, ROLE, { excluded: false });

      // Assert
      expect(warning).toEqual({ region: REGION, repositoryName: '', code: 'PullTimesRecorded', message: expect.any(String) });
      expect(warning?.message).toContain(`The audit role ${ROLE} is not excluded from pull-time updates in ${REGION}`);
      expect(warning?.message).toContain('sinceImagePulled');
      expect(warning?.message).toContain(`Register the role once: ${FIX}`);
    });

    it('warns PullTimeExclusionUnknown when the list could not be read, with why, how to verify and how to fix', () => {
      // Act
      const warning = pullTimeExclusionWarning(REGION, ROLE, { excluded: undefined, reason: 'AccessDeniedException: not authorized' });

      // Assert
      expect(warning).toEqual({ region: REGION, repositoryName: '', code: 'PullTimeExclusionUnknown', message: expect.any(String) });
      expect(warning?.message).toContain(`in ${REGION}: AccessDeniedException: not authorized.`);
      expect(warning?.message).toContain(`aws ecr list-pull-time-update-exclusions --region ${REGION}`);
      expect(warning?.message).toContain(FIX);
      expect(warning?.message).toContain('ecr:ListPullTimeUpdateExclusions');
    });

    it('warns each region with its own commands', () => {
      // Act
      const warnings = ['us-east-1', 'eu-central-1'].map((region) => pullTimeExclusionWarning(region, ROLE, { excluded: false }));

      // Assert
      expect(warnings.map((w) => w?.region)).toEqual(['us-east-1', 'eu-central-1']);
      expect(warnings[0]?.message).toContain('--region us-east-1');
      expect(warnings[0]?.message).not.toContain('eu-central-1');
      expect(warnings[1]?.message).toContain('--region eu-central-1');
    });
  });
});
