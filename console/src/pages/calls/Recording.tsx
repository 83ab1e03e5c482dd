import { Group, Paper, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap, type Get } from '../../api/client';
import { toApiError } from '../../api/errors';
import { authedFetch } from '../../auth/session';
import { useCan } from '../../auth/useSession';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifyError, notifySaved } from '../../components/notify';

type Summary = NonNullable<Get<'/api/v1/calls/{id}'>['recording']>;

/**
 * A call's recording (docs/voice.md "Recordings"): a player and, for those who may delete calls, a
 * delete button. The audio route needs the Authorization header, which an <audio src> cannot send, so
 * the WAV is fetched with the session's token into a blob URL (released when the page goes). Roles that
 * may not listen (members, viewers) see that there is a recording, not the audio.
 */
export function Recording({ callId, recording }: { callId: string; recording: Summary }) {
  const canListen = useCan('calls:recordings');
  const canDelete = useCan('calls:delete');
  const queries = useQueryClient();
  const audio = useQuery({
    queryKey: ['call-recording', callId, recording.created_at, recording.bytes],
    enabled: canListen,
    staleTime: Infinity,
    queryFn: async () => {
      const res = await authedFetch(`/api/v1/calls/${callId}/recording`);
      if (!res.ok) throw toApiError(res.status, await res.json().catch(() => null));
      return res.blob();
    },
  });
  const url = useBlobUrl(audio.data);
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/calls/{id}/recording', { params: { path: { id: callId } } })),
    onSuccess: () => (notifySaved('Recording deleted'), void queries.invalidateQueries({ queryKey: ['call', callId] })),
    onError: notifyError,
  });
  return (
    <Paper withBorder p="md" mb="lg" data-testid="call-recording">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Recording</Title>
        {canDelete && (
          <ConfirmButton size="xs" question="Delete this call's recording for good? The transcript stays." onConfirm={() => remove.mutate()} loading={remove.isPending}>
            Delete recording
          </ConfirmButton>
        )}
      </Group>
      <Text size="sm" c="dimmed" mb="xs">
        {(recording.duration_ms / 1000).toFixed(1)} s · {(recording.bytes / 1_000_000).toFixed(1)} MB WAV · both sides, mixed
      </Text>
      {!canListen && <Text size="sm">Your role cannot listen to recordings (owners, admins and support agents can).</Text>}
      {audio.error && <ErrorAlert error={audio.error} title="The recording could not be loaded" />}
      {url && <audio controls preload="metadata" src={url} style={{ width: '100%' }} data-testid="recording-audio" />}
    </Paper>
  );
}

/** An object URL for the blob while it is shown, revoked after. */
function useBlobUrl(blob: Blob | undefined): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!blob) return;
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => {
      URL.revokeObjectURL(u);
      setUrl(null);
    };
  }, [blob]);
  return url;
}
