import { TABLES, cardStyle, tableEnd, tableStart } from '../../../../../src/adapters/render/html/tables';

/** The `content` of each `::before` rule for `section` cells, by child index. */
function labels(css: string, name: string, section: 'tbody' | 'tfoot'): Record<number, string> {
  const pattern = new RegExp(`table\\.${name} ${section} td:nth-child\\((\\d+)\\)::before\\{content:"([^"]*)"\\}`, 'g');
  return Object.fromEntries([...css.matchAll(pattern)].map((m) => [Number(m[1]), m[2] ?? '']));
}

describe('render/html/tables', () => {
  describe('tableStart', () => {
    it('writes the header from the spec, numbers right-aligned, a slash where a label may break', () => {
      const start = tableStart(TABLES.referrers);

      expect(start).toBe(
        '<div class="table-wrap"><table class="t-referrers"><thead><tr><th scope="col">Region</th><th scope="col">Repository</th>' +
          '<th scope="col">Policy</th><th scope="col" class="num">Referrers</th><th scope="col" class="num">At risk</th></tr></thead><tbody>',
      );
      expect(tableStart(TABLES.costGroups, { labels: ['Tag team'] })).toContain(
        '<th scope="col">Tag team</th><th scope="col" class="num">Repositories</th>',
      );
      expect(tableStart(TABLES.repositories, { testId: 'repositories' })).toContain(
        '<table class="t-repositories" data-testid="repositories">',
      );
      expect(tableStart(TABLES.repositories)).toContain('<th scope="col" class="num">Savings/<wbr>month</th>');
    });

    it('escapes a label that comes from the data', () => {
      expect(tableStart(TABLES.costGroups, { labels: ['Tag <b>'] })).toContain('<th scope="col">Tag &lt;b&gt;</th>');
    });
  });

  describe('tableEnd', () => {
    it('closes the body, with the footer rows when given', () => {
      expect(tableEnd()).toBe('</tbody></table></div>');
      expect(tableEnd('<tr><td>Total</td></tr>')).toBe('</tbody><tfoot><tr><td>Total</td></tr></tfoot></table></div>');
    });
  });

  describe('cardStyle', () => {
    it('labels every cell but the title cells with its column, up to the table width, on screens only', () => {
      const css = cardStyle(TABLES.errors);

      expect(css.startsWith('@media screen and (max-width:720px){')).toBe(true);
      expect(labels(css, 't-errors', 'tbody')).toEqual({ 3: 'Error', 4: 'Message' });
    });

    it('shifts the footer labels past the cell that spans the title columns', () => {
      const css = cardStyle(TABLES.repositories);

      expect(css.startsWith('@media screen and (max-width:1120px){')).toBe(true);
      expect(labels(css, 't-repositories', 'tbody')[3]).toBe('Policy');
      expect(labels(css, 't-repositories', 'tbody')[12]).toBe('Archivable');
      // The footer's first cell spans region, repository and policy: its second cell is the images.
      expect(labels(css, 't-repositories', 'tfoot')).toMatchObject({ 2: 'Images', 10: 'Archivable' });
      expect(labels(css, 't-repositories', 'tfoot')[1]).toBeUndefined();
    });

    it('writes a label with a quote or backslash as a valid CSS string', () => {
      const css = cardStyle({ name: 't-x', columns: [{ label: 'Title' }, { label: 'Say "hi" \\o/' }], titleCells: 1, cardsUpTo: 500 });

      expect(css).toContain('table.t-x tbody td:nth-child(2)::before{content:"Say \\"hi\\" \\\\o/"}');
    });
  });
});
