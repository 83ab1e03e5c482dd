/**
 * Source of the throw-away child process that runs the binary-format parsers (pdfjs, mammoth). It is a
 * plain CommonJS string (run with `node -e`) so it runs the same under tsx, vitest and the compiled build
 * without a loader. It gets one task over IPC and answers once:
 * `{ok: true, value}` or `{ok: false, reason, name?, message?, pages?}`.
 */
export const SANDBOX_SOURCE = String.raw`
// The parent went away (shut down, crashed): never outlive it.
process.on('disconnect', () => process.exit(1));

async function readPdf(t) {
  const pdfjs = await import(t.module);
  const loading = pdfjs.getDocument({
    // IPC hands a Buffer over as a Buffer; pdfjs wants a plain Uint8Array.
    data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), isEvalSupported: false, disableFontFace: true, useSystemFonts: false,
    enableXfa: false, stopAtErrors: false, verbosity: 0,
  });
  try {
    const doc = await loading.promise;
    if (doc.numPages > t.maxPages) return { ok: false, reason: 'too_many_pages', pages: doc.numPages };
    let info = {};
    try { info = (await doc.getMetadata()).info || {}; } catch { /* metadata is optional */ }
    const pages = [];
    let chars = 0;
    let truncated = false;
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      const items = [];
      for (const it of content.items) {
        if (typeof it.str !== 'string') continue;
        const m = it.transform;
        items.push([it.str, m[4], m[5], it.width, it.height || Math.hypot(m[2], m[3]), it.hasEOL ? 1 : 0]);
        chars += it.str.length;
      }
      pages.push(items);
      page.cleanup();
      if (chars > t.maxChars && n < doc.numPages) { truncated = true; break; }
    }
    return { ok: true, value: { pages, numPages: doc.numPages, title: info.Title, language: info.Language, truncated } };
  } finally {
    await loading.destroy();
  }
}

async function readDocx(t) {
  const mod = await import(t.module);
  const mammoth = mod.default || mod;
  const result = await mammoth.convertToHtml({ buffer: Buffer.from(t.data) }, {
    externalFileAccess: false,
    ignoreEmptyParagraphs: true,
    styleMap: ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => p:fresh"],
    // Never decode images: we only want text, and images are where most of the bytes are.
    convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
  });
  return { ok: true, value: { html: result.value } };
}

// The operating system caps this process's data segment: an allocation beyond it fails here.
const outOfMemory = (e) => e instanceof RangeError && /allocation failed|Array buffer|typed array length|Invalid array length/i.test(String(e.message));

process.once('message', (t) => {
  (t.kind === 'pdf' ? readPdf(t) : readDocx(t)).then(
    (msg) => msg,
    (e) => ({ ok: false, reason: outOfMemory(e) ? 'out_of_memory' : 'exception', name: e && e.name, message: String(e && e.message) }),
  ).then((msg) => process.send(msg, () => process.exit(0)));
});
`;
