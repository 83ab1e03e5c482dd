/** Thrown by `detectType` for formats we do not ingest; the caller answers 415. */
export class UnsupportedTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedTypeError';
  }
}

export type ExtractionFailure =
  | 'corrupt'
  | 'encrypted'
  | 'not_zip'
  | 'missing_document'
  | 'zip_bomb'
  | 'decompression_bomb'
  | 'too_many_pages'
  | 'too_large'
  | 'timeout'
  | 'parse_failed'
  | 'empty';

/**
 * A document we accepted but could not read. `message` is written for the person who uploaded the file
 * and is safe to store as the document's `error`.
 */
export class ExtractionError extends Error {
  readonly reason: ExtractionFailure;

  constructor(reason: ExtractionFailure, message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ExtractionError';
    this.reason = reason;
  }
}

export const isExtractionError = (e: unknown): e is ExtractionError => e instanceof ExtractionError;
