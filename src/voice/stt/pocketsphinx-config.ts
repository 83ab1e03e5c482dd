/**
 * The calibrated pocketsphinx configuration (Debian's 5prealpha build with the stock en-us
 * continuous model). Measured in bench/speech.ts on espeak-ng speech (docs/voice.md):
 *
 * - `feat.params`: the model's own file overrides command-line feature options in this version, so we
 *   hand it a copy with live cepstral mean normalisation starting from the mean of the audio we
 *   actually get (`-cmninit`), one for wideband (16 kHz) and one for telephone audio (μ-law 8 kHz
 *   upsampled to 16 kHz: no energy above 4 kHz, a very different mean). Batch CMN, the model's default,
 *   cannot give partial results.
 * - `-remove_noise no`: spectral noise subtraction eats the quiet parts of synthetic and telephone
 *   speech (19% → 7% word error on the digit/yes-no/menu set before the other changes).
 * - `-wip` (word insertion penalty) lowered from 0.65: fewer inserted words ("six eight" → "six eight
 *   eight"), more so on telephone audio.
 * - 0.3 s of silence around each utterance, as the model was trained on padded utterances.
 */
export type AcousticProfile = 'wideband' | 'telephone';

const FEAT_PARAMS_BASE = ['-lowerf 130', '-upperf 6800', '-nfilt 25', '-transform dct', '-lifter 22', '-feat 1s_c_d_dd', '-svspec 0-12/13-25/26-38', '-agc none', '-cmn live', '-varnorm no', '-model ptm'];

const CMN_INIT: Record<AcousticProfile, string> = {
  wideband: '55.5,0.0,5.6,23.5,-19.0,3.0,-22.0,1.5,-9.0,-2.8,7.8,-15.6,11.0',
  telephone: '48.0,22.5,-28.0,44.5,-26.6,-5.0,5.0,-28.6,15.5,-13.0,2.6,0.7,-8.6',
};

const WORD_INSERTION_PENALTY: Record<AcousticProfile, string> = { wideband: '0.1', telephone: '0.01' };

export const DECODER_SAMPLE_RATE = 16000;
export const UTTERANCE_PADDING_SECONDS = 0.3;

export function featParams(profile: AcousticProfile): string {
  return [...FEAT_PARAMS_BASE, `-cmninit ${CMN_INIT[profile]}`, ''].join('\n');
}

/** Decoder arguments (without -featparams, which the worker adds once it has written the file). */
export function decoderArgs(profile: AcousticProfile, files: { acousticModel: string; dictionary: string }): string[] {
  return ['-hmm', files.acousticModel, '-dict', files.dictionary, '-remove_noise', 'no', '-wip', WORD_INSERTION_PENALTY[profile], '-samprate', String(DECODER_SAMPLE_RATE), '-logfn', '/dev/null'];
}

/** Phone audio (8 kHz and below) gets the telephone profile. */
export const profileFor = (sampleRate: number): AcousticProfile => (sampleRate <= 8000 ? 'telephone' : 'wideband');
