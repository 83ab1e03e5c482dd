import { Button, Group, Paper, Stack, Tabs, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { postFile } from '../../api/files';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FileDropZone } from '../../components/FileDropZone';
import { useSubmit } from '../../hooks/useSubmit';
import { notifySaved } from '../../components/notify';

/** One file per request (the API's upload takes one); failures are reported per file with the API's message. */
const uploadFile = (file: File) => postFile('/api/v1/knowledge/upload', file);

export function Ingest() {
  const queries = useQueryClient();
  const refresh = () => queries.invalidateQueries({ queryKey: ['knowledge'] });
  return (
    <Paper withBorder p="md" mb="lg">
      <Tabs defaultValue="upload">
        <Tabs.List mb="md">
          <Tabs.Tab value="upload">Upload files</Tabs.Tab>
          <Tabs.Tab value="url">From a URL</Tabs.Tab>
          <Tabs.Tab value="text">Paste text</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="upload">
          <UploadZone onUploaded={refresh} />
        </Tabs.Panel>
        <Tabs.Panel value="url">
          <UrlForm onDone={refresh} />
        </Tabs.Panel>
        <Tabs.Panel value="text">
          <TextForm onDone={refresh} />
        </Tabs.Panel>
      </Tabs>
    </Paper>
  );
}

function UploadZone({ onUploaded }: { onUploaded: () => unknown }) {
  const [busy, setBusy] = useState<string[]>([]);
  const [failures, setFailures] = useState<Array<{ name: string; error: unknown }>>([]);
  const send = async (files: File[]) => {
    setFailures([]);
    setBusy(files.map((f) => f.name));
    const failed: Array<{ name: string; error: unknown }> = [];
    for (const f of files) {
      try {
        await uploadFile(f);
      } catch (error) {
        failed.push({ name: f.name, error });
      }
      setBusy((b) => b.filter((n) => n !== f.name));
      void onUploaded();
    }
    setFailures(failed);
  };
  return (
    <Stack>
      <FileDropZone prompt="Drop PDF, DOCX, text, Markdown, CSV or HTML files here" buttonLabel="Choose files" multiple busy={busy.length > 0} onFiles={(files) => void send(files)}>
        {busy.length > 0 && <Text size="sm" mt="sm">Uploading {busy.join(', ')}…</Text>}
      </FileDropZone>
      {failures.map((f) => (
        <ErrorAlert key={f.name} error={f.error} title={`${f.name} was not accepted`} />
      ))}
    </Stack>
  );
}

function UrlForm({ onDone }: { onDone: () => unknown }) {
  const { error, run } = useSubmit();
  const form = useForm({ initialValues: { url: '', name: '' } });
  const submit = form.onSubmit(({ url, name }) =>
    run(async () => {
      await unwrap(api.POST('/api/v1/knowledge/ingest-url', { body: { url, name: name.trim() || url } }));
      notifySaved('Fetching the page');
      form.reset();
      void onDone();
    }),
  );
  return (
    <form onSubmit={submit}>
      <Stack>
        <ErrorAlert error={error} />
        <Group align="flex-end">
          <TextInput label="Page URL" placeholder="https://example.com/faq" required style={{ flex: 2 }} {...form.getInputProps('url')} />
          <TextInput label="Name (optional)" style={{ flex: 1 }} {...form.getInputProps('name')} />
          <Button type="submit" loading={form.submitting}>
            Add page
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function TextForm({ onDone }: { onDone: () => unknown }) {
  const { error, run } = useSubmit();
  const form = useForm({ initialValues: { name: '', content: '' } });
  const submit = form.onSubmit((body) =>
    run(async () => {
      await unwrap(api.POST('/api/v1/knowledge/ingest-text', { body }));
      notifySaved('Text added');
      form.reset();
      void onDone();
    }),
  );
  return (
    <form onSubmit={submit}>
      <Stack>
        <ErrorAlert error={error} />
        <TextInput label="Document name" required {...form.getInputProps('name')} />
        <Textarea label="Content" autosize minRows={4} maxRows={14} required {...form.getInputProps('content')} />
        <Group>
          <Button type="submit" loading={form.submitting}>
            Add text
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
