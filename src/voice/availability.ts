import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * What the offline speech engines need from this machine, found without loading anything: used by
 * the engines' error messages, `converse doctor` and the tests that skip without the packages.
 */
export const POCKETSPHINX_LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib', '/usr/local/lib'];
export const POCKETSPHINX_MODEL_DIRS = ['/usr/share/pocketsphinx/model/en-us', '/usr/local/share/pocketsphinx/model/en-us'];

export function hasEspeak(command = 'espeak-ng'): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore', timeout: 5000 }).status === 0;
}

export interface PocketsphinxFiles {
  /** libpocketsphinx.so.3 and the libsphinxbase.so.3 it comes with. */
  library: string;
  sphinxbase: string;
  /** Acoustic model directory (`en-us/`) and pronunciation dictionary. */
  acousticModel: string;
  dictionary: string;
}

export function findPocketsphinxLibrary(): { library: string; sphinxbase: string } | null {
  for (const dir of POCKETSPHINX_LIBRARY_DIRS) {
    const library = `${dir}/libpocketsphinx.so.3`;
    const sphinxbase = `${dir}/libsphinxbase.so.3`;
    if (existsSync(library) && existsSync(sphinxbase)) return { library, sphinxbase };
  }
  return null;
}

export function findPocketsphinxModel(): { acousticModel: string; dictionary: string } | null {
  for (const dir of POCKETSPHINX_MODEL_DIRS) {
    const acousticModel = `${dir}/en-us`;
    const dictionary = `${dir}/cmudict-en-us.dict`;
    if (existsSync(`${acousticModel}/mdef`) && existsSync(dictionary)) return { acousticModel, dictionary };
  }
  return null;
}

export function findPocketsphinx(): PocketsphinxFiles | null {
  const library = findPocketsphinxLibrary();
  const model = findPocketsphinxModel();
  return library && model ? { ...library, ...model } : null;
}

/** The resolved path of the koffi FFI module (an optional dependency), or null. */
export function findKoffi(): string | null {
  try {
    return createRequire(import.meta.url).resolve('koffi');
  } catch {
    return null;
  }
}
