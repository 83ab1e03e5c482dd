import { Alert, Button, Group, Paper, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { paths } from '../../api/client';
import { ApiError } from '../../api/errors';
import { postFile, saveBlob, toCsv } from '../../api/files';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FileDropZone } from '../../components/FileDropZone';

type ImportResult = paths['/api/v1/campaigns/{id}/contacts/import']['post']['responses'][201]['content']['application/json'];

/** The API's limit per file (docs/campaigns.md "CSV import"); bigger files are refused here, before uploading. */
const MAX_BYTES = 64 * 1024 * 1024;
/** Rejections shown on the page; the downloadable report has every one the API listed. */
const SHOWN = 200;

const REASONS: Record<string, string> = {
  invalid_phone: 'not a valid phone number',
  invalid_timezone: 'unknown time zone',
  duplicate: 'twice in the file, or already in the campaign',
  dnc: 'on the do-not-call list',
  malformed_row: 'malformed CSV row',
  invalid_encoding: 'not UTF-8 text',
  empty_row: 'empty row',
  value_too_long: 'a value is too long',
  invalid_text: 'contains characters that cannot be stored',
};

/**
 * CSV upload of contacts (multipart to `POST /campaigns/{id}/contacts/import`): dropped or picked, the
 * size checked first, then the API's answer: how many were imported and the rejection report (line
 * number and reason), which can be downloaded as CSV to fix the rows and import them again.
 */
export function ContactsImport({ campaignId }: { campaignId: string }) {
  const queries = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<(ImportResult & { file: string }) | null>(null);
  const upload = async (file: File) => {
    setError(null);
    setResult(null);
    if (file.size > MAX_BYTES) return setError(new ApiError(413, 'payload_too_large', `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB: files up to 64 MB can be imported`));
    setBusy(true);
    try {
      const r = await postFile<ImportResult>(`/api/v1/campaigns/${campaignId}/contacts/import`, file);
      setResult({ ...r, file: file.name });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      void queries.invalidateQueries({ queryKey: ['campaign-contacts', campaignId] });
    }
  };
  const downloadReport = () => {
    if (!result) return;
    const csv = toCsv([['row', 'reason'], ...result.rejected.map((r) => [r.row, r.reason])]);
    saveBlob(new Blob([csv], { type: 'text/csv' }), `${result.file.replace(/\.csv$/i, '')}-rejected.csv`);
  };
  return (
    <Paper withBorder p="md" mb="lg">
      <Title order={3} mb="xs">
        Import contacts
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        A UTF-8 CSV file with a <code>phone</code> column (E.164, e.g. +14155550100), optional <code>name</code> and <code>timezone</code>; every other column becomes a {'{{variable}}'} for the agent or flow. Up to 64 MB and 500,000 rows.
      </Text>
      <Stack>
        <FileDropZone prompt="Drop a CSV file here" buttonLabel="Choose CSV file" accept=".csv,text/csv" busy={busy} onFiles={(files) => void upload(files[0]!)} testId="contacts-dropzone" />
        <ErrorAlert error={error} title="The file was not imported" />
        {result && (
          <Alert color={result.rejected_count ? 'yellow' : 'green'} title={`${result.file}: ${result.imported} imported, ${result.rejected_count} rejected`} data-testid="import-result">
            {result.rejected_count > 0 && (
              <>
                <Group justify="space-between" mb="xs">
                  <Text size="sm">Rows are line numbers in the file (the header is line 1).</Text>
                  <Button size="xs" variant="default" onClick={downloadReport}>
                    Download rejections (CSV)
                  </Button>
                </Group>
                <ScrollArea.Autosize mah={300}>
                  <Table fz="sm" aria-label="Rejected rows" data-testid="rejections">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Row</Table.Th>
                        <Table.Th>Reason</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {result.rejected.slice(0, SHOWN).map((r) => (
                        <Table.Tr key={r.row}>
                          <Table.Td>{r.row}</Table.Td>
                          <Table.Td>
                            <code>{r.reason}</code>
                            {REASONS[r.reason] ? `: ${REASONS[r.reason]}` : ''}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </ScrollArea.Autosize>
                {result.rejected_count > SHOWN && <Text size="sm">The first {SHOWN} are shown; the download has {result.rejected.length}.</Text>}
              </>
            )}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
