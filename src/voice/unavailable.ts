/**
 * A speech engine that cannot run on this machine (a Debian package or the koffi module is missing).
 * The message names what to install; `converse doctor` lists the same.
 */
export class SpeechUnavailableError extends Error {
  constructor(
    readonly engine: string,
    readonly missing: string,
    readonly install: string,
  ) {
    super(`${engine} is unavailable: ${missing} (install with: ${install})`);
    this.name = 'SpeechUnavailableError';
  }
}

export const ESPEAK_PACKAGES = 'apt-get install espeak-ng';
export const POCKETSPHINX_PACKAGES = 'apt-get install pocketsphinx pocketsphinx-en-us libpocketsphinx3';
