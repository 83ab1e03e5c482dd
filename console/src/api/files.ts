/**
 * Files to and from the API outside the typed client: multipart uploads and downloads. Both go through
 * authedFetch, so they carry the bearer token (a plain link could not) and refresh it on a 401.
 */
import { authedFetch } from '../auth/session';
import { toApiError } from './errors';

/** POSTs one file as multipart (`file` field); the JSON answer, or an ApiError with the API's message. */
export async function postFile<T>(url: string, file: File): Promise<T> {
  const body = new FormData();
  body.append('file', file, file.name);
  const res = await authedFetch(url, { method: 'POST', body });
  if (!res.ok) throw toApiError(res.status, await res.json().catch(() => undefined));
  return (await res.json()) as T;
}

/** Hands a blob to the browser as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // The click has started the download; the object URL can go once the event loop has moved on.
  setTimeout(() => URL.revokeObjectURL(href), 0);
}

/** Downloads what the API serves at `url` under the name its content-disposition gives (else `fallbackName`). */
export async function downloadFromApi(url: string, fallbackName: string): Promise<void> {
  const res = await authedFetch(url);
  if (!res.ok) throw toApiError(res.status, await res.json().catch(() => undefined));
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  saveBlob(await res.blob(), name);
}

/** Rows as CSV text (RFC 4180 quoting). */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cell = (v: string | number) => (typeof v === 'number' || !/[",\r\n]/.test(v) ? String(v) : `"${v.replace(/"/g, '""')}"`);
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
