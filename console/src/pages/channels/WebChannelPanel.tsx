import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { currentAccessToken } from '../../auth/session';
import { useCan } from '../../auth/useSession';
import { CopyValue } from '../../components/CopyValue';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { Channel } from './ChannelEditPage';

/** The script tag of docs/widget.md ("The script tag"), pointing at this server. */
export const widgetSnippet = (origin: string, title: string) =>
  `<script src="${origin}/widget.js" data-session-url-endpoint="/converse-session" data-title="${title.replace(/["<>&]/g, '')}" async></script>`;

/** The customer's backend call (docs/widget.md "Your backend endpoint"), with this channel's id. */
const backendSnippet = (origin: string, channelId: string) => `app.post('/converse-session', async (req, res) => {
  const r = await fetch('${origin}/api/v1/channels/${channelId}/session-url', {
    method: 'POST',
    headers: { authorization: \`Bearer \${process.env.CONVERSE_API_KEY}\` },
  });
  if (!r.ok) return res.status(502).json({ error: 'chat unavailable' });
  const { url } = await r.json();
  res.json({ url });
});`;

/**
 * A web channel's embedding: the snippet, the backend endpoint and a live preview. The preview is the
 * server's /widget/demo page in an iframe (same origin: the console's CSP allows frames from 'self',
 * the demo page allows 'self' as ancestor). The console hands the page its in-memory access token by
 * postMessage to that origin only; the page then asks session-url with this console's Origin, so the
 * console's origin must be in the channel's allowed_origins.
 */
export function WebChannelPanel({ channel, canWrite }: { channel: Channel; canWrite: boolean }) {
  const canRun = useCan('sessions:run');
  const queries = useQueryClient();
  const origin = window.location.origin;
  const originAllowed = channel.allowed_origins.includes(origin);
  const routed = channel.agent_id !== null || channel.flow_id !== null;
  const [previewKey, setPreviewKey] = useState(0);
  const frame = useRef<HTMLIFrameElement>(null);
  const addOrigin = useMutation({
    mutationFn: () => unwrap(api.PATCH('/api/v1/channels/{id}', { params: { path: { id: channel.id } }, body: { allowed_origins: [...channel.allowed_origins, origin] } })),
    onSuccess: (saved) => queries.setQueryData(['channel', saved.id], saved),
  });
  const handOver = async () => {
    // A cheap authenticated call first: it refreshes an expired access token before it is handed over.
    await api.GET('/api/v1/me');
    const token = currentAccessToken();
    if (token) frame.current?.contentWindow?.postMessage({ type: 'converse:widget-demo-credential', access_token: token }, origin);
  };

  return (
    <Paper withBorder p="md" mt="lg">
      <Title order={4} mb="sm">
        Embed the widget
      </Title>
      <Stack>
        <Text size="sm">
          1. On your backend, an endpoint that asks Converse for a short-lived session URL with an API key (the key never reaches the browser):
        </Text>
        <CopyValue value={backendSnippet(origin, channel.id)} />
        <Text size="sm">
          2. On your site, this script tag (your site&apos;s origin must be in the allowed origins above):
        </Text>
        <div data-testid="widget-snippet">
          <CopyValue value={widgetSnippet(origin, channel.name)} />
        </div>
        <Title order={5}>Live preview</Title>
        {!routed ? (
          <Text size="sm">Choose the agent or flow this channel routes to, and save, to preview it.</Text>
        ) : !canRun ? (
          <Text size="sm">Your role cannot start sessions, so it cannot preview the widget.</Text>
        ) : !originAllowed ? (
          <Alert color="yellow" title="Allow this console's origin to preview">
            <Text size="sm" mb={canWrite ? 'sm' : 0}>
              The preview runs on this console&apos;s origin, <b>{origin}</b>, which is not in the channel&apos;s allowed origins. Add it to preview the widget here (and remove it later if your visitors never use this origin).
            </Text>
            {canWrite && (
              <Button size="xs" onClick={() => addOrigin.mutate()} loading={addOrigin.isPending}>
                Add {origin} to allowed origins
              </Button>
            )}
            <ErrorAlert error={addOrigin.error} />
          </Alert>
        ) : previewKey === 0 ? (
          <Group>
            <Button variant="light" onClick={() => setPreviewKey(1)}>
              Start preview
            </Button>
            <Text size="sm" c="dimmed">
              Starts a real session with the channel&apos;s {channel.agent_id ? 'agent' : 'flow'}; it appears under Calls.
            </Text>
          </Group>
        ) : (
          <Stack gap="xs">
            <iframe
              key={previewKey}
              ref={frame}
              title="Widget preview"
              src={`/widget/demo?channel=${encodeURIComponent(channel.id)}`}
              onLoad={() => void handOver()}
              style={{ width: '100%', height: 600, border: '1px solid var(--mantine-color-gray-4)', borderRadius: 8 }}
            />
            <Group>
              <Button variant="default" size="xs" onClick={() => setPreviewKey((k) => k + 1)}>
                Restart preview
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
