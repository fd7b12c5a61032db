import { escapeControls, oneLine, safeJson, visibleControls } from '../../../src/domain/text';
import { expectEscapedJson, HOSTILE } from '../../support/hostile-text';

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
      ['the left-to-right, right-to-left and Arabic letter marks', 'a\u200eb\u200fc\u061cd', 'a\ufffdb\ufffdc\ufffdd'],
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

  describe('escapeControls', () => {
    it.each([
      ['a bidirectional override', 'abc\u202efdp.exe', '"abc\\u202efdp.exe"'],
      ['an isolate', 'a\u2066b\u2069', '"a\\u2066b\\u2069"'],
      ['DEL and a C1 control', 'a\u007fb\u009bc', '"a\\u007fb\\u009bc"'],
      ['the bidirectional marks', 'a\u200eb\u200fc\u061cd', '"a\\u200eb\\u200fc\\u061cd"'],
    ])('writes %s in JSON as an escape that parses back to the same text', (_, text, json) => {
      const escaped = escapeControls(JSON.stringify(text));

      expect(escaped).toBe(json);
      expect(JSON.parse(escaped)).toBe(text);
    });

    it("keeps JSON's own line breaks and indents, and text without controls, as they are", () => {
      const json = JSON.stringify({ name: 'web', list: ['é', '☃'] }, null, 2);

      expect(escapeControls(json)).toBe(json);
    });
  });

  describe('safeJson', () => {
    it('escapes every control and bidirectional character, compact or indented, and parses back to the same value', () => {
      const value = { repositoryName: HOSTILE, tags: [HOSTILE], policy: { description: HOSTILE }, n: 1 };

      const compact = safeJson(value);
      const indented = safeJson(value, 2);

      expectEscapedJson(compact, value);
      expect(compact).not.toContain('\n');
      expectEscapedJson(indented, value);
      expect(indented.split('\n')[1]).toBe(`  "repositoryName": ${escapeControls(JSON.stringify(HOSTILE))},`);
    });
  });
});
