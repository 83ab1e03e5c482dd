import type { Config } from '../../../config.js';

/**
 * Client for an OpenAI-compatible `POST /embeddings` endpoint (OpenAI, Ollama, vLLM, llama.cpp, LiteLLM…),
 * configured by the operator (CONVERSE_EMBEDDINGS_URL / _MODEL / _API_KEY). The URL is operator-trusted,
 * not tenant input, so it uses the plain fetch (a local Ollama on 127.0.0.1 must work). Never call it
 * inside a withOrg transaction. Vectors come back normalized to unit length.
 *
 * @example
 *   const embedder = createEmbedder(config.embeddings);
 *   const [v] = await embedder!.embed(['how do refunds work?']);
 */
export interface Embedder {
  readonly model: string;
  embed(texts: string[], opts?: { signal?: AbortSignal }): Promise<number[][]>;
}

/** Failures never quote the provider's response body (it can echo the request or the key). */
export class EmbeddingError extends Error {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'EmbeddingError';
  }
}

export interface EmbedderOptions {
  fetch?: typeof fetch;
  batchSize?: number;
  timeoutMs?: number;
  /** Inputs are cut to this many characters (providers reject over-long inputs). */
  maxInputChars?: number;
}

/** The endpoint for a configured base URL: `…/v1` → `…/v1/embeddings`; a full `…/embeddings` is kept. */
export function embeddingsEndpoint(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/embeddings') ? trimmed : `${trimmed}/embeddings`;
}

export function normalize(v: number[]): number[] {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  if (!Number.isFinite(norm) || norm === 0) throw new EmbeddingError('The embedding provider returned a zero or invalid vector');
  return v.map((x) => x / norm);
}

interface EmbeddingsResponse {
  data?: Array<{ embedding?: unknown; index?: unknown }>;
}

export function createEmbedder(config: Config['embeddings'], opts: EmbedderOptions = {}): Embedder | null {
  if (!config) return null;
  const endpoint = embeddingsEndpoint(config.url);
  const doFetch = opts.fetch ?? fetch;
  const batchSize = opts.batchSize ?? 64;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxInputChars = opts.maxInputChars ?? 8000;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;

  async function embedBatch(input: string[], signal: AbortSignal | undefined): Promise<number[][]> {
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await doFetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: config!.model, input }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      throw new EmbeddingError(timeout.aborted ? `The embedding provider did not answer within ${timeoutMs} ms` : 'The embedding provider could not be reached', { cause: err });
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new EmbeddingError(`The embedding provider answered HTTP ${res.status}`);
    }
    let body: EmbeddingsResponse;
    try {
      body = (await res.json()) as EmbeddingsResponse;
    } catch (err) {
      throw new EmbeddingError('The embedding provider sent a response that is not JSON', { cause: err });
    }
    const data = Array.isArray(body.data) ? body.data : [];
    if (data.length !== input.length) throw new EmbeddingError(`The embedding provider returned ${data.length} vectors for ${input.length} inputs`);
    const ordered = [...data].sort((a, b) => Number(a.index ?? 0) - Number(b.index ?? 0));
    return ordered.map((d) => {
      const v = d.embedding;
      if (!Array.isArray(v) || v.length === 0 || v.length > 16_000 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new EmbeddingError('The embedding provider returned a malformed vector');
      }
      return normalize(v as number[]);
    });
  }

  return {
    model: config.model,
    async embed(texts, embedOpts = {}) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        const batch = texts.slice(i, i + batchSize).map((t) => t.slice(0, maxInputChars));
        out.push(...(await embedBatch(batch, embedOpts.signal)));
      }
      const dims = out[0]?.length;
      if (out.some((v) => v.length !== dims)) throw new EmbeddingError('The embedding provider returned vectors of different sizes');
      return out;
    },
  };
}
