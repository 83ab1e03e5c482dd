import { Table } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';
import { LoadMore } from './LoadMore';

export interface Column<T> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
}

interface ListState<T> {
  rows: T[];
  error: unknown;
  isSuccess: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

/**
 * A cursor-paginated list (useCursorList) as the list pages show it: the API's error, the empty state
 * once the API answered with nothing, else a table of `columns` and "Load more" while there is a next page.
 *
 * @example <CursorTable list={list} rowKey={(a) => a.id} empty={<EmptyState title="No agents yet">…</EmptyState>} columns={[{ header: 'Name', cell: (a) => a.name }]} />
 */
export function CursorTable<T>({ list, columns, rowKey, empty, label }: { list: ListState<T>; columns: Column<T>[]; rowKey: (row: T) => string; empty: ReactNode; label?: string }) {
  return (
    <>
      <ErrorAlert error={list.error} />
      {list.isSuccess && list.rows.length === 0 ? (
        empty
      ) : (
        <Table striped highlightOnHover aria-label={label}>
          <Table.Thead>
            <Table.Tr>
              {columns.map((c, i) => (
                <Table.Th key={i}>{c.header}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.rows.map((row) => (
              <Table.Tr key={rowKey(row)}>
                {columns.map((c, i) => (
                  <Table.Td key={i}>{c.cell(row)}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore list={list} />
    </>
  );
}
