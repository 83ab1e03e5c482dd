import { Button } from '@mantine/core';
import { Link } from 'react-router';
import { EmptyState } from '../components/EmptyState';

export function NotFoundPage() {
  return (
    <EmptyState title="Page not found" action={<Button component={Link} to="/agents">Go to agents</Button>}>
      This address does not lead anywhere in the console.
    </EmptyState>
  );
}
