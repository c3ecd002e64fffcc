// The only module that imports `openai`. Chat Completions against any OpenAI-compatible server.
import type OpenAI from 'openai';
import { causeMessage, dnsFailureHost, isAbortError, toMessage, UserError } from '../errors';
import { DEFAULT_TIMEOUT_MS, originOf } from './endpoints';
import type { ProviderDescriptor } from './descriptor';
import { createNodeFetch, type SendTiming } from './nodeHttpFetch';
import { parameterProblems, type ParameterName } from './parameters';
import { parseRateLimitHeaders } from './rateLimits';
import { emptyReplyError } from './replies';
import type { OpenAIBatchApi } from '../batch/openaiBatch';
import { classifyHttp, parseRetryAfter, ProviderError, redact, TIMEOUT_CODE, type Completion, type CompletionRequest } from './provider';
import type { StreamedCompletion, StreamingProvider } from './streaming';

export interface OpenAIProviderOptions {
  /** The API root; always explicit (the SDK would otherwise read OPENAI_BASE_URL). */
  baseURL: string;
  /** Sent only to `baseURL`'s origin. Local servers accept any non-empty key. */
  apiKey: string | undefined;
  /** Per attempt; default DEFAULT_TIMEOUT_MS (120 s). */
  timeoutMs?: number;
  /**
   * CLI only: send requests over node:http with a keep-alive agent of this many sockets (the run's concurrency)
   * instead of global fetch; about half the CPU per request. Ignores proxy settings, so the editor (where VS Code
   * routes global fetch through the user's proxy) leaves it unset.
   */
  nodeHttpSockets?: number;
}

/** The generation parameters an OpenAI-compatible endpoint is sent (Chat Completions names them in snake_case). */
const OPENAI_PARAMETERS: readonly ParameterName[] = [
  'temperature', 'topP', 'maxTokens', 'maxCompletionTokens', 'stop', 'seed', 'frequencyPenalty', 'presencePenalty', 'responseFormat', 'reasoningEffort',
];
const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The SDK client with our transport rules: explicit base URL, no SDK retries, a key only for its own origin, no redirects. */
async function createClient(opts: OpenAIProviderOptions): Promise<{ client: OpenAI; SDK: typeof OpenAI; close(): void }> {
  const origin = originOf(opts.baseURL);
  const { default: OpenAIClient } = await import('openai');
  const apiKey = opts.apiKey || 'none';
  // Defence in depth: a key-bearing request goes to the configured origin or nowhere, and never follows redirects.
  const transport = opts.nodeHttpSockets ? createNodeFetch(opts.nodeHttpSockets) : undefined;
  const guardedFetch: typeof fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(origin + '/')) return Promise.reject(new ProviderError('auth', `refusing to send a key to ${new URL(url).origin} (endpoint origin is ${origin})`));
    // The node transport never follows redirects either. It reports when the request was written; global fetch
    // does not say, so the call itself counts as the send.
    if (transport) return transport(input, init);
    const { onSent, ...rest } = (init ?? {}) as RequestInit & SendTiming;
    onSent?.(performance.now());
    return fetch(input, { ...rest, redirect: 'error' });
  };
  const client: OpenAI = new OpenAIClient({
    apiKey, baseURL: opts.baseURL, organization: null, project: null, maxRetries: 0,
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, fetch: guardedFetch, logLevel: 'off',
  });
  return { client, SDK: OpenAIClient, close: () => transport?.close() };
}

/** The chat-completions body for a request (live and batch send the same one). */
export function chatCompletionBody(req: CompletionRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { model: req.model, messages: req.messages };
  const params = req.params ?? {};
  const problems = parameterProblems(params, OPENAI_PARAMETERS, 'OpenAI-compatible');
  if (problems.length) throw new ProviderError('bad-request', `not sent: ${problems.join(' ')}`);
  for (const k in params) {
    const v = params[k];
    if (v === undefined) continue;
    if (k === 'responseFormat') {
      const { jsonSchema, ...rest } = v as Record<string, unknown>;
      body.response_format = jsonSchema === undefined ? rest : { ...rest, json_schema: jsonSchema };
    } else body[snake(k)] = v;
  }
  return body;
}

