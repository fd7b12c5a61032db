import { renderTable } from '../../../../src/adapters/render/table';

describe('render/table', () => {
  describe('renderTable', () => {
    it('pads each column to its widest cell and aligns right where asked', () => {
      // Act
      const text = renderTable(
        ['name', 'size'],
        [
          ['web', '1 GiB'],
          ['api-gateway', '12 B'],
        ],
        ['left', 'right'],
      );

      // Assert
      expect(text.split('\n')).toEqual(['name          size', '-----------  -----', 'web          1 GiB', 'api-gateway   12 B']);
    });

    it('renders 200,000 rows without overflowing the call stack', () => {
      // Arrange: one long cell at the end sets the width
      const rows = Array.from({ length: 200_000 }, (_, i) => [`sha256:${i}`, i === 199_999 ? 'x'.repeat(40) : 'v1']);

      // Act
      const lines = renderTable(['digest', 'tags'], rows).split('\n');

      // Assert
      expect(lines).toHaveLength(200_002);
      expect(lines[1]).toBe(`${'-'.repeat('sha256:199999'.length)}  ${'-'.repeat(40)}`);
    });
  });
});
