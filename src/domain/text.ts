/**
 * Characters that must never reach a terminal, a log line or a plain-text e-mail as they are: C0
 * controls (ESC starts terminal escape sequences; CR and backspace overwrite what was printed), DEL,
 * C1 controls (a single-byte CSI on some terminals), and the Unicode bidirectional overrides,
 * isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C) that make text display
 * in another order than it reads.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Replaces every control character in `text` with a visible stand-in, so that user data (a
 * repository name from a snapshot file, an error message) prints as text and never moves the
 * cursor, clears the screen or reorders a line: a C0 control becomes its Unicode "control picture"
 * (ESC → `␛`, LF → `␊`), DEL becomes `␡`, and C1 controls and bidirectional overrides become `�`.
 *
 * @example visibleControls('team\u001b[2J') // 'team␛[2J'
 */
export function visibleControls(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return '\u2421';
    return '\ufffd';
  });
}

/**
 * The characters of {@link UNSAFE} that JSON.stringify leaves as they are: it escapes the C0
 * controls itself, and its own line breaks and indents are C0 characters that must stay.
 */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Writes every control character of `json` (see {@link visibleControls}) as a JSON `\uXXXX` escape:
 * for JSON text, where the escape keeps the data exactly (a parser reads the character back) while
 * the text itself, printed to a terminal or a log, holds nothing that drives it or reorders a line.
 * Apply it to serialised JSON only, where these characters can stand nowhere but inside strings.
 *
 * @example escapeControls(JSON.stringify({ name: 'abc\u202edef' })) // '{"name":"abc\\u202edef"}'
 */
export function escapeControls(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * `value` as JSON text (indented by `space` when given) with every control character escaped by
 * {@link escapeControls}: for every JSON the janitor writes, whether a person or the janitor reads it
 * next. `JSON.parse` gives back exactly `value`'s data; the text holds no character that drives a
 * terminal or reorders a line, and no line break but the indent's.
 *
 * @example safeJson({ name: 'abc\u202edef' }) // '{"name":"abc\\u202edef"}'
 */
export function safeJson(value: unknown, space?: number): string {
  return escapeControls(JSON.stringify(value, null, space));
}

/**
 * Folds line breaks (and the spaces around them) into one space, drops a line break at the end,
 * then makes what control characters remain visible: one line of safe text.
 *
 * @example oneLine('denied\r\n  retry later') // 'denied retry later'
 */
export function oneLine(text: string): string {
  return visibleControls(text.replace(/\s*[\r\n]+\s*$/, '').replace(/\s*[\r\n]+\s*/g, ' '));
}

/**
 * A count with its noun, the noun made plural with an `s` unless the count is one.
 *
 * @example plural(2, 'rule') // '2 rules'
 */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The JSON value of `text`; undefined when there is no text or it is not JSON (a stored object to ignore, not to fail on). */
export function parseJsonOrUndefined(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
