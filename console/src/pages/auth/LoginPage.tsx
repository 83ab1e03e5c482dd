import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Link, useLocation, useNavigate } from 'react-router';
import { authPost, startSession } from '../../auth/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useSubmit } from '../../hooks/useSubmit';
import { AuthCard, nextPath } from './AuthCard';

export function LoginPage() {
  const navigate = useNavigate();
  const location = useLocation();
  const { error, run } = useSubmit();
  const form = useForm({ initialValues: { email: '', password: '' } });
  const submit = form.onSubmit((values) =>
    run(async () => {
      startSession(await authPost('login', values));
      void navigate(nextPath(location.search), { replace: true });
    }),
  );
  return (
    <AuthCard title="Sign in to Converse">
      <form onSubmit={submit}>
        <Stack>
          <ErrorAlert error={error} title="Could not sign in" />
          <TextInput label="Email" type="email" autoComplete="email" required {...form.getInputProps('email')} />
          <PasswordInput label="Password" autoComplete="current-password" required {...form.getInputProps('password')} />
          <Button type="submit" loading={form.submitting}>
            Sign in
          </Button>
          <Text size="sm">
            No account yet?{' '}
            <Anchor component={Link} to="/signup">
              Create an organization
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthCard>
  );
}
