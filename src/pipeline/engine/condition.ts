import type { ConditionTest, FlowNodeOf } from '../../features/flows/flow-schema.js';
import { scopeOf, type Run } from './run.js';
import { lookup, stringify } from './templates.js';
import { patternMatches } from './regex.js';
import { isWithinHours } from './within-hours.js';

type VariableTest = Exclude<ConditionTest, { op: 'within_hours' }>;

const isSet = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
const asNumber = (v: unknown): number | null => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string' || v.trim() === '') return null;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : null;
};

/** `eq`: the same text (a number compares numerically, so "5" equals 5 and "5.0"). */
function isEqual(actual: unknown, expected: string | number | boolean): boolean {
  if (!isSet(actual)) return false;
  if (typeof expected === 'number') return asNumber(actual) === expected;
  return stringify(actual) === String(expected);
}

function testVariable(actual: unknown, t: VariableTest): boolean {
  switch (t.op) {
    case 'exists':
      return isSet(actual);
    case 'eq':
      return isEqual(actual, t.value!);
    case 'neq':
      return !isEqual(actual, t.value!);
    case 'contains':
      return isSet(actual) && stringify(actual).toLowerCase().includes(String(t.value).toLowerCase());
    case 'gt':
    case 'lt': {
      const n = asNumber(actual);
      return n !== null && (t.op === 'gt' ? n > Number(t.value) : n < Number(t.value));
    }
    case 'matches':
      return patternMatches(String(t.value), stringify(actual));
  }
}

export function holds(run: Run, test: ConditionTest): boolean {
  if (test.op === 'within_hours') return isWithinHours(run.at, test);
  return testVariable(lookup(scopeOf(run), test.variable), test);
}

/** Branches in order; the first that holds wins, else the default edge. */
export function runCondition(run: Run, node: FlowNodeOf<'condition'>): string {
  const branch = node.data.branches.find((b) => holds(run, b.when));
  return run.flow!.target(branch?.edge_id ?? node.data.default_edge_id);
}
