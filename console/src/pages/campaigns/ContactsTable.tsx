import { Badge, Group, Paper, Select, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CursorTable } from '../../components/CursorTable';
import { EmptyState } from '../../components/EmptyState';
import { notifyError, notifySaved } from '../../components/notify';
import { useCursorList } from '../../hooks/useCursorList';
import { CONTACT_STATUS_COLORS, type Contact } from './rules';

const STATUSES = Object.keys(CONTACT_STATUS_COLORS) as Array<Contact['status']>;
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/** The campaign's contacts, newest first, filtered by status; deleting one removes its personal data. */
export function ContactsTable({ campaignId, canWrite }: { campaignId: string; canWrite: boolean }) {
  const queries = useQueryClient();
  const [status, setStatus] = useState<Contact['status'] | null>(null);
  const list = useCursorList(['campaign-contacts', campaignId, status], (cursor) =>
    unwrap(api.GET('/api/v1/campaigns/{id}/contacts', { params: { path: { id: campaignId }, query: { cursor, ...(status ? { status } : {}) } } })),
  );
  const remove = useMutation({
    mutationFn: (contactId: string) => unwrap(api.DELETE('/api/v1/campaigns/{id}/contacts/{contact_id}', { params: { path: { id: campaignId, contact_id: contactId } } })),
    onSuccess: () => (notifySaved('Contact deleted'), void queries.invalidateQueries({ queryKey: ['campaign-contacts', campaignId] })),
    onError: notifyError,
  });
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <Title order={3}>Contacts</Title>
        <Select
          label="Status"
          placeholder="All"
          clearable
          w={200}
          data={STATUSES.map((s) => ({ value: s, label: s.replace('_', ' ') }))}
          value={status}
          onChange={(v) => setStatus(v as Contact['status'] | null)}
        />
      </Group>
      <CursorTable
        list={list}
        label="Contacts"
        rowKey={(c) => c.id}
        empty={<EmptyState title={status ? `No ${status.replace('_', ' ')} contacts` : 'No contacts yet'}>{status ? 'Pick another status or clear the filter.' : 'Import a CSV file to add the people to call.'}</EmptyState>}
        columns={[
          { header: 'Phone', cell: (c) => c.phone },
          { header: 'Name', cell: (c) => c.name ?? '—' },
          {
            header: 'Status',
            cell: (c) => (
              <Badge variant="light" color={CONTACT_STATUS_COLORS[c.status]}>
                {c.status.replace('_', ' ')}
              </Badge>
            ),
          },
          { header: 'Attempts', cell: (c) => c.attempts },
          { header: 'Last outcome', cell: (c) => c.last_outcome?.replace('_', ' ') ?? '—' },
          { header: 'Last call', cell: (c) => when(c.last_attempt_at) },
          ...(canWrite
            ? [
                {
                  header: <VisuallyHidden>Actions</VisuallyHidden>,
                  cell: (c: Contact) =>
                    c.status !== 'dialing' && (
                      <ConfirmButton size="xs" question={`Delete ${c.phone}? Its number, name and custom data are removed; calls already made stay in Calls.`} onConfirm={() => remove.mutate(c.id)} aria-label={`Delete ${c.phone}`}>
                        Delete
                      </ConfirmButton>
                    ),
                },
              ]
            : []),
        ]}
      />
    </Paper>
  );
}
