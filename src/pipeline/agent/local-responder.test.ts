import { describe, expect, it } from 'vitest';
import { coverage } from './local-responder.js';

describe('converse-local: "matches well"', () => {
  it('is the share of the question\'s content words found in the passage (plurals folded, stopwords ignored)', () => {
    expect(coverage('How many days do I have to return a product?', 'You can return any product within 30 days.')).toBe(1);
    // Filler words of everyday questions do not dilute the match ("how long", "something").
    expect(coverage('How long do I have to return something?', 'You can return any product within 30 days.')).toBe(1);
    expect(coverage('What is the vault combination?', 'You can return any product within 30 days.')).toBe(0);
    expect(coverage('refund for shoes', 'Refunds are paid for shoe returns.')).toBe(1);
    expect(coverage('express shipping price', 'Express shipping arrives the next day.')).toBeCloseTo(2 / 3);
  });
  it('is 0 for a question with no content words', () => {
    expect(coverage('is it?', 'It is.')).toBe(0);
  });
});
