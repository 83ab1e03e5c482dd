import { Button, Group, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/useSession';

/** Tests the chosen provider with one cheap real call (POST /providers/{id}/test) and shows the answer. */
export function ProviderTestButton({ providerId, label }: { providerId: string; label: string }) {
  const canTest = useCan('config:write');
  const test = useMutation({ mutationFn: (id: string) => unwrap(api.POST('/api/v1/providers/{id}/test', { params: { path: { id } } })) });
  const { reset } = test;
  useEffect(() => reset(), [providerId, reset]);
  if (!canTest) return null;
  const r = test.data;
  return (
    <Group gap="xs" mt={4} wrap="nowrap">
      <Button size="compact-xs" variant="default" disabled={!providerId} loading={test.isPending} onClick={() => test.mutate(providerId)} aria-label={`Test ${label}`}>
        Test
      </Button>
      {r && (
        <Text size="xs" c={r.ok ? 'green' : 'red'} data-testid="provider-test-result">
          {r.ok ? `Works (${Math.round(r.latency_ms)} ms)` : `Failed: ${r.error ?? 'no answer'}`}
        </Text>
      )}
      {test.error && (
        <Text size="xs" c="red">
          {errorMessage(test.error)}
        </Text>
      )}
    </Group>
  );
}
