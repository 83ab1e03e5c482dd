import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { listenToEscalations, type EscalationEvent, type StreamStatus } from '../api/escalationStream';

/**
 * Keeps the escalation queries fresh from the live stream: every event re-reads the lists and that
 * escalation (the event names what changed; the API's answer stays the one source of truth), and so
 * does every (re)connection, since events missed while disconnected are not replayed.
 */
export function useEscalationStream(onEvent?: (event: EscalationEvent) => void): StreamStatus {
  const queries = useQueryClient();
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(
    () =>
      listenToEscalations({
        onStatus: setStatus,
        onLive: () => void queries.invalidateQueries({ queryKey: ['escalations'] }),
        onEvent: (e) => {
          void queries.invalidateQueries({ queryKey: ['escalations'] });
          handler.current?.(e);
        },
      }),
    [queries],
  );
  return status;
}
