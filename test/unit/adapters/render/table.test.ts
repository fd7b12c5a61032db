import { renderTable } from '../../../../src/adapters/render/table';

describe('render/table', () => {
  describe('renderTable', () => {
    it('pads each column to its widest cell and aligns numbers right', () => {
      const out = renderTable(
        ['name', 'size'],
        [
          ['web', '1 GiB'],
          ['api-gateway', '12 MiB'],
        ],
        ['left', 'right'],
      );

      expect(out.split('\n')).toEqual(['name           size', '-----------  ------', 'web           1 GiB', 'api-gateway  12 MiB']);
    });

    it('renders 200,000 rows without overflowing the stack', () => {
      const rows = Array.from({ length: 200_000 }, (_, i) => [`team/repo-${i}`, String(i)]);

      const lines = renderTable(['repository', 'n'], rows, ['left', 'right']).split('\n');

      expect(lines).toHaveLength(200_002);
      expect(lines.at(-1)).toBe('team/repo-199999  199999');
      expect(lines[1]).toBe(`${'-'.repeat('team/repo-199999'.length)}  ${'-'.repeat(6)}`);
    });

    it('shows control characters in cells as visible stand-ins, so a name cannot clear the screen or break a row', () => {
      const out = renderTable(['repository'], [['evil\u001b[2J'], ['two\nlines']]);

      expect(out.split('\n')).toEqual(['repository', '----------', 'evil\u241b[2J', 'two\u240alines']);
      expect([...out.replace(/\n/g, '')].filter((c) => c.charCodeAt(0) < 0x20)).toEqual([]);
    });
  });
});
