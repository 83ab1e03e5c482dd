/**
 * Keeps every test honest mechanically (vitest setupFiles): a test that makes no assertion fails
 * ("expected any number of assertion, but got none"). A helper that asserts (expectError,
 * expectNoCanary, runRow…) counts; a test that only calls code and hopes it does not throw must say
 * what it expects. Focused tests (`.only`) are refused by eslint (eslint.config.js).
 */
import { beforeEach, expect } from 'vitest';

beforeEach(() => {
  expect.hasAssertions();
});
