import { Anchor, Badge, Button, Group, Progress, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { CursorTable } from '../../components/CursorTable';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';
import { useTargets } from '../../hooks/useTargets';
import { STATUS_COLORS, type CampaignListRow } from './rules';

/** Outbound calling campaigns, newest first, with their progress (re-read every few seconds while one runs). */
export function CampaignsPage() {
  const canWrite = useCan('config:write');
  const list = useCursorList(['campaigns'], (cursor) => unwrap(api.GET('/api/v1/campaigns', { params: { query: { cursor } } })), {
    refetchInterval: (rows) => (rows.some((c) => c.status === 'running') ? 5_000 : false),
  });
  const { nameOf } = useTargets();
  const channels = useQuery({ queryKey: ['channels', 'all'], queryFn: () => unwrap(api.GET('/api/v1/channels', { params: { query: { limit: 200 } } })) });
  const channelName = (c: CampaignListRow) => channels.data?.data.find((ch) => ch.id === c.channel_id)?.name ?? (c.channel_id ? '…' : 'none (deleted)');
  const newButton = canWrite && (
    <Button component={Link} to="/campaigns/new">
      New campaign
    </Button>
  );
  return (
    <>
      <PageHeader title="Campaigns" description="Outbound calls to a list of contacts, inside calling hours, with retries." actions={newButton} />
      <CursorTable
        list={list}
        label="Campaigns"
        rowKey={(c) => c.id}
        empty={
          <EmptyState title="No campaigns yet" action={newButton}>
            {canWrite
              ? 'Create a campaign: pick a voice channel and an agent or flow, import a CSV of contacts, then start it and watch the calls go out.'
              : 'Nobody has created a campaign in this organization yet. Ask an admin to create one.'}
          </EmptyState>
        }
        columns={[
          {
            header: 'Name',
            cell: (c) => (
              <Anchor component={Link} to={`/campaigns/${c.id}`}>
                {c.name}
              </Anchor>
            ),
          },
          {
            header: 'Status',
            cell: (c) => (
              <Badge variant="light" color={STATUS_COLORS[c.status]}>
                {c.status}
              </Badge>
            ),
          },
          { header: 'Agent or flow', cell: (c) => nameOf(c, 'the channel’s') },
          { header: 'Channel', cell: (c) => channelName(c) },
          {
            header: 'Progress',
            cell: (c) => (
              <Group gap="xs" wrap="nowrap">
                <Progress value={c.progress.total ? (100 * c.progress.done) / c.progress.total : 0} w={80} aria-label={`${c.name}: ${c.progress.done} of ${c.progress.total} contacts done`} />
                <Text size="sm">
                  {c.progress.done} / {c.progress.total}
                </Text>
              </Group>
            ),
          },
          { header: 'Created', cell: (c) => new Date(c.created_at).toLocaleString() },
        ]}
      />
    </>
  );
}
