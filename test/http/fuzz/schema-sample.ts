/**
 * A plausible valid value for a JSON Schema (the subset the OpenAPI document uses: type, enum, const,
 * oneOf/anyOf, properties/required, items, min/max, pattern, format). The fuzzer mutates it, so the
 * broken requests get past the parts of validation they do not target and reach deeper code.
 * URLs always point at 127.0.0.1 port 9 (refused by the SSRF guard or by the OS, never the internet).
 */
import { randomUUID } from 'node:crypto';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Schema = Record<string, any>;

export interface SampleContext {
  /** A UUID for a property or parameter name (an existing id when one is known). */
  idFor(name: string): string;
}

const STRING_CANDIDATES = (name: string): string[] => [
  `sample_${randomUUID().slice(0, 6)}`,
  'http://127.0.0.1:9/x',
  'sample@example.test',
  `${name.includes('mail') ? `fuzz-${randomUUID().slice(0, 8)}@example.test` : 'Sample text'}`,
  'en',
  '+14155550100',
  'a',
  'A1',
  'correct-horse-battery',
  '{{x}}',
];

function sampleString(s: Schema, name: string, ctx: SampleContext): string {
  if (s.format === 'uuid') return ctx.idFor(name);
  if (s.format === 'email' || /email/.test(name)) return `fuzz-${randomUUID().slice(0, 8)}@example.test`;
  if (s.format === 'uri' || /url$/.test(name)) return 'http://127.0.0.1:9/x';
  if (s.format === 'date-time') return new Date().toISOString();
  if (/password/.test(name)) return 'correct-horse-battery';
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? 10_000;
  const fits = (v: string) => v.length >= min && v.length <= max && (!s.pattern || safeTest(s.pattern, v));
  const candidates = [...(/^[a-z]+$/.test(name) && name.length > 0 ? [`${name}_1`] : []), ...STRING_CANDIDATES(name)];
  const hit = candidates.find(fits);
  if (hit !== undefined) return hit;
  return 'x'.repeat(Math.max(1, min));
}

function safeTest(pattern: string, v: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(v);
  } catch {
    return true;
  }
}

export function sample(s: Schema | undefined, ctx: SampleContext, name = '', depth = 0): unknown {
  if (!s || depth > 8) return null;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (Array.isArray(s.oneOf) && s.oneOf.length > 0) return sample(s.oneOf[0], ctx, name, depth + 1);
  if (Array.isArray(s.anyOf) && s.anyOf.length > 0) return sample(s.anyOf.find((x: Schema) => x.type !== 'null') ?? s.anyOf[0], ctx, name, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((x: string) => x !== 'null') : s.type;
  switch (type) {
    case 'string':
      return sampleString(s, name, ctx);
    case 'integer':
    case 'number': {
      const v = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
      return s.maximum !== undefined ? Math.min(v, s.maximum) : v;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const n = s.minItems ?? 0;
      return Array.from({ length: n }, () => sample(s.items, ctx, name, depth + 1));
    }
    case 'object':
    default: {
      if (type !== 'object' && !s.properties) return null;
      const out: Record<string, unknown> = {};
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set<string>(s.required ?? Object.keys(props));
      for (const [k, v] of Object.entries(props)) if (required.has(k)) out[k] = sample(v, ctx, k, depth + 1);
      return out;
    }
  }
}
