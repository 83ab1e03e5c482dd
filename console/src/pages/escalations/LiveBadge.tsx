import { Badge } from '@mantine/core';
import type { StreamStatus } from '../../api/escalationStream';

/** Whether the page is following the live stream (it re-reads everything when it comes back). */
export function LiveBadge({ status }: { status: StreamStatus }) {
  const [color, text] = status === 'live' ? ['green', 'Live'] : status === 'connecting' ? ['gray', 'Connecting…'] : ['orange', 'Reconnecting…'];
  return (
    <Badge variant="light" color={color} data-testid="stream-status" role="status">
      {text}
    </Badge>
  );
}
