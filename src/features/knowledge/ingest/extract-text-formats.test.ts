import { describe, expect, it } from 'vitest';
import { ExtractionError } from './errors.js';
import { extractDocument } from './extract.js';

const PAGE = `<!doctype html><html lang="es-MX"><head><title>Ayuda | Acme</title>
<style>.hero { color: red }</style><script>window.track = () => fetch('/t')</script></head>
<body>
  <nav><ul><li><a href="/">Inicio</a></li><li><a href="/precios">Precios del menú</a></li></ul></nav>
  <main><article>
    <h1>Devoluciones</h1>
    <p>Puede devolver cualquier producto dentro de 30 días. El reembolso se procesa en cinco días hábiles
       a partir de la recepción del paquete en nuestro almacén central.</p>
    <h2>Excepciones</h2>
    <p>Las tarjetas de regalo no son reembolsables.<br>Los productos abiertos tampoco.</p>
    <ul><li>Guarde su recibo</li><li>Use la caja original</li></ul>
    <table><thead><tr><th>Plan</th><th>Precio</th></tr></thead><tbody><tr><td>Básico</td><td>10 €</td></tr></tbody></table>
  </article></main>
  <footer>© 2024 Acme · <a href="/privacidad">Privacidad</a></footer>
  <script>track()</script>
</body></html>`;

describe('extractDocument: HTML', () => {
  it('extracts the article with its structure and drops navigation, scripts, styles and footer', async () => {
    const doc = await extractDocument(PAGE, 'html');
    expect(doc.language).toBe('es-MX');
    expect(doc.title).toBe('Ayuda | Acme');
    expect(doc.sections.map((s) => [s.kind, s.text, s.heading])).toEqual([
      ['heading', 'Devoluciones', 'Devoluciones'],
      ['paragraph', 'Puede devolver cualquier producto dentro de 30 días. El reembolso se procesa en cinco días hábiles a partir de la recepción del paquete en nuestro almacén central.', 'Devoluciones'],
      ['heading', 'Excepciones', 'Devoluciones > Excepciones'],
      ['paragraph', 'Las tarjetas de regalo no son reembolsables.\nLos productos abiertos tampoco.', 'Devoluciones > Excepciones'],
      ['list', 'Guarde su recibo', 'Devoluciones > Excepciones'],
      ['list', 'Use la caja original', 'Devoluciones > Excepciones'],
      ['table_row', 'Plan: Básico; Precio: 10 €', 'Devoluciones > Excepciones'],
    ]);
    const all = doc.sections.map((s) => s.text).join(' ');
    for (const noise of ['Inicio', 'menú', 'track', 'color', 'Privacidad']) expect(all).not.toContain(noise);
  });

  it('falls back to the body text of pages without an article', async () => {
    const doc = await extractDocument('<html><body><nav>Menu</nav><div>Open <b>9 to 5</b>.</div><div>Closed Sundays.</div></body></html>', 'html');
    expect(doc.sections.map((s) => s.text)).toEqual(['Open 9 to 5.', 'Closed Sundays.']);
  });

  it('rejects a page with no text', async () => {
    await expect(extractDocument('<html><body><script>x()</script><nav>Home</nav></body></html>', 'html')).rejects.toThrow(/No text could be extracted/);
  });
});

