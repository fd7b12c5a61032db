import { SECTIONS, parseScreenshotArgs } from '../../../scripts/screenshot-report';

describe('scripts/screenshot-report', () => {
  describe('parseScreenshotArgs', () => {
    it('writes the whole page to an ignored file unless told otherwise, never the committed picture', () => {
      expect(parseScreenshotArgs([])).toEqual({ input: 'out/report.html', out: 'out/report.png', width: 1100 });
    });

    it('takes the file, the last section and the width it is given', () => {
      expect(parseScreenshotArgs(['--out', 'docs/report.png', '--until', 'archive', '--width', '1280'])).toEqual({
        input: 'out/report.html',
        out: 'docs/report.png',
        until: 'archive',
        width: 1280,
      });
    });

    it.each([
      [['--until', 'footer'], /--until footer: not a section of the report/],
      [['--width', '10'], /--width 10: a whole number of pixels from 320 to 2560/],
      [['--out'], /--out needs a value/],
      [['docs/report.png'], /docs\/report\.png: unknown option/],
    ])('refuses %j with the usage', (args, message) => {
      expect(() => parseScreenshotArgs(args)).toThrow(message);
      expect(() => parseScreenshotArgs(args)).toThrow(/usage: npm run screenshot/);
    });

    it('knows the sections of the report in page order', () => {
      expect(SECTIONS.indexOf('archive')).toBeLessThan(SECTIONS.indexOf('repositories'));
    });
  });
});
