import { describe, expect, it } from 'vitest';
import { parseClientFrame } from './protocol.js';

describe('parseClientFrame', () => {
  it('accepts the three client frames', () => {
    expect(parseClientFrame('{"type":"message","text":" hi "}')).toEqual({ ok: true, frame: { type: 'message', text: 'hi' } });
    expect(parseClientFrame('{"type":"dtmf","digits":"12*#"}')).toEqual({ ok: true, frame: { type: 'dtmf', digits: '12*#' } });
    expect(parseClientFrame('{"type":"end"}')).toEqual({ ok: true, frame: { type: 'end' } });
  });

  it('names what is wrong, never throws', () => {
    expect(parseClientFrame('{')).toMatchObject({ ok: false, code: 'invalid_json' });
    for (const bad of ['null', '[]', '"x"', '{"type":"audio"}', '{}']) {
      expect(parseClientFrame(bad)).toMatchObject({ ok: false, code: 'invalid_frame', message: expect.stringMatching(/Unknown frame type/) });
    }
    expect(parseClientFrame('{"type":"message","text":""}')).toMatchObject({ ok: false, message: expect.stringMatching(/^text:/) });
    expect(parseClientFrame(JSON.stringify({ type: 'message', text: 'x'.repeat(4001) }))).toMatchObject({ ok: false, message: expect.stringMatching(/^text:/) });
    expect(parseClientFrame('{"type":"message","text":"a\\u0000b"}')).toMatchObject({ ok: false, message: expect.stringMatching(/^text: contains a NUL/) });
    expect(parseClientFrame('{"type":"message","text":"a\\ud800b"}')).toMatchObject({ ok: false, message: expect.stringMatching(/^text: contains a NUL/) });
    expect(parseClientFrame('{"type":"dtmf","digits":"12a"}')).toMatchObject({ ok: false, message: expect.stringMatching(/^digits:/) });
    expect(parseClientFrame('{"type":"end","org_id":"x"}')).toMatchObject({ ok: false, code: 'invalid_frame' });
  });
});
