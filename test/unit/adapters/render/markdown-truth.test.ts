import { renderMarkdown } from '../../../../src/adapters/render/markdown';
import { ALL_MATCHED, SAVED, ledgerReport } from '../../support/truth-fixtures';

describe('render/markdown-truth', () => {
  describe('Markdown', () => {
    it('gives the realized savings with their table and the prediction with its counts', () => {
      const md = renderMarkdown(ledgerReport());

      expect(md).toContain('## Realized savings');
      expect(md).toContain(`**${SAVED}.**`);
      expect(md).toContain('| team-a/web-api | us-east-1 | 41 | 12.0 GiB | $1.20 | 10.0 GiB | 0 B |');
      expect(md).not.toContain('team-c/idle | us-east-1 | 0 |');
      expect(md).toContain('## Predicted vs actual');
      expect(md).toContain(`**${ALL_MATCHED}**`);
      expect(md).toContain('| 40 | 37 | 0 | 0 | 2 | 3 |');
    });

    it('lists each mismatch with both timelines', () => {
      const md = renderMarkdown(ledgerReport(1));
      expect(md).toContain(
        '| team-a/web-api | us-east-1 | `sha256:abababababab` | 2 (expire) | forecast 2026-10-25T00:00:00.000Z, eligible 2026-10-27T00:00:00.000Z | pushed 2026-10-13T00:00:00.000Z, not acted on, still there |',
      );
    });
  });
});
