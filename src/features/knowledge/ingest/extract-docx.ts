import { parseHTML } from 'linkedom';
import { ExtractionError } from './errors.js';
import { sectionsFromDom, type DomNode } from './html-sections.js';
import { runInSandbox } from './sandbox.js';
import type { RawDocument } from './types.js';
import { assertZipDecodesWithinLimits } from './zip-decode-check.js';
import { assertSafeZip, DEFAULT_ZIP_LIMITS, listZipEntries, readZipEntry, type ZipEntry } from './zip-inspect.js';

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeXml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : XML_ENTITIES[e.toLowerCase()]!);

function readSmallXml(data: Uint8Array, entries: ZipEntry[], name: string): string | undefined {
  const entry = entries.find((e) => e.name === name);
  if (!entry || entry.uncompressedSize > 2 * 1024 * 1024) return undefined;
  try {
    return readZipEntry(data, entry, 2 * 1024 * 1024).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Title and language from docProps/core.xml, falling back to the default run language in styles.xml. */
function readProperties(data: Uint8Array, entries: ZipEntry[]): { title?: string; language?: string } {
  const core = readSmallXml(data, entries, 'docProps/core.xml') ?? '';
  const title = /<dc:title>([^<]*)<\/dc:title>/.exec(core)?.[1];
  let language = /<dc:language>([^<]*)<\/dc:language>/.exec(core)?.[1];
  if (!language) {
    const styles = readSmallXml(data, entries, 'word/styles.xml') ?? '';
    language = /<w:docDefaults>[\s\S]*?<w:lang\b[^>]*\bw:val="([^"]+)"/.exec(styles)?.[1];
  }
  const out: { title?: string; language?: string } = {};
  if (title?.trim()) out.title = decodeXml(title).trim();
  if (language?.trim()) out.language = decodeXml(language).trim();
  return out;
}

export interface DocxOptions {
  timeoutMs: number;
  maxUncompressedBytes: number;
  maxDecodedStreamBytes: number;
  maxDecodedBytes: number;
  parserMemoryMb: number;
}

/**
 * Vets the archive from its central directory (is it a zip, is it Word, does it declare bomb sizes), then
 * inflates every entry with a cap on the bytes it really produces (headers may lie), then converts it to
 * HTML with mammoth in the sandbox and walks the HTML.
 */
export async function extractDocx(data: Uint8Array, opts: DocxOptions): Promise<RawDocument> {
  const entries = listZipEntries(data);
  assertSafeZip(entries, { ...DEFAULT_ZIP_LIMITS, maxUncompressedBytes: opts.maxUncompressedBytes });
  if (!entries.some((e) => e.name === 'word/document.xml')) {
    throw new ExtractionError('missing_document', 'The file is a ZIP archive but not a Word document (it has no word/document.xml).');
  }
  await assertZipDecodesWithinLimits(data, entries, { maxStreamBytes: opts.maxDecodedStreamBytes, maxTotalBytes: opts.maxDecodedBytes }, 'Word document');
  const reply = await runInSandbox<{ html: string }>({ kind: 'docx', data }, { timeoutMs: opts.timeoutMs, memoryMb: opts.parserMemoryMb, label: 'Word document' });
  if (!reply.ok) {
    throw new ExtractionError('corrupt', `The Word document is damaged and could not be read${reply.message ? ` (${reply.message})` : ''}.`);
  }
  const { document } = parseHTML(`<!doctype html><html><body>${reply.value.html}</body></html>`);
  const body = (document as unknown as { body: DomNode }).body;
  return { ...readProperties(data, entries), sections: sectionsFromDom(body) };
}
