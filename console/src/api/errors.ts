/** One entry of an error's `details`; flow validation also names the node or edge and a problem code. */
export interface ErrorDetail {
  path: string;
  message: string;
  code?: string;
  node_id?: string;
  edge_id?: string;
}

/** The API error shape (API.md "Errors"): every failure the console shows carries the API's own message. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }

  /** "The request is invalid: name: must be at least 1 character" */
  get fullMessage(): string {
    return this.details.length ? `${this.message}: ${this.details.map((d) => `${d.path}: ${d.message}`).join('; ')}` : this.message;
  }
}

export function toApiError(status: number, body: unknown): ApiError {
  const e = (body as Partial<ApiErrorBody> | undefined)?.error;
  if (e && typeof e.message === 'string') return new ApiError(status, e.code ?? 'error', e.message, e.details ?? []);
  return new ApiError(status, 'error', status === 0 ? 'The server could not be reached' : `The server answered ${status}`);
}

export const errorMessage = (err: unknown): string =>
  err instanceof ApiError ? err.fullMessage : err instanceof Error ? err.message : 'Something went wrong';

/**
 * A 400's problems by field, for a form: `body.calling_window.start` → `calling_window.start`. `alias`
 * renames fields the form shows under another name (`{ agent_id: 'target' }`; a prefix matches too:
 * `calling_window.days` covers `calling_window.days.0`). The first problem of each field wins.
 */
export function fieldErrors(err: unknown, alias: Record<string, string> = {}): Record<string, string> {
  if (!(err instanceof ApiError) || err.code !== 'validation_error') return {};
  const out: Record<string, string> = {};
  for (const d of err.details) {
    const path = d.path.replace(/^body\./, '');
    const key = Object.entries(alias).find(([from]) => path === from || path.startsWith(`${from}.`))?.[1] ?? path;
    out[key] ??= d.message;
  }
  return out;
}
