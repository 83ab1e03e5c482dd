import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { Escalation } from '../../api/escalationStream';
import { allowed } from '../../auth/session';
import { useIdentity } from '../../auth/useSession';

type Actor = NonNullable<Escalation['claimed_by']>;

/**
 * Names for who claimed or closed an escalation (`{type, id}` in the API): members from the team list
 * (every role that handles escalations may read it), API keys from the key list where the role may
 * read that (owners); otherwise a short id. "You" for the signed-in user.
 */
export function useActorName(): (actor: Actor | null) => string {
  const me = useIdentity();
  const members = useQuery({ queryKey: ['team', 'names'], staleTime: 60_000, enabled: allowed('team:read'), queryFn: () => unwrap(api.GET('/api/v1/team/members', { params: { query: { limit: 200 } } })) });
  const keys = useQuery({ queryKey: ['api-keys', 'names'], staleTime: 60_000, enabled: allowed('api_keys:manage'), queryFn: () => unwrap(api.GET('/api/v1/api-keys', { params: { query: { limit: 200 } } })) });
  return (actor) => {
    if (!actor) return '—';
    if (actor.type === 'user') {
      if (actor.id === me?.user.id) return 'you';
      const m = members.data?.data.find((x) => x.user_id === actor.id);
      return m ? `${m.name} (${m.email})` : `a member (${actor.id.slice(0, 8)})`;
    }
    const k = keys.data?.data.find((x) => x.id === actor.id);
    return k ? `API key “${k.name}”` : `an API key (${actor.id.slice(0, 8)})`;
  };
}
