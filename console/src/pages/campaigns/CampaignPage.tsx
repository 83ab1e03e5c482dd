import { Badge, Button, Group, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { downloadFromApi } from '../../api/files';
import { useCan } from '../../auth/useSession';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifyError, notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { useTargets } from '../../hooks/useTargets';
import { ContactsImport } from './ContactsImport';
import { ContactsTable } from './ContactsTable';
import { ProgressPanel } from './ProgressPanel';
import { ACTIONS, isDeletable, STATUS_COLORS, takesContacts, type LifecycleAction } from './rules';
import { useCampaignStats } from './useCampaignStats';

const ACTION_LABELS: Record<LifecycleAction, string> = { start: 'Start', pause: 'Pause', resume: 'Resume', cancel: 'Cancel campaign' };
const DONE_MESSAGES: Record<LifecycleAction, string> = { start: 'Campaign started', pause: 'Campaign paused: calls in progress finish', resume: 'Campaign resumed', cancel: 'Campaign cancelled' };

/**
 * `/campaigns/:id`: the lifecycle buttons the campaign's state allows, live progress (stats stream),
 * contact import with its rejection report, the contacts, and the results export.
 */
export function CampaignPage() {
  const { id } = useParams() as { id: string };
  const canWrite = useCan('config:write');
  const navigate = useNavigate();
  const queries = useQueryClient();
  const { nameOf } = useTargets();
  const campaign = useQuery({ queryKey: ['campaign', id], queryFn: () => unwrap(api.GET('/api/v1/campaigns/{id}', { params: { path: { id } } })) });
  const live = useCampaignStats(id);
  const act = useMutation({
    mutationFn: (action: LifecycleAction) => unwrap(api.POST(`/api/v1/campaigns/{id}/${action}`, { params: { path: { id } } })),
    onSuccess: (saved, action) => {
      notifySaved(DONE_MESSAGES[action]);
      queries.setQueryData(['campaign', id], saved);
      void queries.invalidateQueries({ queryKey: ['campaigns'] });
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/campaigns/{id}', { params: { path: { id } } })),
    onSuccess: () => (notifySaved('Campaign deleted'), void queries.invalidateQueries({ queryKey: ['campaigns'] }), void navigate('/campaigns')),
    onError: notifyError,
  });
  const exportCsv = useMutation({ mutationFn: () => downloadFromApi(`/api/v1/campaigns/${id}/export`, `campaign-${id}.csv`), onError: notifyError });

  if (campaign.error) return <ErrorAlert error={campaign.error} title="Campaign not available" />;
  const c = campaign.data;
  if (!c) return null;
  const actions = canWrite ? ACTIONS[c.status] : [];
  return (
    <>
      <PageHeader
        title={c.name}
        description={
          <Group gap="xs" component="span">
            <Badge variant="light" color={STATUS_COLORS[c.status]} data-testid="campaign-status">
              {c.status}
            </Badge>
            <Text span size="sm">
              {nameOf(c, 'the channel’s agent or flow')} · {c.timezone} · up to {c.max_concurrency} at a time · {c.max_attempts} attempts
            </Text>
          </Group>
        }
        actions={
          <>
            {actions.map((a) =>
              a === 'cancel' ? (
                <ConfirmButton key={a} question="Cancel this campaign? Contacts not called yet will not be; calls in progress finish. This cannot be undone." onConfirm={() => act.mutate(a)} loading={act.isPending && act.variables === a}>
                  {ACTION_LABELS[a]}
                </ConfirmButton>
              ) : (
                <Button key={a} onClick={() => act.mutate(a)} loading={act.isPending && act.variables === a}>
                  {ACTION_LABELS[a]}
                </Button>
              ),
            )}
            <Button variant="default" onClick={() => exportCsv.mutate()} loading={exportCsv.isPending}>
              Export results
            </Button>
            {canWrite && (
              <Button variant="default" component={Link} to={`/campaigns/${id}/edit`}>
                {c.status === 'draft' ? 'Edit' : 'Settings'}
              </Button>
            )}
            {canWrite && isDeletable(c.status) && (
              <ConfirmButton question="Delete this campaign with its contacts and attempts? Its calls stay in Calls." onConfirm={() => remove.mutate()} loading={remove.isPending}>
                Delete
              </ConfirmButton>
            )}
          </>
        }
      />
      {!canWrite && <Text c="dimmed" mb="md">Read only: your role cannot run or change campaigns.</Text>}
      <ErrorAlert error={act.error} title="The campaign did not change" />
      <ProgressPanel stats={live.stats} history={live.history} status={live.status} />
      {canWrite && takesContacts(c.status) && <ContactsImport campaignId={id} />}
      <ContactsTable campaignId={id} canWrite={canWrite} />
    </>
  );
}
