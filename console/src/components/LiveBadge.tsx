import { Badge } from '@mantine/core';
import type { StreamStatus } from '../api/eventStream';

const LOOK: Record<StreamStatus, [string, string]> = {
  live: ['green', 'Live'],
  connecting: ['gray', 'Connecting…'],
  reconnecting: ['orange', 'Reconnecting…'],
  ended: ['gray', 'Ended'],
};

/** Whether the page is following a live stream (it re-reads everything when it comes back). */
export function LiveBadge({ status, endedText }: { status: StreamStatus; endedText?: string }) {
  const [color, text] = LOOK[status];
  return (
    <Badge variant="light" color={color} data-testid="stream-status" role="status">
      {status === 'ended' && endedText ? endedText : text}
    </Badge>
  );
}
