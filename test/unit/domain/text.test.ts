import { oneLine, visibleControls } from '../../../src/domain/text';

describe('text', () => {
  describe('visibleControls', () => {
    it.each([
      ['a terminal escape that clears the screen', 'team\u001b[2J', 'team\u241b[2J'],
      ['a carriage return that overwrites the line', 'ok\rFAIL', 'ok\u240dFAIL'],
      ['a backspace', 'a\bb', 'a\u2408b'],
      ['DEL', 'x\u007f', 'x\u2421'],
      ['a C1 CSI', 'x\u009b2J', 'x\ufffd2J'],
      ['a bidirectional override', 'abc\u202efdp.exe', 'abc\ufffdfdp.exe'],
      ['an isolate', '\u2066x\u2069', '\ufffdx\ufffd'],
    ])('shows %s as a visible stand-in', (_, text, shown) => {
      expect(visibleControls(text)).toBe(shown);
    });

    it('leaves ordinary text alone, accents and emoji included', () => {
      expect(visibleControls('dépôt/équipe 🚀 a:b_c.d')).toBe('dépôt/équipe 🚀 a:b_c.d');
    });
  });

  describe('oneLine', () => {
    it('folds line breaks and the spaces around them into one space, then shows what controls remain', () => {
      expect(oneLine('denied\r\n   retry later\n\tnow\u001b[0m')).toBe('denied retry later now\u241b[0m');
    });
  });
});
