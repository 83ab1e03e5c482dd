import { ActionIcon, Button, Checkbox, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';

/**
 * One outbound header as the console edits it. A secret value is write-only (docs/tools.md): the API
 * answers `{secret, configured, hint}`, so a stored secret shows only its hint, and an empty value on
 * save keeps what is stored.
 */
export interface HeaderRow {
  name: string;
  value: string;
  secret: boolean;
  /** The stored secret's hint (e.g. "Bearer …"), when one is stored. */
  storedHint: string | null;
}

type HeadersOut = Record<string, string | { secret: true; configured: true; hint: string }>;
type HeadersIn = Record<string, string | { secret: true; value?: string }>;

export const headerRows = (headers: HeadersOut): HeaderRow[] =>
  Object.entries(headers).map(([name, v]) => (typeof v === 'string' ? { name, value: v, secret: false, storedHint: null } : { name, value: '', secret: true, storedHint: v.hint }));

/** The API's input shape; `allSecret` (MCP servers) sends every value as a secret. */
export function headersBody(rows: HeaderRow[], opts: { allSecret?: boolean } = {}): HeadersIn {
  const out: HeadersIn = {};
  for (const r of rows) {
    const name = r.name.trim();
    if (!name) continue;
    if (r.secret || opts.allSecret) out[name] = r.value ? { secret: true, value: r.value } : { secret: true };
    else out[name] = r.value;
  }
  return out;
}

/** Rows of name / value (/ secret); `allSecret` hides the checkbox (every value is write-only). */
export function HeadersEditor({ rows, onChange, allSecret = false, disabled = false }: { rows: HeaderRow[]; onChange: (rows: HeaderRow[]) => void; allSecret?: boolean; disabled?: boolean }) {
  const set = (i: number, patch: Partial<HeaderRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        Headers
      </Text>
      {rows.length === 0 && (
        <Text size="sm" c="dimmed">
          No headers.
        </Text>
      )}
      {rows.map((r, i) => {
        const secret = allSecret || r.secret;
        const keep = r.storedHint !== null ? `Stored (${r.storedHint}): leave empty to keep` : undefined;
        return (
          <Group key={i} align="flex-end" wrap="nowrap">
            <TextInput label={`Header ${i + 1} name`} value={r.name} onChange={(e) => set(i, { name: e.currentTarget.value })} disabled={disabled} />
            {secret ? (
              <PasswordInput label={`Header ${i + 1} value`} placeholder={keep ?? 'Write-only value'} value={r.value} onChange={(e) => set(i, { value: e.currentTarget.value })} disabled={disabled} style={{ flex: 1 }} autoComplete="off" />
            ) : (
              <TextInput label={`Header ${i + 1} value`} value={r.value} onChange={(e) => set(i, { value: e.currentTarget.value })} disabled={disabled} style={{ flex: 1 }} />
            )}
            {!allSecret && <Checkbox label="Secret" checked={r.secret} onChange={(e) => set(i, { secret: e.currentTarget.checked, storedHint: e.currentTarget.checked ? r.storedHint : null })} disabled={disabled} mb={8} />}
            {!disabled && (
              <ActionIcon variant="subtle" color="red" aria-label={`Remove header ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))} mb={4}>
                ×
              </ActionIcon>
            )}
          </Group>
        );
      })}
      {!disabled && (
        <Group>
          <Button variant="default" size="xs" onClick={() => onChange([...rows, { name: '', value: '', secret: allSecret, storedHint: null }])}>
            Add header
          </Button>
        </Group>
      )}
    </Stack>
  );
}
