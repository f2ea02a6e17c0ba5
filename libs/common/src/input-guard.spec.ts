import { assertJsonDepth, findUnstorableStrings, MAX_JSON_DEPTH, unstorableString } from './input-guard';
import { InvalidInput } from './errors';

describe('assertJsonDepth', () => {
  const nest = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  it('accepts a body nested up to the limit and refuses one level more, without recursion', () => {
    expect(() => assertJsonDepth(nest(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => assertJsonDepth(nest(MAX_JSON_DEPTH + 1))).toThrow(InvalidInput);
    expect(() => assertJsonDepth('['.repeat(1_000_000))).toThrow(InvalidInput);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(() => assertJsonDepth(JSON.stringify({ a: '[[[[{{{{'.repeat(100), b: 'say \\"[[[[' + '['.repeat(100) }))).not.toThrow();
  });
});

describe('findUnstorableStrings', () => {
  it('names NUL bytes and lone surrogates by their path, keys included', () => {
    const errors = findUnstorableStrings({ ok: 'fine 😀', entries: [{ note: 'x' }, { note: 'a\u0000b' }], high: '\ud800', low: 'x\udc00', ['k\u0000']: 1 });
    expect(errors.map((e) => e.path).sort()).toEqual(['entries.1.note', 'high', 'k\u0000', 'low'].sort());
  });

  it('passes well-formed text, numbers and nulls', () => {
    expect(findUnstorableStrings({ a: 'Ünïcödé 😀', b: 1, c: null, d: [true] })).toEqual([]);
    expect(unstorableString('\ud83d\ude00')).toBeNull();
    expect(unstorableString('\ude00\ud83d')).toMatch(/surrogate/);
  });
});
