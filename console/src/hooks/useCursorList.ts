import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/**
 * A list endpoint read page by page with the API's opaque cursors (`next_cursor` → `?cursor=`).
 * `fetchPage(cursor)` calls the API; the hook flattens the pages and says whether there are more.
 */
export function useCursorList<T>(key: QueryKey, fetchPage: (cursor: string | undefined) => Promise<Page<T>>, opts: { enabled?: boolean; refetchInterval?: number | false | ((rows: T[]) => number | false) } = {}) {
  const query = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: opts.enabled,
    refetchInterval:
      typeof opts.refetchInterval === 'function'
        ? (q) => (opts.refetchInterval as (rows: T[]) => number | false)(q.state.data?.pages.flatMap((p) => p.data) ?? [])
        : opts.refetchInterval,
  });
  const rows = query.data?.pages.flatMap((p) => p.data) ?? [];
  return { ...query, rows };
}
