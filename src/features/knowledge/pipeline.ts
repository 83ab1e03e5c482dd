import {
  chunkDocument, detectType, extractDocument, ExtractionError, tsConfigFor,
  type Chunk, type DocumentType, type ExtractedDocument, type ExtractOptions, type TsConfig,
} from './ingest/index.js';

/** Used when neither the document nor the uploader says which language it is in. */
export const DEFAULT_LANGUAGE = 'en';

export interface SourceBytes {
  bytes: Uint8Array;
  filename: string | null;
  mimeType: string | null;
  languageHint: string | null;
}

export interface BuiltIndex {
  contentType: DocumentType;
  doc: ExtractedDocument;
  chunks: Chunk[];
  language: string | null;
  tsConfig: TsConfig;
}

/**
 * detect → extract (PDF/DOCX decoded under caps, then parsed in a memory-capped child process with a
 * deadline) → chunk. No database, no network.
 * The document's own language (HTML lang, PDF /Lang, DOCX core properties) wins over the uploader's hint.
 *
 * @throws UnsupportedTypeError, ExtractionError: user-facing messages, stored as the document's error.
 */
export async function buildIndex(src: SourceBytes, availableConfigs: ReadonlySet<string>, limits: ExtractOptions = {}): Promise<BuiltIndex> {
  const contentType = detectType(src.bytes, src.filename, src.mimeType);
  const doc = await extractDocument(src.bytes, contentType, limits);
  const language = doc.language ?? src.languageHint ?? null;
  const chunks = chunkDocument(doc, language ? { language } : {});
  if (chunks.length === 0) throw new ExtractionError('empty', 'No text could be extracted from this document.');
  return { contentType, doc, chunks, language, tsConfig: tsConfigFor(language ?? DEFAULT_LANGUAGE, availableConfigs) };
}

/** What an embedding sees: the section path gives a short chunk its context. */
export const embeddingInput = (c: Chunk): string => (c.heading ? `${c.heading}\n${c.text}` : c.text);
