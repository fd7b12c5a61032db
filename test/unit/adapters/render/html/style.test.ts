import { STYLE } from '../../../../../src/adapters/render/html/style';
import { TABLES, cardStyle } from '../../../../../src/adapters/render/html/tables';

describe('html/style', () => {
  it('shows the narrow drawing of each chart instead of the wide one up to 720 px', () => {
    // Assert
    expect(STYLE).toContain('@media screen and (max-width:720px){svg.chart-wide{display:none}svg.chart-narrow{display:block}}');
    expect(STYLE).toContain('svg.chart-narrow{display:none}');
  });

  it('holds the card layout of every table, once each', () => {
    // Assert
    for (const spec of Object.values(TABLES)) {
      const cards = cardStyle(spec);
      expect(STYLE.split(cards)).toHaveLength(2);
    }
  });
});
