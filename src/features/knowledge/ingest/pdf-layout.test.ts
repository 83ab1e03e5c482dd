import { describe, expect, it } from 'vitest';
import { buildLines, layoutPages, type PdfItem } from './pdf-layout.js';

/** A text item at (x, y) set in `size` points, about 0.5em per character wide. */
const item = (str: string, x: number, y: number, size = 10, eol = 0): PdfItem => [str, x, y, str.length * size * 0.5, size, eol];

describe('pdf layout', () => {
  it('joins glyph runs on one baseline, adding spaces only across visible gaps', () => {
    const lines = buildLines([item('Hel', 50, 700), item('lo', 65, 700), item('world', 85, 700), item('Next', 50, 686)]);
    expect(lines.map((l) => l.text)).toEqual(['Hello world', 'Next']);
  });

  it('splits paragraphs on larger vertical gaps, re-joins wrapped lines and undoes hyphenation', () => {
    const sections = layoutPages([[
      item('The quick brown fox jumps over the', 50, 700), item('lazy dog. It was a sunny infor-', 50, 688),
      item('mation day.', 50, 676), item('A new paragraph starts here.', 50, 640),
    ]]);
    expect(sections.map((s) => [s.kind, s.text])).toEqual([
      ['paragraph', 'The quick brown fox jumps over the lazy dog. It was a sunny information day.'],
      ['paragraph', 'A new paragraph starts here.'],
    ]);
  });

  it('ranks headings by font size and drops page numbers', () => {
    const sections = layoutPages([[
      item('Manual', 50, 780, 24), item('Setup', 50, 740, 16), item('Plug the device in and wait.', 50, 720),
      item('Use the cable that came in the box.', 50, 708), item('3', 300, 30, 9),
    ]]);
    expect(sections).toEqual([
      { kind: 'heading', text: 'Manual', page: 1, level: 1 },
      { kind: 'heading', text: 'Setup', page: 1, level: 2 },
      { kind: 'paragraph', text: 'Plug the device in and wait. Use the cable that came in the box.', page: 1 },
    ]);
  });

  it('starts list items at bullets and numbers', () => {
    const sections = layoutPages([[item('Steps:', 50, 700), item('1. Open the app', 50, 688), item('2. Sign in', 50, 676)]]);
    expect(sections.map((s) => [s.kind, s.text])).toEqual([['paragraph', 'Steps:'], ['list', 'Open the app'], ['list', 'Sign in']]);
  });
});
