import { byteTicks, usdTicks } from '../../../../../src/adapters/render/html/scale';
import { GIB } from '../../../../../src/domain/report';

describe('render/html/scale', () => {
  describe('usdTicks', () => {
    it('covers the maximum with round dollar steps', () => {
      expect(usdTicks(8.2).ticks.map((t) => t.label)).toEqual(['$0', '$2', '$4', '$6', '$8', '$10']);
      expect(usdTicks(0.3).ticks.map((t) => t.label)).toEqual(['$0', '$0.10', '$0.20', '$0.30']);
      expect(usdTicks(0)).toEqual({ domainMax: 1, ticks: [{ value: 0, label: '$0' }] });
    });
  });

  describe('byteTicks', () => {
    it('covers the maximum with round steps in one binary unit', () => {
      const { domainMax, ticks } = byteTicks(8.4 * GIB);

      expect(ticks.map((t) => t.label)).toEqual(['0', '2 GiB', '4 GiB', '6 GiB', '8 GiB', '10 GiB']);
      expect(domainMax).toBe(10 * GIB);
    });

    it('uses fractional steps when the maximum is just over a unit', () => {
      expect(byteTicks(1.1 * GIB).ticks.map((t) => t.label)).toEqual(['0', '0.25 GiB', '0.5 GiB', '0.75 GiB', '1 GiB', '1.25 GiB']);
    });

    it('returns a single zero tick when everything is empty', () => {
      expect(byteTicks(0)).toEqual({ domainMax: 1, ticks: [{ value: 0, label: '0' }] });
    });
  });
});
