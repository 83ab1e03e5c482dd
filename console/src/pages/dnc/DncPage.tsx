import { Badge, Button, Group, Paper, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { fieldErrors } from '../../api/errors';
import { useCan } from '../../auth/useSession';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CursorTable } from '../../components/CursorTable';
import { EmptyState } from '../../components/EmptyState';
import { notifyError, notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';

const SOURCES: Record<string, string> = { manual: 'added here', sms_opt_out: 'replied STOP (SMS)', whatsapp_opt_out: 'replied STOP (WhatsApp)', voice_opt_out: 'opted out on a call' };

/**
 * The organization's do-not-call list: campaigns refuse these numbers at import and skip them right
 * before every call. Searched by digits on the server (`?search=`), so every page of the list is searched.
 */
export function DncPage() {
  const canWrite = useCan('config:write');
  const queries = useQueryClient();
  const [search, setSearch] = useState('');
  const [term] = useDebouncedValue(search.replace(/[\s().-]/g, ''), 300);
  const searchable = /^\+?\d{1,20}$/.test(term);
  const list = useCursorList(['dnc', searchable ? term : ''], (cursor) => unwrap(api.GET('/api/v1/dnc', { params: { query: { cursor, ...(searchable ? { search: term } : {}) } } })));
  const form = useForm({ initialValues: { phone: '' } });
  const add = useMutation({
    mutationFn: (phone: string) => unwrap(api.POST('/api/v1/dnc', { body: { phone } })),
    onSuccess: (entry) => {
      notifySaved(`${entry.phone} will not be called`);
      form.reset();
      void queries.invalidateQueries({ queryKey: ['dnc'] });
    },
    onError: (err) => {
      const byField = fieldErrors(err);
      if (Object.keys(byField).length) form.setErrors(byField);
      else notifyError(err);
    },
  });
  const remove = useMutation({
    mutationFn: (phone: string) => unwrap(api.DELETE('/api/v1/dnc/{phone}', { params: { path: { phone } } })),
    onSuccess: () => (notifySaved('Number removed from the list'), void queries.invalidateQueries({ queryKey: ['dnc'] })),
    onError: notifyError,
  });
  return (
    <>
      <PageHeader title="Do-not-call list" description="Numbers no campaign calls. People who reply STOP or opt out on a call are added automatically." />
      <Group align="flex-start" justify="space-between" mb="md">
        <TextInput
          label="Search"
          placeholder="Digits, e.g. 5550100"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          error={search && !searchable ? 'Type digits of the number' : null}
          w={260}
        />
        {canWrite && (
          <Paper component="form" onSubmit={form.onSubmit((v) => add.mutate(v.phone.trim()))} p={0}>
            <Group align="flex-end">
              <TextInput label="Add a number" description="E.164 with the country code, e.g. +14155550100" placeholder="+14155550100" required w={280} {...form.getInputProps('phone')} />
              <Button type="submit" loading={add.isPending}>
                Add
              </Button>
            </Group>
          </Paper>
        )}
      </Group>
      <CursorTable
        list={list}
        label="Do-not-call numbers"
        rowKey={(e) => e.phone}
        empty={
          <EmptyState title={searchable ? 'No number matches' : 'The list is empty'}>
            {searchable ? 'No listed number contains these digits.' : 'Every number can be called. Add one here, or let people opt out by replying STOP.'}
          </EmptyState>
        }
        columns={[
          { header: 'Number', cell: (e) => e.phone },
          { header: 'Source', cell: (e) => <Badge variant="light">{SOURCES[e.source] ?? e.source}</Badge> },
          { header: 'Added', cell: (e) => new Date(e.created_at).toLocaleString() },
          ...(canWrite
            ? [
                {
                  header: 'Remove',
                  cell: (e: { phone: string }) => (
                    <ConfirmButton size="xs" question={`Remove ${e.phone} from the list? Campaigns may call it again.`} onConfirm={() => remove.mutate(e.phone)} aria-label={`Remove ${e.phone}`}>
                      Remove
                    </ConfirmButton>
                  ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}
