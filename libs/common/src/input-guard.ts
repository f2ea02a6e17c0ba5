// The HTTP boundary's checks on raw input, shared by the JSON body parser and the query/params hook.
import { FieldError, InvalidInput } from './errors';

/** Deepest nesting of arrays and objects a JSON body may have; our deepest DTO needs 5. */
export const MAX_JSON_DEPTH = 32;

/**
 * Refuses a JSON text nested deeper than `maxDepth` before it is parsed: the validator and the
 * transformer recurse per level, so a 5,000-level body would overflow their stack. One pass over the
 * characters, no recursion, strings skipped (brackets inside them do not count).
 */
export function assertJsonDepth(text: string, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      // No field path: the depth is the body's, and the refusal comes before there are fields.
      if (++depth > maxDepth) throw new InvalidInput(`The request body is nested deeper than ${maxDepth} levels.`);
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
}

const NUL = '\u0000';
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored (PostgreSQL text refuses NUL; UTF-8 cannot carry a lone surrogate), or null. */
export function unstorableString(s: string): string | null {
  if (s.includes(NUL)) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(s)) return 'must not contain unpaired UTF-16 surrogates';
  return null;
}

/**
 * Every string in a parsed value (object keys included) that cannot be stored, with its path as the
 * validation pipe names paths (`items.0.text`). Iterative: the depth is bounded already, but a wide
 * body must not cost a stack frame per field either.
 */
export function findUnstorableStrings(value: unknown, root = ''): FieldError[] {
  const errors: FieldError[] = [];
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length && errors.length < 20) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const why = unstorableString(v);
      if (why) errors.push({ path, message: `${path || 'value'} ${why}` });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const childPath = path ? `${path}.${k}` : k;
        const why = unstorableString(k);
        if (why) errors.push({ path: childPath, message: `field name ${why}` });
        stack.push([child, childPath]);
      }
    }
  }
  return errors.reverse();
}

/** Throws a 400 naming every string of the request's body, query or path that cannot be stored. */
export function assertStorableInput(parts: { body?: unknown; query?: unknown; params?: unknown }): void {
  const errors = [...findUnstorableStrings(parts.params), ...findUnstorableStrings(parts.query), ...findUnstorableStrings(parts.body)];
  if (errors.length) throw new InvalidInput('The request contains characters that cannot be stored.', errors);
}
