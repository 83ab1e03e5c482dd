/**
 * The pocketsphinx worker thread, as source text run with `new Worker(source, { eval: true })`: a
 * worker file would need a TypeScript loader under tsx and vitest and a copy step in the build, while
 * this runs the same everywhere (the knowledge sandbox does the same). It holds one decoder and does
 * only FFI calls; everything else (grammars, language models, resampling) happens in
 * pocketsphinx.ts. Decoding here never blocks the event loop.
 *
 * Messages in: {id, op: 'init' | 'lookup' | 'jsgf' | 'lm' | 'audio' | 'finish', ...}; replies
 * {id, ok, value | error}; partial hypotheses are posted as {partial: text} (about every 100 ms of audio).
 */
export const POCKETSPHINX_WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const koffi = require(workerData.koffiPath);
const sb = koffi.load(workerData.sphinxbase);
const ps = koffi.load(workerData.library);
const f = {
  args: ps.func('void* ps_args()'),
  parse: sb.func('void* cmd_ln_parse_r(void*, void*, int, const char**, int)'),
  init: ps.func('void* ps_init(void*)'),
  lookup: ps.func('const char* ps_lookup_word(void*, const char*)'),
  setJsgf: ps.func('int ps_set_jsgf_string(void*, const char*, const char*)'),
  setLmFile: ps.func('int ps_set_lm_file(void*, const char*, const char*)'),
  setSearch: ps.func('int ps_set_search(void*, const char*)'),
  startUtt: ps.func('int ps_start_utt(void*)'),
  processRaw: ps.func('int ps_process_raw(void*, const int16_t*, size_t, int, int)'),
  endUtt: ps.func('int ps_end_utt(void*)'),
  hyp: ps.func('const char* ps_get_hyp(void*, _Out_ int32_t*)'),
  prob: ps.func('int32_t ps_get_prob(void*)'),
};
const PARTIAL_SAMPLES = 1600; // 100 ms at 16 kHz
let decoder = null;
let inUtterance = false;
let sinceHyp = 0;
let lastPartial = '';
let searchCount = 0;

function useSearch(set) {
  const name = 's' + (searchCount++ % 2); // never replace the active search
  if (set(name) < 0) throw new Error('pocketsphinx rejected the grammar or language model');
  if (f.setSearch(decoder, name) < 0) throw new Error('pocketsphinx could not switch search');
}

const ops = {
  init(m) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'converse-ps-'));
    const feat = path.join(dir, 'feat.params');
    fs.writeFileSync(feat, m.featParams);
    const argv = [...m.args, '-featparams', feat];
    const config = f.parse(null, f.args(), argv.length, argv, 1);
    decoder = config && f.init(config);
    fs.rmSync(dir, { recursive: true, force: true });
    if (!decoder) throw new Error('pocketsphinx could not load its model');
  },
  lookup(m) {
    return m.words.filter((w) => f.lookup(decoder, w) !== null);
  },
  jsgf(m) {
    useSearch((name) => f.setJsgf(decoder, name, m.text));
  },
  lm(m) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'converse-lm-'));
    const file = path.join(dir, 'domain.lm');
    fs.writeFileSync(file, m.arpa);
    try {
      useSearch((name) => f.setLmFile(decoder, name, file));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  audio(m) {
    if (!inUtterance) {
      if (f.startUtt(decoder) < 0) throw new Error('pocketsphinx could not start an utterance');
      inUtterance = true;
      sinceHyp = 0;
      lastPartial = '';
    }
    const pcm = new Int16Array(m.pcm);
    f.processRaw(decoder, pcm, pcm.length, 0, 0);
    sinceHyp += pcm.length;
    if (sinceHyp >= PARTIAL_SAMPLES) {
      sinceHyp = 0;
      const text = f.hyp(decoder, [0]) || '';
      if (text !== lastPartial) parentPort.postMessage({ partial: text });
      lastPartial = text;
    }
  },
  finish() {
    if (!inUtterance) return { text: '', logProb: 0 };
    inUtterance = false;
    f.endUtt(decoder);
    return { text: f.hyp(decoder, [0]) || '', logProb: f.prob(decoder) };
  },
};

parentPort.on('message', (m) => {
  try {
    const value = ops[m.op](m);
    if (m.id !== undefined) parentPort.postMessage({ id: m.id, ok: true, value });
  } catch (error) {
    if (m.id !== undefined) parentPort.postMessage({ id: m.id, ok: false, error: String(error && error.message || error) });
  }
});
`;
