import { parse } from 'csv-parse/sync';
import { ExtractionError } from './errors.js';
import type { RawDocument } from './types.js';

const CANDIDATES = [',', ';', '\t', '|'];

/** Picks the delimiter that appears most consistently (outside quotes) in the first lines; comma on ties. */
export function sniffDelimiter(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim()).slice(0, 10);
  let best = ',', bestScore = 0;
  for (const d of CANDIDATES) {
    const counts = lines.map((l) => l.replace(/"[^"]*"/g, '').split(d).length - 1);
    const min = Math.min(...counts);
    const score = min > 0 ? min * 10 - (Math.max(...counts) - min) : 0;
    if (score > bestScore) [best, bestScore] = [d, score];
  }
  return best;
}

/**
 * One `table_row` section per data row, rendered "header: value; header: value" so each row carries its
 * header into whichever chunk it lands in. Empty values are left out.
 */
export function extractCsv(text: string, opts: { maxChars: number }): RawDocument {
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: sniffDelimiter(text),
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      max_record_size: 1_000_000,
    });
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new ExtractionError('parse_failed', `The CSV file could not be parsed: ${detail}`, { cause: e });
  }
  const [header = [], ...rows] = records;
  const names = header.map((h, i) => h || `Column ${i + 1}`);
  const sections: RawDocument['sections'] = [];
  let total = 0;
  let truncated = false;
  for (const row of rows) {
    const text = row
      .map((value, i) => (value ? `${names[i] ?? `Column ${i + 1}`}: ${value.replace(/\s+/g, ' ')}` : ''))
      .filter(Boolean)
      .join('; ');
    if (!text) continue;
    if ((total += text.length) > opts.maxChars) { truncated = true; break; }
    sections.push({ kind: 'table_row', text });
  }
  return { sections, truncated };
}
