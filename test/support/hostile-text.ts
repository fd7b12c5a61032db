// Text that a terminal or a log viewer would act on, for the tests that every JSON the janitor writes
// holds it only as escapes and parses back to it.

/**
 * Every kind of character the janitor escapes in JSON: the bidirectional overrides (U+202A–U+202E),
 * isolates (U+2066–U+2069) and marks (U+200E, U+200F, U+061C), C0 controls (NUL, BEL, ESC, CR,
 * backspace), DEL and C1 controls (NEL, CSI).
 */
export const HOSTILE =
  'rtl\u202e\u202a\u202b\u202c\u202d iso\u2066\u2067\u2068\u2069 marks\u200e\u200f\u061c c0\u0000\u0007\u001b[2J\r\b c1\u007f\u0085\u009b end';

/** A character of {@link HOSTILE} as it is, or any other control but the line feed of JSON's indent. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * Asserts that `text` holds no control or bidirectional character as it is (line feeds aside: JSON's
 * indent), that it holds the escape of U+202E, and that it parses back to `value`.
 *
 * @example expectEscapedJson(renderJson(report), report);
 */
export function expectEscapedJson(text: string, value: unknown): void {
  expect(text).not.toMatch(RAW);
  expect(text).toContain('\\u202e');
  expect(JSON.parse(text)).toEqual(value);
}

/** Asserts that `text` holds no control or bidirectional character as it is, line feeds aside. */
export function expectNoRawControls(text: string): void {
  expect(text).not.toMatch(RAW);
}
