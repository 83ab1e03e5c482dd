/** A multipart/form-data body with one file part, for app.inject. */
export function multipart(file: Buffer | string, field = 'file', filename = 'contacts.csv') {
  const boundary = '----converse-test-boundary';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, Buffer.isBuffer(file) ? file : Buffer.from(file), tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
