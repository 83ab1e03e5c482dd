import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Link, useNavigate } from 'react-router';
import { authPost, startSession } from '../../auth/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useSubmit } from '../../hooks/useSubmit';
import { AuthCard } from './AuthCard';

export function SignupPage() {
  const navigate = useNavigate();
  const { error, run } = useSubmit();
  const form = useForm({
    initialValues: { name: '', email: '', password: '', organization_name: '' },
    validate: { password: (v) => (v.length < 10 ? 'At least 10 characters' : null) },
  });
  const submit = form.onSubmit((values) =>
    run(async () => {
      startSession(await authPost('signup', values));
      void navigate('/agents', { replace: true });
    }),
  );
  return (
    <AuthCard title="Create your organization">
      <form onSubmit={submit}>
        <Stack>
          <ErrorAlert error={error} title="Could not sign up" />
          <TextInput label="Your name" autoComplete="name" required {...form.getInputProps('name')} />
          <TextInput label="Email" type="email" autoComplete="email" required {...form.getInputProps('email')} />
          <PasswordInput label="Password" description="At least 10 characters" autoComplete="new-password" required {...form.getInputProps('password')} />
          <TextInput label="Organization name" required {...form.getInputProps('organization_name')} />
          <Button type="submit" loading={form.submitting}>
            Sign up
          </Button>
          <Text size="sm">
            Already have an account?{' '}
            <Anchor component={Link} to="/login">
              Sign in
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthCard>
  );
}