/** Our completion from a chat-completions response body. */
function completionOf(data: OpenAI.Chat.ChatCompletion, latencyMs: number): Completion {
  const request_id = (data as { _request_id?: string | null })._request_id;
  const choice = data.choices?.[0];
  if (!choice) throw new ProviderError('transient', 'the server returned no choices');
  const content = choice.message?.content;
  if (typeof content !== 'string') {
    const refusal = (choice.message as { refusal?: unknown } | undefined)?.refusal;
    throw emptyReplyError(choice.finish_reason ?? undefined, typeof refusal === 'string' && refusal ? `a refusal: ${refusal.slice(0, 200)}` : `content: ${content === undefined ? 'missing' : JSON.stringify(content).slice(0, 40)}`,
      { inputTokens: data.usage?.prompt_tokens, outputTokens: data.usage?.completion_tokens });
  }
  return {
    text: content,
    finishReason: choice.finish_reason ?? undefined,
    inputTokens: data.usage?.prompt_tokens,
    outputTokens: data.usage?.completion_tokens,
    latencyMs,
    ...(typeof data.model === 'string' && data.model ? { model: data.model } : {}),
    requestId: request_id ?? undefined,
  };
}

/** Creates a provider; loads the SDK on first use so activation stays cheap. */
export async function createOpenAIProvider(opts: OpenAIProviderOptions): Promise<StreamingProvider> {
  const { client, SDK, close } = await createClient(opts);
  const secrets = [opts.apiKey];

  return {
    kind: 'openai',
    async complete(req: CompletionRequest, signal: AbortSignal): Promise<Completion> {
      const body = chatCompletionBody(req);
      // Latency counts from the moment the request went out, not from time spent waiting for a socket.
      let sentAt = performance.now();
      const timing: SendTiming = { onSent: (at) => { sentAt = at; } };
      try {
        // With the response: its rate-limit headers pace the endpoint.
        const { data, response } = await client.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
          { signal, fetchOptions: timing as Record<string, never> }).withResponse();
        const completion = completionOf(data, performance.now() - sentAt);
        const rateLimits = parseRateLimitHeaders((n) => response.headers.get(n));
        if (rateLimits) completion.rateLimits = rateLimits;
        return completion;
      } catch (err) {
        throw toProviderError(err, signal, secrets, SDK, opts.timeoutMs);
      }
    },
    stream: (req, signal, onText) => streamChat({ client, SDK, secrets, timeoutMs: opts.timeoutMs }, req, signal, onText),
    close,
  };
}

/**
 * One chat completion streamed (server-sent events): each piece of text goes to `onText` as it arrives; token
 * counts come from the final usage chunk (`stream_options.include_usage`), when the server sends one.
 */
async function streamChat(c: { client: OpenAI; SDK: typeof OpenAI; secrets: (string | undefined)[]; timeoutMs?: number }, req: CompletionRequest, signal: AbortSignal,
  onText: (piece: string) => void): Promise<StreamedCompletion> {
  const body = { ...chatCompletionBody(req), stream: true, stream_options: { include_usage: true } };
  // Time to first token and latency count from the moment the request went out, as for complete().
  let start = performance.now();
  const timing: SendTiming = { onSent: (at) => { start = at; } };
  let text = '';
  let firstTokenMs: number | undefined;
  let finishReason: string | undefined;
  let usage: OpenAI.CompletionUsage | undefined;
  let requestId: string | undefined;
  try {
    const { data: stream, response } = await c.client.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming,
      { signal, fetchOptions: timing as Record<string, never> }).withResponse();
    requestId = response.headers.get('x-request-id') ?? undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices?.[0];
      const piece = choice?.delta?.content;
      if (piece) {
        firstTokenMs ??= performance.now() - start;
        text += piece;
        onText(piece);
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    // The SDK ends a stream quietly when it is aborted: a cut-off reply must not pass for a whole one.
    signal.throwIfAborted();
  } catch (err) {
    throw toProviderError(err, signal, c.secrets, c.SDK, c.timeoutMs);
  }
  return { text, finishReason, inputTokens: usage?.prompt_tokens, outputTokens: usage?.completion_tokens, latencyMs: performance.now() - start,
    requestId, firstTokenMs, streamed: true };
}

