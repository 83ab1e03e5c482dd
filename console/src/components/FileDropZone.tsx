import { Button, FileButton, Paper, Text } from '@mantine/core';
import { useState, type DragEvent, type ReactNode } from 'react';

/**
 * A dashed area that takes files dropped on it, with a button to pick them instead (the keyboard and
 * screen-reader path). What happens to the files is the caller's.
 */
export function FileDropZone({ prompt, buttonLabel, onFiles, busy, multiple, accept, testId = 'dropzone', children }: {
  prompt: ReactNode;
  buttonLabel: string;
  onFiles: (files: File[]) => void;
  busy: boolean;
  multiple?: boolean;
  accept?: string;
  testId?: string;
  children?: ReactNode;
}) {
  const [over, setOver] = useState(false);
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const files = [...e.dataTransfer.files];
    if (files.length) onFiles(multiple ? files : files.slice(0, 1));
  };
  return (
    <Paper
      withBorder
      p="xl"
      data-testid={testId}
      bg={over ? 'blue.0' : undefined}
      style={{ borderStyle: 'dashed', textAlign: 'center' }}
      onDragOver={(e: DragEvent) => (e.preventDefault(), setOver(true))}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <Text mb="sm">{prompt}</Text>
      {multiple ? (
        <FileButton onChange={(files) => onFiles(files)} multiple accept={accept}>
          {(props) => (
            <Button variant="default" {...props} loading={busy}>
              {buttonLabel}
            </Button>
          )}
        </FileButton>
      ) : (
        <FileButton onChange={(file) => file && onFiles([file])} accept={accept}>
          {(props) => (
            <Button variant="default" {...props} loading={busy}>
              {buttonLabel}
            </Button>
          )}
        </FileButton>
      )}
      {children}
    </Paper>
  );
}
