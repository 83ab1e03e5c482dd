/** The formats an uploaded document can be ingested from. */
export type DocumentType = 'pdf' | 'docx' | 'txt' | 'markdown' | 'csv' | 'html';

export const DOCUMENT_TYPES: readonly DocumentType[] = ['pdf', 'docx', 'txt', 'markdown', 'csv', 'html'];

export type SectionKind = 'heading' | 'paragraph' | 'list' | 'table_row' | 'code';

/** One structural block of an extracted document, in reading order. */
export interface Section {
  text: string;
  kind: SectionKind;
  /** 1-based page number (PDF only). */
  page?: number;
  /** Heading level 1–6 (only on `kind: 'heading'`). */
  level?: number;
  /** Heading path in effect, e.g. "Refunds > Exceptions" (a heading carries its own path). */
  heading?: string;
}

export interface ExtractedDocument {
  title?: string;
  /** BCP 47 tag found in the document itself (HTML `lang`, PDF `/Lang`, DOCX core properties). */
  language?: string;
  pageCount?: number;
  /** True when extraction stopped at `maxChars`. */
  truncated?: boolean;
  sections: Section[];
}

export interface ExtractOptions {
  /** PDFs with more pages are rejected. Default 1000. */
  maxPages?: number;
  /** Extraction stops (and sets `truncated`) after this many characters. Default 5,000,000. */
  maxChars?: number;
  /** PDF and DOCX parsing is abandoned after this long. Default 60,000 ms. */
  timeoutMs?: number;
  /** Cap on the declared uncompressed size of a DOCX archive. Default 100 MB. */
  maxUncompressedBytes?: number;
  /** Cap on the bytes one PDF stream or one DOCX entry actually decodes to. Default 64 MiB. */
  maxDecodedStreamBytes?: number;
  /** Cap on the bytes all of a PDF's streams or a DOCX's entries decode to together. Default 256 MiB. */
  maxDecodedBytes?: number;
  /** Memory cap (data segment, MB) of the process that parses a PDF or DOCX. Default 1024. */
  parserMemoryMb?: number;
}

export interface Chunk {
  /** 0-based, sequential. */
  position: number;
  text: string;
  page?: number;
  heading?: string;
  /** Offsets of `text` in `documentText(extracted)`; `text === documentText(extracted).slice(char_start, char_end)`. */
  char_start?: number;
  char_end?: number;
}

export interface ChunkOptions {
  maxChars?: number;
  overlapChars?: number;
  /** A chunk shorter than this is merged into its neighbour within the same section when possible. */
  minChars?: number;
  /** BCP 47 tag used for sentence segmentation. */
  language?: string;
}

/** An extraction before `finalizeDocument` normalizes it. */
export type RawDocument = Omit<ExtractedDocument, 'sections'> & { sections: Section[] };