/** Files + Batches calls for the batch backend (core/batch/openaiBatch.ts). */
export async function createOpenAIBatchApi(opts: OpenAIProviderOptions): Promise<OpenAIBatchApi> {
  const { client, SDK } = await createClient(opts);
  const secrets = [opts.apiKey];
  const guard = async <T>(signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> => {
    try { return await call(); } catch (err) { throw toProviderError(err, signal ?? new AbortController().signal, secrets, SDK); }
  };
  const { toFile } = await import('openai');
  return {
    bodyOf: chatCompletionBody,
    completionOf: (body, latencyMs) => completionOf(body as OpenAI.Chat.ChatCompletion, latencyMs),
    uploadBatchFile: (name, content, signal) => guard(signal, async () => (await client.files.create({ file: await toFile(content, name), purpose: 'batch' }, { signal })).id),
    createBatch: (fileId, metadata, signal) => guard(signal, () => client.batches.create({ input_file_id: fileId, endpoint: '/v1/chat/completions', completion_window: '24h', metadata }, { signal })),
    retrieveBatch: (id, signal) => guard(signal, () => client.batches.retrieve(id, { signal })),
    findBatch: (tag, since, signal) => guard(signal, async () => {
      // Newest first, page by page (the SDK follows `after`), until the batches are older than the submission.
      for await (const b of client.batches.list({ limit: 100 }, { signal })) {
        if ((b.metadata as Record<string, string> | null)?.prompt_adapt === tag) return b;
        if (b.created_at < since) return undefined;
      }
      return undefined;
    }),
    cancelBatch: (id) => guard(undefined, () => client.batches.cancel(id)),
    findFiles: (name, since, signal) => guard(signal, async () => {
      const ids: string[] = [];
      for await (const f of client.files.list({ purpose: 'batch', order: 'desc', limit: 100 }, { signal })) {
        if (f.created_at < since) break;
        if (f.filename === name) ids.push(f.id);
      }
      return ids;
    }),
    deleteFile: (id, signal) => guard(signal, async () => { await client.files.delete(id, { signal }); }),
    async *fileLines(fileId, signal) {
      const res = await guard(signal, () => client.files.content(fileId, { signal }));
      if (!res.body) return;
      const decoder = new TextDecoder();
      let rest = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        rest += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = rest.indexOf('\n')) >= 0) { yield rest.slice(0, nl); rest = rest.slice(nl + 1); }
      }
      rest += decoder.decode();
      if (rest) yield rest;
    },
  };
}

/** A timeout's message names the limit and where to change it (a slow CPU server needs more than the default). */
function timedOut(timeoutMs: number): string {
  return `request timed out after ${timeoutMs / 1000} s (the endpoint's timeoutMs; raise it for a slow server)`;
}

function toProviderError(err: unknown, signal: AbortSignal, secrets: (string | undefined)[], SDK: typeof OpenAI, timeoutMs = DEFAULT_TIMEOUT_MS): unknown {
  if (err instanceof ProviderError) return err;
  if (signal.aborted || err instanceof SDK.APIUserAbortError || isAbortError(err)) return err;
  if (err instanceof SDK.APIConnectionTimeoutError) return new ProviderError('transient', timedOut(timeoutMs), { code: TIMEOUT_CODE });
  if (err instanceof SDK.APIConnectionError) {
    const dns = dnsFailureHost(err);
    if (dns) return new ProviderError('config', redact(`the host name '${dns.host}' does not resolve (${causeMessage(err)}); check the endpoint's baseURL`, secrets), { code: dns.code });
    return new ProviderError('transient', redact(`connection error: ${causeMessage(err)}`, secrets));
  }
  if (err instanceof SDK.APIError) {
    const status = err.status;
    const code = err.code ?? err.type ?? undefined;
    const message = redact(((err.error as { message?: string } | undefined)?.message ?? err.message).slice(0, 500), secrets);
    const headers = err.headers;
    return new ProviderError(classifyHttp(status, code, message), status ? `HTTP ${status}: ${message}` : message, {
      status, code, requestId: err.requestID ?? undefined,
      retryAfterMs: headers ? parseRetryAfter((n) => headers.get(n)) : undefined,
      rateLimits: headers ? parseRateLimitHeaders((n) => headers.get(n)) : undefined,
    });
  }
  // Malformed bodies surface as SyntaxError or TypeError from the SDK's parser.
  return new ProviderError('transient', redact(`unexpected response: ${toMessage(err)}`, secrets));
}

/** The `openai` kind: any server that speaks OpenAI Chat Completions (OpenAI, Azure OpenAI v1, vLLM, llama.cpp, Ollama…). */
export const openaiKind: ProviderDescriptor = {
  kind: 'openai',
  displayName: 'OpenAI-compatible',
  credentials: 'stored-key',
  credentialHelp: (id) => `Endpoint '${id}' takes an API key: store it with "Configure Endpoint" (editor) or PROMPT_ADAPT_KEY_<ID> (CLI).`,
  describe: (cfg) => cfg.baseURL ?? '(no baseURL)',
  check: (cfg) => (cfg.baseURL ? undefined : 'an openai endpoint needs baseURL'),
  batchProblem: (v) => (typeof v === 'boolean' ? undefined : 'batch must be true or false for an OpenAI-compatible endpoint'),
  example: { baseURL: 'http://127.0.0.1:8000/v1' },
  parameters: OPENAI_PARAMETERS,
  create: async (endpointId, cfg, deps) => {
    if (!cfg.baseURL) throw new UserError(`Endpoint '${endpointId}' has no baseURL.`);
    const apiKey = await deps.secrets.getKey(endpointId, originOf(cfg.baseURL));
    return createOpenAIProvider({ baseURL: cfg.baseURL, apiKey, timeoutMs: cfg.timeoutMs ?? deps.timeoutMs, nodeHttpSockets: deps.nodeHttpSockets });
  },
};
