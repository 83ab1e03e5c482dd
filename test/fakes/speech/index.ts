/** Protocol-level fakes of the cloud speech APIs (README.md). */
export { startFakeDeepgram, type FakeDeepgram, type FakeDeepgramConnection, type FakeDeepgramOptions } from './deepgram.js';
export { startFakeElevenLabs, type FakeElevenLabs, type FakeElevenLabsOptions } from './elevenlabs.js';
export { startFakeOpenAiTts, type FakeOpenAiTts } from './openai.js';
export { tone } from './http.js';
