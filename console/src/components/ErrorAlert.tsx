import { Alert } from '@mantine/core';
import { errorMessage } from '../api/errors';

/** Shows the API's own message for a failed request (or nothing when there is no error). */
export function ErrorAlert({ error, title = 'Request failed' }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <Alert color="red" title={title} role="alert" mb="md">
      {errorMessage(error)}
    </Alert>
  );
}
