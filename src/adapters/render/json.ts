import { safeJson } from '../../domain/text';

/**
 * `value` as indented JSON for stdout, a file or a bucket, with the characters the text formats
 * make visible (bidirectional overrides and isolates, DEL, C1 controls) written as `\uXXXX`
 * escapes: the data parse back exactly, and the text cannot reorder a line in a terminal or a log.
 *
 * @example ctx.out(renderJson({ apply: false, actions }));
 */
export function renderJson(value: unknown): string {
  return safeJson(value, 2);
}
