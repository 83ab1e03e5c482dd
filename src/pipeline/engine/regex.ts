import { RE2JS } from 're2js';

/** Caller input longer than this is never tested against a flow's regular expression. */
export const MAX_REGEX_INPUT = 1000;

const compiled = new Map<string, RE2JS | null>();

/**
 * Whether `pattern` (from a flow: `collect.pattern`, a `matches` condition) finds a match in `text`.
 * Patterns run on RE2 (linear time), so no pattern can stall the process whatever the caller sends
 * (ReDoS). Patterns RE2 cannot run (lookarounds, backreferences) never match: a backtracking engine
 * on caller input is not an option. Memoized per pattern (a pure cache).
 */
export function patternMatches(pattern: string, text: string): boolean {
  if (text.length > MAX_REGEX_INPUT) return false;
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch {
      re = null;
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re !== null && re.matcher(text).find();
}
