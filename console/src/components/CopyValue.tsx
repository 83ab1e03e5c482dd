import { Button, Code, CopyButton, Group } from '@mantine/core';

/** A secret or link shown once, with a copy button. */
export function CopyValue({ value, label = 'Copy' }: { value: string; label?: string }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Code block style={{ flex: 1, wordBreak: 'break-all' }} data-testid="copy-value">
        {value}
      </Code>
      <CopyButton value={value}>{({ copied, copy }) => <Button variant="light" onClick={copy}>{copied ? 'Copied' : label}</Button>}</CopyButton>
    </Group>
  );
}
