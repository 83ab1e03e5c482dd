/** Document ingestion, pure and database-free: detect → extract → chunk, plus voice shaping. */
export { detectType } from './detect-type.js';
export { extractDocument, EXTRACT_DEFAULTS } from './extract.js';
export { chunkDocument, CHUNK_DEFAULTS } from './chunk.js';
export { documentText, HEADING_SEPARATOR } from './finalize.js';
export { toSpeakable } from './speakable.js';
export { tsConfigFor, canonicalLanguage, TS_CONFIGS, type TsConfig } from './language.js';
export { ExtractionError, UnsupportedTypeError, isExtractionError, type ExtractionFailure } from './errors.js';
export type {
  Chunk, ChunkOptions, DocumentType, ExtractedDocument, ExtractOptions, Section, SectionKind,
} from './types.js';
