import { Button, Group, Modal, Text, type ButtonProps } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';

/** A button that asks before doing something that cannot be undone (deletes, revocations). */
export function ConfirmButton({ children, question, onConfirm, loading, ...props }: ButtonProps & { children: ReactNode; question: ReactNode; onConfirm: () => void }) {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button color="red" variant="light" {...props} loading={loading} onClick={open}>
        {children}
      </Button>
      <Modal opened={opened} onClose={close} title="Are you sure?" centered>
        <Text mb="lg">{question}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red" onClick={() => (close(), onConfirm())}>
            {children}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
