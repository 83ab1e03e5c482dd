/**
 * Who asked for an action and through which operation: carried into audit entries and logs. HTTP routes
 * build it from the request; the session runtime and jobs, which have no HTTP request, use `systemMeta`.
 *
 * @example await createAgent(tx, principal, body, systemMeta('session.start'))
 */
export interface RequestMeta {
  requestId: string;
  ip: string;
  userAgent: string | undefined;
  operation: string;
}

/** Metadata for work that did not come from an HTTP request (session turns, jobs, CLI). */
export function systemMeta(operation: string, requestId = `sys-${operation}`): RequestMeta {
  return { requestId, ip: '', userAgent: undefined, operation };
}
