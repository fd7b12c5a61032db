import type { Tag } from '../../../src/domain/registry';
import { excludeMatcher, isOptedOut } from '../../../src/domain/selection';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';

describe('selection', () => {
  describe('isOptedOut', () => {
    it.each<{ tags: Tag[]; optedOut: boolean }>([
      { tags: [{ Key: 'ecr-janitor:opt-out', Value: 'true' }], optedOut: true },
      { tags: [{ Key: 'ecr-janitor:opt-out', Value: 'TRUE' }], optedOut: true },
      { tags: [{ Key: 'ecr-janitor:opt-out', Value: ' True ' }], optedOut: true },
      {
        tags: [
          { Key: 'team', Value: 'a' },
          { Key: 'ecr-janitor:opt-out', Value: 'true' },
        ],
        optedOut: true,
      },
      { tags: [{ Key: 'ecr-janitor:opt-out', Value: 'false' }], optedOut: false },
      { tags: [{ Key: 'ecr-janitor:opt-out', Value: 'yes' }], optedOut: false },
      { tags: [{ Key: 'ecr-janitor:opt-out', Value: '' }], optedOut: false },
      { tags: [{ Key: 'ECR-JANITOR:OPT-OUT', Value: 'true' }], optedOut: false },
      { tags: [{ Key: 'opt-out', Value: 'true' }], optedOut: false },
      { tags: [], optedOut: false },
    ])('returns $optedOut for tags $tags', ({ tags, optedOut }) => {
      // Act
      const result = isOptedOut(tags, DEFAULT_OPT_OUT_TAG);

      // Assert
      expect(result).toBe(optedOut);
    });

    it('honours a custom opt-out tag and ignores the default one then', () => {
      // Arrange
      const tags: Tag[] = [{ Key: 'keep-me', Value: 'true' }];

      // Act & Assert
      expect(isOptedOut(tags, 'keep-me')).toBe(true);
      expect(isOptedOut([{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }], 'keep-me')).toBe(false);
    });

    it('defaults to the ecr-janitor:opt-out tag', () => {
      expect(DEFAULT_OPT_OUT_TAG).toBe('ecr-janitor:opt-out');
    });
  });

  describe('excludeMatcher', () => {
    it.each<{ globs: string[]; name: string; excluded: boolean }>([
      { globs: [], name: 'anything', excluded: false },
      { globs: ['legacy'], name: 'legacy', excluded: true },
      { globs: ['legacy'], name: 'legacy-2', excluded: false },
      { globs: ['team-a/*'], name: 'team-a/web', excluded: true },
      { globs: ['team-a/*'], name: 'team-a/web/cache', excluded: false },
      { globs: ['team-a/*'], name: 'team-b/web', excluded: false },
      { globs: ['team-a/**'], name: 'team-a/web/cache', excluded: true },
      { globs: ['*-cache'], name: 'build-cache', excluded: true },
      { globs: ['*-cache'], name: 'ci/build-cache', excluded: false },
      { globs: ['**/.*'], name: 'team/.hidden', excluded: true },
      { globs: ['sandbox/*', 'legacy'], name: 'legacy', excluded: true },
      { globs: ['sandbox/*', 'legacy'], name: 'sandbox/x', excluded: true },
      { globs: ['sandbox/*', 'legacy'], name: 'prod/x', excluded: false },
    ])('returns $excluded for $name with globs $globs', ({ globs, name, excluded }) => {
      // Arrange
      const matches = excludeMatcher(globs);

      // Act
      const result = matches(name);

      // Assert
      expect(result).toBe(excluded);
    });
  });
});
