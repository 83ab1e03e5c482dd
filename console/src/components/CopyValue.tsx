import { Button, Code, CopyButton, Group } from '@mantine/core';

/** A secret, link or snippet with a copy button (wrapped, never a scrolling box). */
export function CopyValue({ value, label = 'Copy' }: { value: string; label?: string }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="copy-value">
        {value}
      </Code>
      <CopyButton value={value}>{({ copied, copy }) => <Button variant="light" onClick={copy}>{copied ? 'Copied' : label}</Button>}</CopyButton>
    </Group>
  );
}
