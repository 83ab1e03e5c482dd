import { Button, Checkbox, Group, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';

/** The events of API.md "Tools and MCP servers" (webhook endpoints), with what each means. */
export const EVENTS = [
  { value: 'call.started', label: 'call.started — a call or conversation began' },
  { value: 'call.ended', label: 'call.ended — it ended, with its outcome' },
  { value: 'escalation.created', label: 'escalation.created — a session waits for a person' },
  { value: 'campaign.started', label: 'campaign.started' },
  { value: 'campaign.completed', label: 'campaign.completed' },
  { value: 'document.ready', label: 'document.ready — a knowledge document can be searched' },
  { value: 'document.failed', label: 'document.failed — its ingestion failed' },
] as const;
export type EventType = (typeof EVENTS)[number]['value'];
export interface EndpointValues {
  url: string;
  description: string;
  events: EventType[];
}

/**
 * URL, description and events: the create form on the list page and the edit form on an endpoint's
 * page. The parent remounts it (a new `key`) to clear it after a create.
 */
export function EndpointForm(props: { initial?: EndpointValues; submitLabel: string; loading: boolean; onSubmit: (v: EndpointValues) => void}) {
  const form = useForm<EndpointValues>({
    initialValues: props.initial ?? { url: '', description: '', events: [] },
    validate: { url: (v) => (v.trim() ? null : 'The URL that receives the events'), events: (v) => (v.length ? null : 'Choose at least one event') },
  });
  return (
    <form onSubmit={form.onSubmit((v) => props.onSubmit({ ...v, url: v.url.trim() }))}>
      <Stack>
        <Group grow align="flex-start">
          <TextInput label="Endpoint URL" placeholder="https://example.com/converse-events" required {...form.getInputProps('url')} />
          <TextInput label="Description" {...form.getInputProps('description')} />
        </Group>
        <Checkbox.Group label="Events" required {...form.getInputProps('events')}>
          <Stack gap={4} mt="xs">
            {EVENTS.map((e) => (
              <Checkbox key={e.value} value={e.value} label={e.label} />
            ))}
          </Stack>
        </Checkbox.Group>
        <Group>
          <Button type="submit" loading={props.loading}>
            {props.submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
