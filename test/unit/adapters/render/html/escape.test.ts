import { escapeHtml } from '../../../../../src/adapters/render/html/escape';

describe('render/html/escape', () => {
  describe('escapeHtml', () => {
    it.each([
      ['markup', '<b class="x">&</b>', '&lt;b class=&quot;x&quot;&gt;&amp;&lt;/b&gt;'],
      ['a single quote', "it's", 'it&#39;s'],
      ['an escape sequence', 'a\u001b[2Jb', 'a\u241b[2Jb'],
      ['a bidirectional override', 'abc\u202edef', 'abc\ufffddef'],
    ])('makes %s safe for element content and quoted attributes', (_, text, expected) => {
      expect(escapeHtml(text)).toBe(expected);
    });

    it('leaves plain text as it is', () => {
      expect(escapeHtml('team-a/web-api (us-east-1)')).toBe('team-a/web-api (us-east-1)');
    });
  });
});
