import { describe, expect, it } from 'vitest';
import { applyMapping, parsePath } from './response-mapping.js';

describe('response mapping (JSONPath-lite)', () => {
  it('parses only fixed addresses', () => {
    expect(parsePath('$')).toEqual([]);
    expect(parsePath("$.a['b c'][2].d")).toEqual(['a', 'b c', 2, 'd']);
    for (const bad of ['a.b', '$..a', '$.a[*]', '$[?(@.a)]', '$.a[-1]', '$.']) expect(parsePath(bad), bad).toBeNull();
  });

  it('maps values, skipping missing and oversized ones and inherited properties', () => {
    const body = { a: { b: [10, { c: 'x' }] }, big: 'y'.repeat(5000) };
    expect(applyMapping({ one: '$.a.b[0]', two: '$.a.b[1].c', all: '$.a', none: '$.z', big: '$.big', proto: '$.constructor' }, body)).toEqual({
      one: 10,
      two: 'x',
      all: { b: [10, { c: 'x' }] },
    });
  });
});
