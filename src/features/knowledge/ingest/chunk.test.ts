import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk.js';
import { documentText, finalizeDocument } from './finalize.js';
import type { ExtractedDocument, Section } from './types.js';

const doc = (sections: Section[]): ExtractedDocument => finalizeDocument({ sections }, { maxChars: 1e9 });
const sentence = (n: number) => `Sentence number ${n} explains one small detail of the refund policy.`;
const para = (from: number, count: number) => Array.from({ length: count }, (_, i) => sentence(from + i)).join(' ');

describe('chunkDocument', () => {
  it('breaks only between sentences, overlaps whole sentences and respects maxChars', () => {
    const d = doc([{ kind: 'heading', level: 1, text: 'Refunds' }, { kind: 'paragraph', text: para(1, 30) }]);
    const chunks = chunkDocument(d, { maxChars: 400, overlapChars: 150 });
    expect(chunks.length).toBeGreaterThan(4);
    chunks.forEach((c, i) => {
      expect(c.position).toBe(i);
      expect(c.heading).toBe('Refunds');
      expect(c.text.length).toBeLessThanOrEqual(400);
      expect(c.text).toMatch(/^Sentence number \d+ .*policy\.$/s);
      if (i > 0) {
        const prev = chunks[i - 1]!;
        expect(c.char_start!).toBeLessThan(prev.char_end!);
        expect(prev.char_end! - c.char_start!).toBeLessThanOrEqual(150);
        expect(prev.text.endsWith(full(d).slice(c.char_start!, prev.char_end!))).toBe(true);
      }
    });
  });

  it('starts a new chunk at every heading and carries the heading path', () => {
    const d = doc([
      { kind: 'heading', level: 1, text: 'Refunds' }, { kind: 'paragraph', text: 'Refunds take five days.' },
      { kind: 'heading', level: 2, text: 'Exceptions' }, { kind: 'paragraph', text: 'Gift cards are final.' },
      { kind: 'heading', level: 2, text: 'Shipping' }, { kind: 'heading', level: 3, text: 'Returns' }, { kind: 'list', text: 'Use the prepaid label.' },
    ]);
    expect(chunkDocument(d).map((c) => [c.position, c.heading, c.text])).toEqual([
      [0, 'Refunds', 'Refunds take five days.'],
      [1, 'Refunds > Exceptions', 'Gift cards are final.'],
      [2, 'Refunds > Shipping > Returns', 'Use the prepaid label.'],
    ]);
  });

  it('groups table rows without splitting or repeating any row', () => {
    const rows: Section[] = Array.from({ length: 40 }, (_, i) => ({ kind: 'table_row', text: `sku: A-${i}; name: Item ${i}; price: ${i * 3}` }));
    const chunks = chunkDocument(doc(rows), { maxChars: 300, overlapChars: 100 });
    const seen = chunks.flatMap((c) => c.text.split('\n\n'));
    expect(seen).toEqual(rows.map((r) => r.text));
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(300);
  });

  it('cuts a sentence longer than maxChars between words', () => {
    const words = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const chunks = chunkDocument(doc([{ kind: 'paragraph', text: `${words}.` }]), { maxChars: 200, overlapChars: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.map((c) => c.text).join(' ')).toBe(`${words}.`);
    for (const c of chunks) expect(c.text).toMatch(/^word\d+( word\d+)*\.?$/);
  });

  it('starts a new chunk on a new page once the current one has minChars, without overlap', () => {
    const d = doc([
      { kind: 'paragraph', text: para(1, 3), page: 1 }, { kind: 'paragraph', text: para(4, 2), page: 2 },
      { kind: 'paragraph', text: 'Tiny.', page: 3 }, { kind: 'paragraph', text: 'Also tiny.', page: 4 },
    ]);
    const chunks = chunkDocument(d, { maxChars: 1200, overlapChars: 150, minChars: 100 });
    // Page 3's chunk is still short when page 4 begins, so page 4 joins it (the chunk keeps page 3).
    expect(chunks.map((c) => [c.page, c.text.slice(0, 18)])).toEqual([[1, 'Sentence number 1 '], [2, 'Sentence number 4 '], [3, 'Tiny.\n\nAlso tiny.']]);
    expect(chunks[1]!.text).toBe(para(4, 2));
  });

  it('folds a short tail into the previous chunk when both fit', () => {
    const d = doc([{ kind: 'paragraph', text: `${para(1, 5)} Done.` }]);
    const chunks = chunkDocument(d, { maxChars: 350, overlapChars: 0, minChars: 50 });
    expect(chunks.at(-1)!.text.endsWith('policy. Done.')).toBe(true);
  });

  it('indexes a document that only has headings', () => {
    const chunks = chunkDocument(doc([{ kind: 'heading', level: 1, text: 'Only a title' }]));
    expect(chunks).toEqual([{ position: 0, text: 'Only a title', heading: 'Only a title', char_start: 0, char_end: 12 }]);
  });

  it('segments sentences in other scripts', () => {
    const hindi = 'हम सोमवार से शुक्रवार तक खुले हैं। शनिवार को आधा दिन। रविवार को बंद।';
    const chunks = chunkDocument(doc([{ kind: 'paragraph', text: hindi }]), { maxChars: 40, overlapChars: 0, minChars: 0, language: 'hi' });
    expect(chunks.map((c) => c.text)).toEqual(['हम सोमवार से शुक्रवार तक खुले हैं।', 'शनिवार को आधा दिन। रविवार को बंद।']);
  });

  it('keeps its invariants on arbitrary documents', () => {
    const section = fc.record({
      kind: fc.constantFrom<Section['kind']>('heading', 'paragraph', 'list', 'table_row', 'code'),
      text: fc.array(fc.stringMatching(/^[A-Za-z]{1,12}[.!?]?$/), { minLength: 1, maxLength: 80 }).map((w) => w.join(' ')),
      level: fc.integer({ min: 1, max: 3 }),
      page: fc.integer({ min: 1, max: 3 }),
    });
    fc.assert(fc.property(fc.array(section, { minLength: 1, maxLength: 12 }), fc.integer({ min: 60, max: 500 }), (sections, maxChars) => {
      const d = doc(sections.map((s) => (s.kind === 'heading' ? { ...s, text: s.text.slice(0, 60) } : s)));
      const chunks = chunkDocument(d, { maxChars, overlapChars: Math.floor(maxChars / 4), minChars: 20 });
      const text = full(d);
      chunks.forEach((c, i) => {
        expect(c.position).toBe(i);
        expect(c.text).toBe(text.slice(c.char_start, c.char_end));
        expect(c.text.length).toBeLessThanOrEqual(maxChars);
        expect(c.text.trim()).toBe(c.text);
      });
      const body = d.sections.filter((s) => s.kind !== 'heading').flatMap((s) => s.text.split(/\s+/));
      const covered = chunks.flatMap((c) => c.text.split(/\s+/));
      for (const word of body) expect(covered).toContain(word);
    }), { numRuns: 150 });
  });
});

function full(d: ExtractedDocument): string {
  return documentText(d);
}
