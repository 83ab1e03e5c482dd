import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { followEventStream, type StreamStatus } from '../../api/eventStream';
import type { CampaignStats } from './rules';

/** Points kept for the chart: an hour of changes at one a second. */
const MAX_POINTS = 3_600;

/**
 * The campaign's stats, live from `GET /campaigns/{id}/stats` as an event stream (docs/campaigns.md
 * "Stats, live progress and export"): the latest numbers and their history since the page opened, for
 * the chart. Each change also re-reads the campaign and its contacts, so the status badge, the
 * lifecycle buttons and the contacts table follow without a reload. The stream ends by itself once the
 * campaign is completed or cancelled.
 */
export function useCampaignStats(id: string) {
  const queries = useQueryClient();
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [history, setHistory] = useState<CampaignStats[]>([]);
  useEffect(() => {
    setHistory([]);
    const running = new AbortController();
    void followEventStream(
      `/api/v1/campaigns/${id}/stats`,
      {
        onStatus: setStatus,
        onEvent: (event, data) => {
          if (event === 'stats') {
            const stats = data as unknown as CampaignStats;
            setHistory((h) => [...h.slice(-(MAX_POINTS - 1)), stats]);
            void queries.invalidateQueries({ queryKey: ['campaign', id] });
            void queries.invalidateQueries({ queryKey: ['campaign-contacts', id] });
            return 'live';
          }
          if (event === 'end') return 'end';
          if (event === 'closed') return data.reason === 'credential_invalid' ? 'refresh' : data.reason === 'not_found' ? 'end' : 'reconnect';
        },
      },
      running.signal,
    );
    return () => running.abort();
  }, [id, queries]);
  return { status, stats: history.at(-1) ?? null, history };
}
