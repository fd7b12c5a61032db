import { renderJson } from '../../../../src/adapters/render/json';

describe('render/json', () => {
  describe('renderJson', () => {
    it('writes bidirectional overrides and isolates as escapes, as the text formats make them visible, and parses back', () => {
      const value = { repositoryName: 'evil\u202e\u2066name', message: 'c1\u009b' };

      const json = renderJson(value);

      expect(json).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u007f-\u009f]/);
      expect(json).toContain('"repositoryName": "evil\\u202e\\u2066name"');
      expect(JSON.parse(json)).toEqual(value);
    });

    it('indents by two spaces', () => {
      expect(renderJson({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}');
    });
  });
});
