import { Group, Loader, Paper, SimpleGrid, Text, Title } from '@mantine/core';
import { lazy, Suspense } from 'react';
import type { StreamStatus } from '../../api/eventStream';
import { LiveBadge } from '../../components/LiveBadge';
import { doneOf, type CampaignStats } from './rules';

// uPlot loads with the first campaign page, not with the console.
const ProgressChart = lazy(() => import('./ProgressChart'));

const percent = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)} %`);

/** Live numbers of a campaign (cards, readable as text) and the same over time (chart). */
export function ProgressPanel({ stats, history, status }: { stats: CampaignStats | null; history: CampaignStats[]; status: StreamStatus }) {
  const cards: Array<[string, string, number | string]> = stats
    ? [
        ['done', 'Contacts done', `${doneOf(stats)} / ${stats.contacts.total}`],
        ['pending', 'Waiting', stats.contacts.pending],
        ['dialing', 'Being called', stats.contacts.dialing],
        ['completed', 'Answered', stats.contacts.completed],
        ['failed', 'Failed', stats.contacts.failed],
        ['skipped', 'Skipped or opted out', stats.contacts.skipped + stats.contacts.opted_out],
        ['attempts', 'Calls placed', stats.attempts.total],
        ['answer-rate', 'Answer rate', percent(stats.answer_rate)],
      ]
    : [];
  const outcomes = stats ? Object.entries(stats.outcomes) : [];
  return (
    <Paper withBorder p="md" mb="lg" aria-labelledby="progress-title">
      <Group justify="space-between" mb="sm">
        <Title order={3} id="progress-title">
          Progress
        </Title>
        <LiveBadge status={status} endedText="Final" />
      </Group>
      {!stats ? (
        <Loader size="sm" aria-label="Loading progress" />
      ) : (
        <>
          <SimpleGrid cols={{ base: 2, sm: 4 }} mb="md">
            {cards.map(([key, label, value]) => (
              <Paper key={key} withBorder p="sm" data-testid={`stat-${key}`}>
                <Text size="xs" c="dimmed">
                  {label}
                </Text>
                <Text fw={700} size="xl" data-testid={`stat-${key}-value`}>
                  {value}
                </Text>
              </Paper>
            ))}
          </SimpleGrid>
          {outcomes.length > 0 && (
            <Text size="sm" mb="sm" data-testid="stat-outcomes">
              Outcomes: {outcomes.map(([o, n]) => `${o.replace(/_/g, ' ')} ${n}`).join(' · ')}
            </Text>
          )}
          <Suspense fallback={<Loader size="sm" aria-label="Loading chart" />}>
            <ProgressChart history={history} />
          </Suspense>
        </>
      )}
    </Paper>
  );
}
