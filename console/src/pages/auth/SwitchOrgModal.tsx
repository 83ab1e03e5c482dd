import { Button, Modal, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useNavigate } from 'react-router';
import { authPost, knownOrgs, startSession } from '../../auth/session';
import { useIdentity } from '../../auth/useSession';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useSubmit } from '../../hooks/useSubmit';

/**
 * The API has no "list my organizations" endpoint and a token belongs to one org, so switching is a
 * new sign-in with `organization_id` (the password proves it is you). The list offers the organizations
 * this browser has seen; an id can be pasted too. "New organization" signs up again with the same email.
 */
export function SwitchOrgModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const identity = useIdentity();
  const navigate = useNavigate();
  const { error, run } = useSubmit();
  const email = identity?.user.email ?? '';
  const options = knownOrgs()
    .filter((o) => o.email === email && o.id !== identity?.organization.id)
    .map((o) => ({ value: o.id, label: o.name }));
  const form = useForm({ initialValues: { organization_id: '', new_name: '', password: '' } });
  const submit = form.onSubmit(({ organization_id, new_name, password }) =>
    run(async () => {
      const pair = new_name.trim()
        ? await authPost('signup', { email, password, name: identity?.user.name ?? email, organization_name: new_name.trim() })
        : await authPost('login', { email, password, organization_id: organization_id.trim() });
      startSession(pair);
      form.reset();
      onClose();
      void navigate('/agents');
    }),
  );
  return (
    <Modal opened={opened} onClose={onClose} title="Switch organization">
      <form onSubmit={submit}>
        <Stack>
          <ErrorAlert error={error} />
          {options.length > 0 ? (
            <Select label="Organization" data={options} searchable {...form.getInputProps('organization_id')} />
          ) : (
            <TextInput label="Organization id" description="The id of another organization you belong to" {...form.getInputProps('organization_id')} />
          )}
          <Text size="sm" c="dimmed">
            Or create a new organization:
          </Text>
          <TextInput label="New organization name" {...form.getInputProps('new_name')} />
          <PasswordInput label="Your password" required {...form.getInputProps('password')} />
          <Button type="submit" loading={form.submitting}>
            Switch
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}
