import { describe, expect, it } from 'vitest';
import { checkParametersSchema, validateArguments } from './json-schema.js';

const schema = {
  type: 'object',
  properties: {
    city: { type: 'string', minLength: 2, maxLength: 20 },
    days: { type: 'integer', minimum: 1, maximum: 7 },
    tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 2 },
    when: { type: ['string', 'null'] },
  },
  required: ['city'],
  additionalProperties: false,
};

describe('tool parameter schemas', () => {
  it('accepts the supported subset and names what it refuses', () => {
    expect(checkParametersSchema(schema)).toEqual([]);
    expect(checkParametersSchema({ type: 'array' })[0]!.message).toMatch(/root schema/);
    expect(checkParametersSchema({ type: 'object', properties: { a: { $ref: '#/x' } } })[0]!.path).toBe('parameters.properties.a.$ref');
    expect(checkParametersSchema({ type: 'object', properties: { a: { type: 'string', pattern: '(a+)+$' } } })).toHaveLength(1);
    expect(checkParametersSchema({ type: 'object', properties: { 'bad name': { type: 'string' } } })).toHaveLength(1);
    expect(checkParametersSchema({ type: 'object', required: ['toString'] })).toHaveLength(1);
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 10; i++) deep = { type: 'object', properties: { x: deep } };
    expect(checkParametersSchema(deep).some((p) => /deeper/.test(p.message))).toBe(true);
    expect(checkParametersSchema({ type: 'object', description: 'x'.repeat(20_000) })[0]!.message).toMatch(/larger/);
  });

  it('validates arguments', () => {
    expect(validateArguments(schema, { city: 'Pune', days: 3, tags: ['a'], when: null })).toEqual([]);
    const paths = (args: unknown) => validateArguments(schema, args).map((p) => p.path);
    expect(paths({})).toEqual(['arguments.city']);
    expect(paths({ city: 'P' })).toEqual(['arguments.city']);
    expect(paths({ city: 'Pune', days: 1.5 })).toEqual(['arguments.days']);
    expect(paths({ city: 'Pune', days: 8 })).toEqual(['arguments.days']);
    expect(paths({ city: 'Pune', tags: ['c'] })).toEqual(['arguments.tags.0']);
    expect(paths({ city: 'Pune', other: 1 })).toEqual(['arguments.other']);
    expect(paths([])).toEqual(['arguments']);
    expect(paths({ city: 'Pune', constructor: 1 })).toEqual(['arguments.constructor']);
  });
});
