import { describe, expect, it } from 'vitest';
import { canonicalLanguage, tsConfigFor } from './language.js';

describe('tsConfigFor', () => {
  it('maps BCP 47 tags to PostgreSQL text search configurations', () => {
    expect(tsConfigFor('en-IN')).toBe('english');
    expect(tsConfigFor('en')).toBe('english');
    expect(tsConfigFor('es-419')).toBe('spanish');
    expect(tsConfigFor('pt_BR')).toBe('portuguese');
    expect(tsConfigFor('nb-NO')).toBe('norwegian');
    expect(tsConfigFor('hi-IN')).toBe('hindi');
    expect(tsConfigFor('ta')).toBe('tamil');
    expect(tsConfigFor('sr-Latn-RS')).toBe('serbian');
    expect(tsConfigFor('DE')).toBe('german');
  });

  it("falls back to 'simple' for unknown, empty or unavailable configurations", () => {
    expect(tsConfigFor('ja-JP')).toBe('simple');
    expect(tsConfigFor('zh-Hans')).toBe('simple');
    expect(tsConfigFor(undefined)).toBe('simple');
    expect(tsConfigFor('')).toBe('simple');
    expect(tsConfigFor('ca-ES', new Set(['simple', 'english', 'spanish']))).toBe('simple');
    expect(tsConfigFor('es', new Set(['simple', 'english', 'spanish']))).toBe('spanish');
  });
});

describe('canonicalLanguage', () => {
  it('canonicalizes valid tags and drops junk', () => {
    expect(canonicalLanguage('en_us')).toBe('en-US');
    expect(canonicalLanguage(' hi-in ')).toBe('hi-IN');
    expect(canonicalLanguage('not a language!')).toBeUndefined();
    expect(canonicalLanguage('')).toBeUndefined();
  });
});
