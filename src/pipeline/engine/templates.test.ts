import { describe, expect, it } from 'vitest';
import { T0 } from '../../../test/helpers/engine.js';
import { lookup, render, renderDeep, type Scope } from './templates.js';

const scope: Scope = {
  variables: { name: 'Ann', n: 3, ok: false, order: { status: 'shipped', items: [{ sku: 'A1' }] }, empty: null, caller_number: '+14155552671' },
  channel: 'voice',
  at: T0 + 123,
};

describe('templates', () => {
  it.each([
    ['Hi {{name}}', 'Hi Ann'],
    ['Hi {{ name }}!', 'Hi Ann!'],
    ['{{order.status}} / {{ order.items.0.sku }}', 'shipped / A1'],
    ['[{{unset}}] [{{order.missing.deep}}] [{{empty}}] [{{name.length}}]', '[] [] [] []'],
    ['{{n}} {{ok}}', '3 false'],
    ['{{order.items}}', '[{"sku":"A1"}]'],
    ['{{now}} on {{channel}} from {{caller_number}}', '2026-12-02T12:00:00Z on voice from +14155552671'],
    ['{{ not a template }} {{1bad}} {name}', '{{ not a template }} {{1bad}} {name}'],
  ])('%j → %j', (text, expected) => expect(render(text, scope)).toBe(expected));

  it('does not read inherited properties', () => {
    expect(lookup(scope, 'name.constructor')).toBeUndefined();
    expect(render('{{toString}}{{order.__proto__}}', scope)).toBe('');
  });

  it('renderDeep keeps the shape and renders every string', () => {
    const input = { a: '{{name}}', b: [1, '{{n}}', { c: '{{order.status}}', d: null, e: true }] };
    expect(renderDeep(input, scope)).toEqual({ a: 'Ann', b: [1, '3', { c: 'shipped', d: null, e: true }] });
    expect(input.a).toBe('{{name}}');
  });
});