describe('extractDocument: Markdown', () => {
  const md = [
    '---', 'title: Support guide', 'lang: en_IN', '---',
    '# Refunds', '', 'You can get a **refund** within [30 days](https://acme.test/policy).', 'This line continues the paragraph.', '',
    '## Exceptions', '', '- Gift cards', '- Sale items, *unless* faulty', '', '```bash', 'npm install acme', '  --save', '```', '',
    '| Plan | Price |', '|------|------:|', '| Basic | $10 |', '| Pro | $30 |', '',
    'Contact', '=======', '', '> Call us on weekdays.',
  ].join('\n');

  it('keeps headings (ATX and setext), paragraphs, lists, code and tables', async () => {
    const doc = await extractDocument(md, 'markdown');
    expect(doc.title).toBe('Support guide');
    expect(doc.language).toBe('en-IN');
    expect(doc.sections.map((s) => [s.kind, s.text, s.heading])).toEqual([
      ['heading', 'Refunds', 'Refunds'],
      ['paragraph', 'You can get a refund within 30 days (https://acme.test/policy). This line continues the paragraph.', 'Refunds'],
      ['heading', 'Exceptions', 'Refunds > Exceptions'],
      ['list', 'Gift cards', 'Refunds > Exceptions'],
      ['list', 'Sale items, unless faulty', 'Refunds > Exceptions'],
      ['code', 'npm install acme\n  --save', 'Refunds > Exceptions'],
      ['table_row', 'Plan: Basic; Price: $10', 'Refunds > Exceptions'],
      ['table_row', 'Plan: Pro; Price: $30', 'Refunds > Exceptions'],
      ['heading', 'Contact', 'Contact'],
      ['paragraph', 'Call us on weekdays.', 'Contact'],
    ]);
  });
});

describe('extractDocument: CSV', () => {
  it('renders each row with its header, honouring quotes, embedded commas, quotes and newlines', async () => {
    const csv = 'name,description,price\r\n"Widget, large","A ""big"" widget\nfor two",10\r\nGadget,,5\r\n\r\n';
    const doc = await extractDocument(csv, 'csv');
    expect(doc.sections).toEqual([
      { kind: 'table_row', text: 'name: Widget, large; description: A "big" widget for two; price: 10' },
      { kind: 'table_row', text: 'name: Gadget; price: 5' },
    ]);
  });

  it('detects semicolon and tab delimiters and decodes Windows-1252 exports', async () => {
    const semi = Buffer.from('Produit;Prix\nCafé crème;3,50\n', 'latin1');
    expect((await extractDocument(semi, 'csv')).sections[0]!.text).toBe('Produit: Café crème; Prix: 3,50');
    expect((await extractDocument('a\tb\n1\t2', 'csv')).sections[0]!.text).toBe('a: 1; b: 2');
  });

  it('fails clearly on an unclosed quote and on a header without rows', async () => {
    await expect(extractDocument('a,b\n"1,2\n3,4', 'csv')).rejects.toThrow(/The CSV file could not be parsed: .*quote/i);
    const e = await extractDocument('a,b\n', 'csv').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ExtractionError);
    expect((e as ExtractionError).message).toBe('No text could be extracted from this document (it has no data rows).');
  });
});

describe('extractDocument: plain text', () => {
  it('splits paragraphs at blank lines, re-joins wrapped lines and keeps list items', async () => {
    const doc = await extractDocument('Opening hours are\nnine to five.\n\n- Monday\n- Tuesday\n\n\nClosed on holidays.', 'txt');
    expect(doc.sections.map((s) => [s.kind, s.text])).toEqual([
      ['paragraph', 'Opening hours are nine to five.'], ['list', 'Monday'], ['list', 'Tuesday'], ['paragraph', 'Closed on holidays.'],
    ]);
  });

  it('decodes BOMs and UTF-16', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Grüße aus Köln.', 'utf16le')]);
    expect((await extractDocument(utf16, 'txt')).sections[0]!.text).toBe('Grüße aus Köln.');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('नमस्ते दुनिया।')]);
    expect((await extractDocument(bom, 'txt')).sections[0]!.text).toBe('नमस्ते दुनिया।');
  });

  it('stops at maxChars on a word boundary and marks the document truncated', async () => {
    const doc = await extractDocument('lorem ipsum '.repeat(50_000), 'txt', { maxChars: 1000 });
    expect(doc.truncated).toBe(true);
    expect(doc.sections[0]!.text.length).toBeLessThanOrEqual(1000);
    expect(doc.sections[0]!.text).toMatch(/^(lorem ipsum )*lorem( ipsum)?$/);
  });

  it('rejects whitespace-only input', async () => {
    await expect(extractDocument(' \n\n\t ', 'txt')).rejects.toMatchObject({ reason: 'empty' });
  });
});
