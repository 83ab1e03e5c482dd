import { describe, expect, it } from 'vitest';
import { finalizeDocument } from '../features/knowledge/ingest/finalize.js';
import { findJsonProblem, MAX_JSON_DEPTH } from './http/json-limits.js';
import { isStorableText, storableJson, toStorableText } from './storable-text.js';

describe('storable text', () => {
  it('tells apart NUL and unpaired surrogates from pairs', () => {
    expect(isStorableText('a😀b')).toBe(true);
    for (const bad of ['a\u0000', '\uD800', 'x\uDC00y', '\uDC00\uD800', '😀'.slice(0, 1)]) expect(isStorableText(bad), JSON.stringify(bad)).toBe(false);
    expect(toStorableText('a\u0000b\uD800c😀\uDC00')).toBe('ab\uFFFDc😀\uFFFD');
  });

  it('cleans every string and key of a JSON value without recursion, leaving the input untouched', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const input = { 'k\u0000': ['v\uD800', { n: 1 }], deep };
    const out = storableJson(input);
    expect(Object.keys(out)).toEqual(['k', 'deep']);
    expect((out as Record<string, unknown>).k).toEqual(['v\uFFFD', { n: 1 }]);
    expect(Object.keys(input)).toEqual(['k\u0000', 'deep']);
    let leaf: unknown = (out as { deep: unknown }).deep;
    while (Array.isArray(leaf)) leaf = leaf[0];
    expect(leaf).toBe('x');
  });

  it('finds the first problem with its path, and depth beyond the cap without overflowing', () => {
    expect(findJsonProblem({ a: [1, { b: 'ok' }, { c: 'n\u0000' }] }, 'body')).toEqual({ path: 'body.a.2.c', message: expect.stringMatching(/NUL/) });
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(findJsonProblem(deep, 'body')?.message).toMatch(/nested deeper than 64/);
    let atCap: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH; i++) atCap = [atCap];
    expect(findJsonProblem(atCap, 'body')).toBeNull();
    expect(findJsonProblem([atCap], 'body')).not.toBeNull();
  });

  it('extracted document text and titles lose NUL and unpaired surrogates', () => {
    const doc = finalizeDocument({ title: 'T\u0000itle\uD800', sections: [{ kind: 'paragraph', text: 'one\u0000two \uDC00 three' }] }, { maxChars: 1000 });
    expect(doc.sections[0]!.text).toBe('one two \uFFFD three');
    expect(doc.title).toBe('T itle\uFFFD');
    for (const s of [doc.title!, ...doc.sections.map((x) => x.text)]) expect(isStorableText(s)).toBe(true);
  });
});
