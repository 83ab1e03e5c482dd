import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toSpeakable } from './speakable.js';

describe('toSpeakable', () => {
  it('strips Markdown, links, URLs, emails and bullet markers, ending items as sentences', () => {
    const md = '## Refunds\n\n- Within **30 days** of purchase\n- See [our policy](https://acme.test/p) or https://acme.test/faq\n\nWrite to help@acme.test for _anything_ else.';
    expect(toSpeakable(md)).toBe('Refunds. Within 30 days of purchase. See our policy or. Write to for anything else.');
  });

  it('drops code blocks, code-looking lines and table rules, and speaks table cells as a list', () => {
    const text = 'Install it:\n\n```bash\nnpm install acme --save\n```\n\nconst x = () => { run(); }\n\n| Plan | Price |\n|---|---|\n| Basic | $10 |';
    expect(toSpeakable(text)).toBe('Install it. Plan, Price. Basic, $10.');
  });

  it('removes HTML tags and decodes entities', () => {
    expect(toSpeakable('<p>Fish &amp; chips</p><script>alert(1)</script><p>Open&nbsp;daily</p>')).toBe('Fish & chips. Open daily.');
  });

  it('keeps whole sentences within maxChars', () => {
    const text = 'First sentence is short. Second sentence is a little longer than that. Third one will not fit.';
    expect(toSpeakable(text, 75)).toBe('First sentence is short. Second sentence is a little longer than that.');
    expect(toSpeakable(text, 30)).toBe('First sentence is short.');
  });

  it('cuts an overlong first sentence at a word boundary and ends it with a period', () => {
    const out = toSpeakable('This extraordinarily long opening sentence keeps going, and going, without any full stop at all', 50);
    expect(out).toBe('This extraordinarily long opening sentence keeps.');
    expect(out.length).toBeLessThanOrEqual(50);
  });

  it('handles sentence punctuation of other scripts', () => {
    expect(toSpeakable('हम सोमवार से खुले हैं। रविवार को बंद रहते हैं।', 25)).toBe('हम सोमवार से खुले हैं।');
  });

  it('never exceeds maxChars and never cuts a word', () => {
    const word = fc.stringMatching(/^[a-z]{1,15}[.,!?]?$/);
    fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 120 }), fc.integer({ min: 20, max: 300 }), (words, max) => {
      const input = words.join(' ');
      const out = toSpeakable(input, max);
      expect(out.length).toBeLessThanOrEqual(max);
      const inputWords = new Set(input.split(' ').map((w) => w.replace(/[.,!?]$/, '')));
      for (const w of out.split(' ')) expect(inputWords.has(w.replace(/[.,!?]$/, ''))).toBe(true);
    }));
  });
});
