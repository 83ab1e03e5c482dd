import { Alert, Anchor, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ApiError, errorMessage } from '../../api/errors';
import { useCan } from '../../auth/useSession';

/**
 * "Dial now" (POST /calls, docs/voice.md): one outbound phone call through a voice channel of the
 * organization, talking with this agent or flow; opens the call's page once the provider took it. A
 * provider refusal (422) still created the call, ended `failed`: the error links to it. A number on the
 * do-not-contact list and a malformed number are the API's own messages.
 */
export function DialNowButton({ target }: { target: { agent_id: string } | { flow_id: string } }) {
  const canDial = useCan('sessions:run');
  const [opened, { open, close }] = useDisclosure(false);
  if (!canDial) return null;
  return (
    <>
      <Button variant="default" onClick={open}>
        Dial now
      </Button>
      <Modal opened={opened} onClose={close} title="Dial now" centered>
        {opened && <DialForm target={target} onDone={close} />}
      </Modal>
    </>
  );
}

function DialForm({ target, onDone }: { target: { agent_id: string } | { flow_id: string }; onDone: () => void }) {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const channels = useQuery({ queryKey: ['channels', 'all'], queryFn: () => unwrap(api.GET('/api/v1/channels', { params: { query: { limit: 200 } } })) });
  const form = useForm({
    initialValues: { channel_id: '', to: '' },
    validate: {
      channel_id: (v) => (v ? null : 'Pick the phone line to call from'),
      to: (v) => (/^\+[1-9]\d{6,14}$/.test(v.trim()) ? null : 'The number in E.164 form, e.g. +15551234567'),
    },
  });
  const dial = useMutation({
    mutationFn: (v: { channel_id: string; to: string }) => unwrap(api.POST('/api/v1/calls', { body: { ...target, channel_id: v.channel_id, to: v.to.trim() } })),
    onSuccess: (placed) => {
      void queries.invalidateQueries({ queryKey: ['calls'] });
      onDone();
      void navigate(`/calls/${placed.id}`);
    },
  });
  // Only lines that can place calls: voice channels with a number.
  const lines = (channels.data?.data ?? []).filter((c) => c.type === 'voice' && c.phone_number).map((c) => ({ value: c.id, label: `${c.name} (${c.phone_number})` }));
  const failedCall = dial.error instanceof ApiError && dial.error.status === 422 ? dial.error.details.find((d) => d.path === 'call_id')?.message : undefined;
  return (
    <form onSubmit={form.onSubmit((v) => dial.mutate(v))}>
      <Stack>
        {dial.error && (
          <Alert color="red" title="The call was not placed" data-testid="dial-error">
            <Text size="sm">{errorMessage(dial.error)}</Text>
            {failedCall && (
              <Anchor component={Link} to={`/calls/${failedCall}`} size="sm" onClick={onDone}>
                Open the failed call
              </Anchor>
            )}
          </Alert>
        )}
        {channels.data && lines.length === 0 && <Text size="sm">No phone line yet: add a voice channel (Twilio, Plivo or Exotel) on the Channels page.</Text>}
        <Select label="Call from" placeholder="A voice channel" data={lines} allowDeselect={false} {...form.getInputProps('channel_id')} />
        <TextInput label="Number to call" placeholder="+15551234567" {...form.getInputProps('to')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={dial.isPending}>
            Call
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
