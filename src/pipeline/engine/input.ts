import type { CallerEvent, SessionChannel } from '../types.js';

/** One caller turn, whatever carried it. */
export interface Utterance {
  text: string;
  /** The keys pressed: a `dtmf` event, or (outside voice) a text that is only keys, like "2". */
  keys: string | null;
}

/** The caller turn in an event, or null when the event is not a turn (silence, partials, timers…). */
export function utteranceOf(event: CallerEvent, channel: SessionChannel): Utterance | null {
  switch (event.type) {
    case 'text': {
      const t = event.text.trim();
      return { text: t, keys: channel !== 'voice' && /^[0-9*#]+$/.test(t) ? t : null };
    }
    case 'speech_final':
      return { text: event.text.trim(), keys: null };
    case 'dtmf':
      return { text: event.digits, keys: event.digits };
    default:
      return null;
  }
}
