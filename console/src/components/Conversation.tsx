import { Badge, Group, Paper, Stack, Text } from '@mantine/core';
import type { Get } from '../api/client';

type Call = Get<'/api/v1/calls/{id}'>;
type Entry = Call['transcript'][number];
type Outbound = Call['messages'][number];

const TEXTING = new Set(['sms', 'whatsapp']);
export const isThread = (call: Pick<Call, 'channel'>) => TEXTING.has(call.channel);

const WHO: Record<string, string> = { caller: 'Caller', user: 'Caller', agent: 'Agent', human: 'Support', system: 'System' };
const who = (role: string) => WHO[role] ?? role;

/** Delivery status colours: done, on its way, not yet accepted, failed. */
const STATUS_COLOR: Record<string, string> = { delivered: 'green', read: 'green', sent: 'blue', queued: 'blue', sending: 'gray', failed: 'red', undelivered: 'red' };

/** The words of a call in order, as chat bubbles: the caller on the left, the agent and people on the right. */
export function Transcript({ call }: { call: Pick<Call, 'transcript'> }) {
  return (
    <Stack gap="xs" data-testid="transcript">
      {call.transcript.length === 0 && <Text c="dimmed">Nothing was said.</Text>}
      {call.transcript.map((m, i) => (
        <Bubble key={i} inbound={m.role === 'caller' || m.role === 'user'} tone={m.role}>
          <Text size="xs" c="dimmed">
            {who(m.role)} · turn {m.turn} · {new Date(m.at).toLocaleTimeString()}
            {m.interrupted ? ' · interrupted' : ''}
          </Text>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {m.text}
          </Text>
        </Bubble>
      ))}
    </Stack>
  );
}

type ThreadItem = { kind: 'in'; entry: Entry } | { kind: 'out'; message: Outbound; by: 'agent' | 'human' };

/**
 * An SMS or WhatsApp thread as the person on the phone saw it: their messages (the transcript's caller
 * entries) and every message sent to them (`messages[]`, one per reply, send_message node or tool, or
 * a support person's words) with its delivery status and the provider's error when it failed.
 */
export function Thread({ call }: { call: Call }) {
  const humanTexts = new Set(call.transcript.filter((e) => e.role === 'human').map((e) => e.text));
  const items: Array<ThreadItem & { at: string }> = [
    ...call.transcript.filter((e) => e.role === 'caller' || e.role === 'user').map((entry) => ({ kind: 'in' as const, entry, at: entry.at })),
    ...call.messages.map((message) => ({ kind: 'out' as const, message, by: humanTexts.has(message.text) ? ('human' as const) : ('agent' as const), at: message.created_at })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const channel = call.channel === 'whatsapp' ? 'WhatsApp' : 'SMS';
  return (
    <Stack gap="xs" data-testid="thread">
      <Text size="sm" c="dimmed">
        {channel} thread with {call.from_number ?? 'an unknown number'}
        {call.to_number ? ` on ${call.to_number}` : ''}
      </Text>
      {items.length === 0 && <Text c="dimmed">No messages yet.</Text>}
      {items.map((item) =>
        item.kind === 'in' ? (
          <Bubble key={`in-${item.at}-${item.entry.turn}`} inbound tone="caller">
            <Text size="xs" c="dimmed" data-testid="thread-meta">
              Received · {channel} · from {call.from_number ?? 'caller'} · {new Date(item.at).toLocaleTimeString()}
            </Text>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {item.entry.text}
            </Text>
          </Bubble>
        ) : (
          <Bubble key={item.message.id} inbound={false} tone={item.by}>
            <Group gap={6} justify="space-between" wrap="nowrap">
              <Text size="xs" c="dimmed" data-testid="thread-meta">
                Sent · {channel} · {who(item.by)} · to {item.message.to} · {new Date(item.at).toLocaleTimeString()}
              </Text>
              <Badge size="xs" variant="light" color={STATUS_COLOR[item.message.status] ?? 'gray'} data-testid="delivery-status">
                {item.message.status}
              </Badge>
            </Group>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {item.message.text}
            </Text>
            {item.message.error && (
              <Text size="xs" c="red.9">
                {item.message.error}
              </Text>
            )}
          </Bubble>
        ),
      )}
    </Stack>
  );
}

function Bubble({ inbound, tone, children }: { inbound: boolean; tone: string; children: React.ReactNode }) {
  const bg = tone === 'caller' || tone === 'user' ? 'blue.0' : tone === 'human' ? 'grape.0' : tone === 'system' ? 'gray.0' : undefined;
  return (
    <Paper withBorder p="xs" bg={bg} maw="85%" style={{ alignSelf: inbound ? 'flex-start' : 'flex-end' }} data-testid="thread-message">
      {children}
    </Paper>
  );
}
