import { Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useLocation, useNavigate } from 'react-router';
import { authPost, startSession } from '../../auth/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useSubmit } from '../../hooks/useSubmit';
import { AuthCard } from './AuthCard';

/**
 * `/accept-invite?token=…`: the link an admin shares. A new person chooses a name and password; someone
 * who already has an account gives their existing password (the API tells which is needed).
 */
export function AcceptInvitePage() {
  const navigate = useNavigate();
  const location = useLocation();
  const { error, run } = useSubmit();
  const form = useForm({ initialValues: { token: new URLSearchParams(location.search).get('token') ?? '', name: '', password: '' } });
  const submit = form.onSubmit(({ token, name, password }) =>
    run(async () => {
      startSession(await authPost('accept-invite', { token: token.trim(), ...(name ? { name } : {}), ...(password ? { password } : {}) }));
      void navigate('/agents', { replace: true });
    }),
  );
  return (
    <AuthCard title="Join an organization">
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm" c="dimmed">
            New to Converse? Choose your name and a password. Already have an account? Enter its password.
          </Text>
          <ErrorAlert error={error} title="Could not accept the invite" />
          <TextInput label="Invite token" required {...form.getInputProps('token')} />
          <TextInput label="Your name" autoComplete="name" {...form.getInputProps('name')} />
          <PasswordInput label="Password" autoComplete="new-password" {...form.getInputProps('password')} />
          <Button type="submit" loading={form.submitting}>
            Accept invite
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
