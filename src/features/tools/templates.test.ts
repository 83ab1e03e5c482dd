import { describe, expect, it } from 'vitest';
import { checkUrlTemplate, placeholdersIn, renderHeaderValue, renderJson, renderUrl, templateOrigin, TemplateArgumentError } from './templates.js';

describe('tool templates', () => {
  it('keeps placeholders out of the origin', () => {
    expect(checkUrlTemplate('https://api.example.com/v1/{{id}}?q={{q}}')).toBeNull();
    expect(checkUrlTemplate('https://{{host}}/x')).toMatch(/never in the host/);
    expect(checkUrlTemplate('https://api.example.com{{path}}')).toMatch(/never in the host/);
    expect(checkUrlTemplate('https://api.example.com:{{port}}/')).toMatch(/never in the host/);
    expect(checkUrlTemplate('//api.example.com/x')).toMatch(/absolute/);
    expect(checkUrlTemplate('https://u:p@api.example.com/')).toMatch(/credentials/);
    expect(templateOrigin('https://api.example.com:8443/a/{{b}}')).toBe('https://api.example.com:8443');
  });

  it('percent-encodes URL values so they cannot change the path structure or host', () => {
    expect(renderUrl('https://a.example/u/{{id}}?q={{q}}', { id: '../../admin', q: 'a&b=c#d' })).toBe('https://a.example/u/..%2F..%2Fadmin?q=a%26b%3Dc%23d');
    expect(new URL(renderUrl('https://a.example/u/{{id}}', { id: '@evil.example' })).host).toBe('a.example');
    expect(() => renderUrl('https://a.example/u/{{id}}/x', { id: '..' })).toThrow(TemplateArgumentError);
    expect(renderUrl('https://a.example/{{missing}}', {})).toBe('https://a.example/');
  });

  it('strips line breaks from header values and keeps JSON types for whole placeholders', () => {
    expect(renderHeaderValue('id {{v}}', { v: 'a\r\nX-Evil: 1' })).toBe('id a  X-Evil: 1');
    expect(renderJson({ n: '{{n}}', s: 'n={{n}}', list: ['{{obj}}'], keep: 3 }, { n: 5, obj: { a: [1] } })).toEqual({ n: 5, s: 'n=5', list: [{ a: [1] }], keep: 3 });
    expect(renderJson('{{"a": 1}}', {})).toBe('{{"a": 1}}');
    expect(placeholdersIn({ a: ['{{x}} and {{ y }}'], b: '{{z}}' }).sort()).toEqual(['x', 'y', 'z']);
    // Placeholders read own properties only.
    expect(renderJson('{{constructor}}', {})).toBeNull();
  });
});
