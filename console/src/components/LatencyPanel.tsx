import { Loader, Table, Text } from '@mantine/core';
import { lazy, Suspense } from 'react';
import type { Get } from '../api/client';

export type Latency = Get<'/api/v1/calls/{id}'>['latency'];

// The chart library loads only when a call with measured turns is shown.
const LatencyChart = lazy(() => import('./LatencyChart'));

const ms = (v: number | null) => (v === null ? '—' : `${Math.round(v)} ms`);

/** Where each turn's time went (GET /calls/{id} → latency[]): a table, and the same numbers as a chart. */
export function LatencyPanel({ latency }: { latency: Latency }) {
  if (latency.length === 0) return <Text c="dimmed" size="sm">No measured turns yet.</Text>;
  const turns = [...latency].sort((a, b) => a.turn - b.turn);
  return (
    <>
      <Suspense fallback={<Loader size="sm" aria-label="Loading chart" />}>
        <LatencyChart latency={turns} />
      </Suspense>
      <Table fz="xs" striped data-testid="latency-table" mt="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Turn</Table.Th>
            <Table.Th>Total</Table.Th>
            <Table.Th>Model (first token)</Table.Th>
            <Table.Th>Tools</Table.Th>
            <Table.Th>Database</Table.Th>
            <Table.Th>Engine</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {turns.map((l) => (
            <Table.Tr key={l.turn}>
              <Table.Td>{l.turn}</Table.Td>
              <Table.Td>{ms(l.total_ms)}</Table.Td>
              <Table.Td>{ms(l.model_ttft_ms)}</Table.Td>
              <Table.Td>{ms(l.tool_ms)}</Table.Td>
              <Table.Td>{ms(l.db_ms)}</Table.Td>
              <Table.Td>{ms(l.engine_ms)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
