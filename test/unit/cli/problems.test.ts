import { errorLine, partialFailureLine, warningLine } from '../../../src/cli/problems';
import type { ReportError } from '../../../src/domain/report-problems';

const listing: ReportError = { region: 'eu-west-1', code: 'UnrecognizedClientException', message: 'region failure: not enabled' };
const repository = (name: string): ReportError => ({
  region: 'us-east-1',
  repositoryName: name,
  code: 'AccessDeniedException',
  message: 'denied',
});
const source: ReportError = { region: 'us-east-1', source: 'lambda', code: 'AccessDeniedException', message: 'no Lambda' };

describe('cli problems', () => {
  describe('errorLine', () => {
    it.each([
      ['a region', listing, 'error: eu-west-1: UnrecognizedClientException: region failure: not enabled'],
      ['a repository', repository('app'), 'error: us-east-1/app: AccessDeniedException: denied'],
      ['an in-use source', source, 'error: us-east-1 (in-use source lambda): AccessDeniedException: no Lambda'],
    ])('names where the error of %s happened, its code and its message', (_case, error, line) => {
      // Act
      const text = errorLine(error);

      // Assert
      expect(text).toBe(line);
    });

    it('keeps the error on one line with its control characters visible', () => {
      // Act
      const text = errorLine({ ...repository('evil\u001b[2J'), message: 'line one\nline two' });

      // Assert
      expect(text).toBe('error: us-east-1/evil\u241b[2J: AccessDeniedException: line one line two');
    });
  });

  describe('warningLine', () => {
    it.each([
      [
        'a region of one account',
        { region: 'us-east-1', repositoryName: '', code: 'InUseSourceSkipped' as const, message: 'not enabled' },
        'warning: us-east-1: InUseSourceSkipped: not enabled',
      ],
      [
        'a repository of one account of several',
        { accountId: '123456789012', region: 'eu-west-1', repositoryName: 'app', code: 'InUseSourceSkipped' as const, message: 'blind' },
        'warning: 123456789012/eu-west-1/app: InUseSourceSkipped: blind',
      ],
    ])('names where the warning of %s is, the account first when it has one', (_case, warning, line) => {
      // Act
      const text = warningLine(warning);

      // Assert
      expect(text).toBe(line);
    });
  });

  describe('partialFailureLine', () => {
    it('says nothing when nothing failed', () => {
      // Act
      const line = partialFailureLine([], 'audited', 'the report');

      // Assert
      expect(line).toBeUndefined();
    });

    it('counts regions, repositories (each once) and in-use sources apart, and says where they are listed', () => {
      // Act
      const line = partialFailureLine([listing, repository('app'), repository('app'), repository('web'), source], 'read', 'snap.json');

      // Assert
      expect(line).toBe(
        '1 region could not be listed (a region failure: its repositories are all missing); ' +
          '2 repositories could not be fully read; ' +
          '1 in-use source could not be read (writes that could remove an image are held in every region); see "errors" in snap.json',
      );
    });

    it('speaks of one repository and of in-use sources, which hold writes in every region', () => {
      // Act
      const line = partialFailureLine([repository('app'), source, { ...source, region: 'eu-west-1' }], 'audited', 'the report');

      // Assert
      expect(line).toBe(
        '1 repository could not be fully audited; 2 in-use sources could not be read (writes that could remove an image are held in every region); see "errors" in the report',
      );
    });

    it('ends with how to set credentials when a part failed for want of them', () => {
      // Act
      const line = partialFailureLine(
        [
          { ...listing, region: 'us-east-1', code: 'CredentialsProviderError' },
          { ...source, region: 'us-east-1', code: 'CredentialsProviderError' },
        ],
        'audited',
        'the report',
      );

      // Assert
      expect(line).toBe(
        '1 region could not be listed (a region failure: its repositories are all missing); 1 in-use source could not be read (writes that could remove an image are held in every region); see "errors" in the report; no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      );
    });
  });
});
