import { Grid, NumberInput, Switch, Text, Title } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';

/**
 * The phone settings of an agent kept in `settings.voice` (docs/voice.md "Tuning a phone agent",
 * "Recordings"): recording, end-of-speech silence, barge-in and the silence timeout. Empty numbers leave
 * the platform default; the other keys of `settings` (and of `settings.voice`) are kept as they are.
 */
export interface VoiceValues {
  record: boolean;
  barge_in: boolean;
  end_silence_ms: number | '';
  silence_timeout_ms: number | '';
}

export const blankVoice: VoiceValues = { record: false, barge_in: true, end_silence_ms: '', silence_timeout_ms: '' };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | '' => (typeof v === 'number' ? v : '');

export function voiceValues(settings: Json): VoiceValues {
  const voice = isObject(settings.voice) ? settings.voice : {};
  const vad = isObject(voice.vad) ? voice.vad : {};
  return { record: voice.record === true, barge_in: voice.barge_in !== false, end_silence_ms: num(vad.end_silence_ms), silence_timeout_ms: num(voice.silence_timeout_ms) };
}

/** `settings` with the form's voice values written in (defaults dropped, other keys untouched). */
export function withVoice(settings: Json, v: VoiceValues): Json {
  const { record: _r, barge_in: _b, silence_timeout_ms: _s, vad: oldVad, ...voiceRest } = isObject(settings.voice) ? settings.voice : {};
  const { end_silence_ms: _e, ...vadRest } = isObject(oldVad) ? oldVad : {};
  const vad = { ...vadRest, ...(v.end_silence_ms !== '' ? { end_silence_ms: v.end_silence_ms } : {}) };
  const voice = {
    ...voiceRest,
    ...(v.record ? { record: true } : {}),
    ...(v.barge_in ? {} : { barge_in: false }),
    ...(v.silence_timeout_ms !== '' ? { silence_timeout_ms: v.silence_timeout_ms } : {}),
    ...(Object.keys(vad).length ? { vad } : {}),
  };
  const { voice: _v, ...rest } = settings;
  return Object.keys(voice).length ? { ...rest, voice } : rest;
}

export function VoiceTuningFields<T extends VoiceValues>({ form }: { form: UseFormReturnType<T> }) {
  // Mantine's typed paths do not reach through the generic; the fields are VoiceValues' own.
  const input = (name: keyof VoiceValues, checkbox = false) => form.getInputProps(name as never, checkbox ? { type: 'checkbox' } : undefined);
  return (
    <>
      <Title order={5} mt="md" mb={4}>
        Phone calls
      </Title>
      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Switch label="Record calls" description="Both sides, mixed, encrypted with your organization's key; deleted with the call or by retention" {...input('record', true)} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Switch label="Callers can interrupt (barge-in)" description="Speech or a key while the agent talks stops its audio" {...input('barge_in', true)} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <NumberInput label="End-of-speech silence (ms)" description="Silence that ends the caller's turn; default 300" placeholder="300" min={100} max={5000} step={50} allowDecimal={false} {...input('end_silence_ms')} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <NumberInput label="Silence timeout (ms)" description="No answer this long after the agent spoke → re-prompt; default 7000" placeholder="7000" min={1000} max={120000} step={500} allowDecimal={false} {...input('silence_timeout_ms')} />
        </Grid.Col>
      </Grid>
      <Text size="xs" c="dimmed" mt={4}>
        Out-of-range values are refused when you save.
      </Text>
    </>
  );
}
