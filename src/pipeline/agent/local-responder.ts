/**
 * `converse-local`: the offline responder used when an agent has no language model (no provider of its
 * own and no server default). It is a few honest rules, not a model:
 *   - opening: the agent's greeting (or "Hello, this is <name>. How can I help you?");
 *   - asking for a person / human / agent / representative / operator: a handoff when the agent has the
 *     `human_handoff` built-in tool enabled, otherwise it says it cannot connect them;
 *   - goodbye / bye / that's all: a closing line and end_call;
 *   - anything else: the best passage of the agent's assigned knowledge, shortened and speakable; when
 *     nothing matches well it says so and offers a person (when handoff is enabled).
 * It does not understand context across turns beyond "yes" to its own offer of a person, does not fill
 * tool arguments, and never calls HTTP or MCP tools. docs/sessions.md says the same.
 */
import type { Deps } from '../../deps.js';
import { AppError } from '../../platform/errors.js';
import { toSpeakable } from '../../features/knowledge/ingest/index.js';
import type { AgentAction } from '../types.js';
import { KNOWLEDGE_TOOL, Toolbox } from './toolbox.js';
import type { AgentResponder, AgentTurnOutcome, AgentTurnRequest, HitRecord, ToolCallRecord } from './types.js';

const WANTS_PERSON = /\b(person|human|agent|representative|operator|real (?:person|someone)|somebody|someone real|customer service|speak to (?:a|an|some)one)\b/i;
const GOODBYE = /\b(good ?bye|bye|that'?s all|that is all|see you|hang up)\b/i;
const YES = /^\s*(yes|yeah|yep|sure|please|ok(?:ay)?|y)\b/i;
const OFFER = 'Would you like me to connect you with a person?';
const NO_MATCH = "I'm sorry, I couldn't find an answer to that in what I know.";
const STOPWORDS = new Set('a an the is are was were be been to of in on at for and or but with my your our i you we it its this that do does did can could would should how what when where why who which me please tell about have has had any there their many much long soon often something anything get got want need know like just also if so some they them us am will im here'.split(' '));

/** Share of the question's content words that appear in the passage: "matches well" means at least half. */
export function coverage(question: string, passage: string): number {
  const words = (s: string) => (s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 1 && !STOPWORDS.has(w));
  const asked = [...new Set(words(question))];
  if (asked.length === 0) return 0;
  const forms = (w: string) => [w, w.replace(/es$/, ''), w.replace(/s$/, '')];
  const have = new Set(words(passage).flatMap(forms));
  return asked.filter((w) => forms(w).some((f) => have.has(f))).length / asked.length;
}

export function createLocalResponder(deps: Deps): AgentResponder {
  return {
    async respond(req: AgentTurnRequest): Promise<AgentTurnOutcome> {
      const { agent } = req;
      const canHandoff = agent.tools_builtin.includes('human_handoff');
      const toolCalls: ToolCallRecord[] = [];
      let hits: HitRecord[] = [];
      let toolMs = 0;
      const reply = async (): Promise<{ text: string; actions: AgentAction[] }> => {
        if (req.input === null) return { text: agent.greeting?.trim() || `Hello, this is ${agent.name}. How can I help you?`, actions: [] };
        const input = req.input.trim();
        const lastAgent = [...req.history].reverse().find((h) => h.role === 'agent');
        const acceptsOffer = canHandoff && lastAgent?.text.endsWith(OFFER) && YES.test(input);
        if (acceptsOffer || WANTS_PERSON.test(input)) {
          if (canHandoff) return { text: "Of course. I'm connecting you with a person now.", actions: [{ type: 'human_handoff', reason: 'caller asked for a person' }] };
          return { text: "I'm sorry, I can't connect you with a person here. I'm happy to keep helping with your question.", actions: [] };
        }
        if (GOODBYE.test(input)) return { text: 'Thank you for calling. Goodbye!', actions: [{ type: 'end_call', reason: 'caller said goodbye' }] };
        if (agent.document_ids.length > 0 && input) {
          const started = performance.now();
          const record = (status: 'ok' | 'error', error: string | null) => {
            const latency = Math.round(performance.now() - started);
            toolMs += latency;
            toolCalls.push({ kind: 'knowledge', name: KNOWLEDGE_TOOL, tool_id: null, arguments: { query: input.slice(0, 500) }, status, latency_ms: latency, error, at: new Date() });
          };
          try {
            const found = await new Toolbox(deps, req.ctx, agent).searchKnowledge(input, 3);
            record('ok', null);
            hits = found.hits;
            const best = found.results.find((h) => coverage(input, h.text) >= 0.5);
            if (best) return { text: toSpeakable(best.text, 300), actions: [] };
          } catch (err) {
            // The agent was deleted during the session (its knowledge scope is gone): no answer, no fallback scope.
            if (!(err instanceof AppError)) throw err;
            record('error', err.message);
          }
        }
        return { text: canHandoff ? `${NO_MATCH} ${OFFER}` : `${NO_MATCH} Could you ask it another way?`, actions: [] };
      };
      const { text, actions } = await reply();
      req.onDelta(text);
      return { text, actions, failed: false, tool_calls: toolCalls, hits, model_ttft_ms: null, tool_ms: toolMs, responder: 'converse-local' };
    },
  };
}
