// Loopback model servers that speak the real wire protocols: OpenAI Chat Completions
// (POST {base}/v1/chat/completions) and Bedrock Converse (POST /model/{modelId}/converse, SigV4 accepted unchecked).
// Knobs: latency, 429 + retry-after/retry-after-ms, 5xx, hangs, dropped connections, malformed bodies, a cap on
// requests in flight, connections closed after each answer, per-model answers, and request counting (per request content, to prove no double requests).
// Reusable: start in-process with `startMockServer`, or in a child process with `test/servers/main.ts`.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Protocol = 'openai' | 'bedrock';

/** A fault the server answers with instead of a normal completion. */
export type Fault =
  | { kind: 'rate-limit'; retryAfterMs?: number; retryAfterS?: number; code?: string }
  | { kind: 'quota' }
  | { kind: 'status'; status: number; code?: string; message?: string; errorType?: string }
  | { kind: 'server-error'; status?: number }
  | { kind: 'hang' }
  | { kind: 'drop' }
  | { kind: 'malformed' }
  | { kind: 'redirect'; location: string }
  /**
   * A 200 reply of an odd but protocol-valid shape: `content` (null: OpenAI's `content: null`, Bedrock's empty content
   * list), another finish/stop reason, and `usage` (null: none at all; else these fields replace the usual ones).
   */
  | { kind: 'reply'; content?: string | null; finishReason?: string; usage?: Record<string, number> | null };

/** Applies `fault` to requests matching `model` / `contentIncludes`, `times` times (forever if absent). */
export interface FaultRule { model?: string; contentIncludes?: string; times?: number; fault: Fault }

export interface Behavior {
  /** Delay before answering, ms. */
  latencyMs?: number;
  /** Requests beyond this many in flight get 429 (with `retry-after-ms: capRetryAfterMs` and `retry-after: capRetryAfterS` if set). */
  maxInFlight?: number;
  capRetryAfterMs?: number;
  capRetryAfterS?: number;
  /**
   * A token bucket of this many requests per second holding `burst` (default: one second's worth). Beyond it: 429
   * with `retry-after-ms` (exact), `retry-after` (whole seconds, rounded up) and the `x-ratelimit-*-requests`
   * headers OpenAI sends; answers carry those headers too.
   */
  requestsPerSecond?: number;
  burst?: number;
  faults?: FaultRule[];
  /** Canned answers by model; otherwise `answer:<model>:<last user message>`. */
  answers?: Record<string, string>;
  /**
   * Requests served at once (as llama-server's `--parallel N` slots); the rest wait in line, and each takes
   * `latencyMs` once served, so latency grows with the number in flight. No 429s: that is what real servers do.
   * 0 holds every request until a later `setBehavior` opens slots (or drops `slots`): a test that needs a run to
   * be still going when something else happens holds it this way instead of hoping the machine is slow enough.
   */
  slots?: number;
  /** The model replies name (default: the one asked for); a single-model server names its own, or its file. */
  replyModel?: string;
  /** Output tokens reported (input tokens = content length / 4). */
  outputTokens?: number;
  /** OpenAI `stream: true`: the answer goes out in this many server-sent events (default 4), this far apart (default 0 ms). */
  streamPieces?: number;
  streamGapMs?: number;
  /**
   * Streams stop after the first piece of text until `releaseStreams()`: a test then knows the client had that piece
   * before the rest was written, and how long it waited, whatever the machine's load.
   */
  streamHoldAfterFirst?: boolean;
  /**
   * Closes the connection after every answer: `header` says so with `Connection: close`; `silent` just closes it
   * after the answer has gone (as llama.cpp's `llama-server` does in router mode), so a kept-alive socket is dead.
   */
  closeConnection?: 'header' | 'silent';
}

export interface Stats {
  /** Every HTTP request to the model routes, faults included. */
  requests: number;
  /** Requests answered with a completion. */
  completions: number;
  rateLimited: number;
  maxInFlightSeen: number;
  /** Requests in flight (being served or waiting for a slot) when each of the first 1000 completions was answered. */
  inFlightAtAnswer: number[];
  byModel: Record<string, number>;
  /** Completions by content key (model + messages hash): a value above 1 is a double request. */
  completionsByKey: Record<string, number>;
  authHeaders: string[];
  /** The first 200 request bodies on the model routes, as parsed JSON (tests check what exactly was sent). */
  bodies: Record<string, unknown>[];
  /** Completions answered as a stream of server-sent events. */
  streamed: number;
}

export interface MockServer {
  readonly protocol: Protocol;
  readonly port: number;
  /** OpenAI: `http://127.0.0.1:PORT/v1`; Bedrock: `http://127.0.0.1:PORT` (the client's endpoint override). */
  readonly url: string;
  readonly stats: Stats;
  setBehavior(b: Behavior): void;
  /** Lets streams held by `streamHoldAfterFirst` go on. */
  releaseStreams(): void;
  resetStats(): void;
  close(): Promise<void>;
}

interface Msg { role: string; content: string }
/** What an OpenAI request asked of a stream: the final usage chunk or not. */
interface StreamAsked { usage: boolean }

/** The key a test uses to look up `completionsByKey` for one request. */
export function contentKey(model: string, messages: readonly Msg[]): string {
  return createHash('sha256').update(model).update('\0').update(JSON.stringify(messages.map((m) => [m.role, m.content]))).digest('hex').slice(0, 24);
}

const freshStats = (): Stats => ({ requests: 0, completions: 0, rateLimited: 0, maxInFlightSeen: 0, inFlightAtAnswer: [], byModel: {}, completionsByKey: {}, authHeaders: [], bodies: [], streamed: 0 });

export async function startMockServer(protocol: Protocol, initial: Behavior = {}, port = 0): Promise<MockServer> {
  let behavior: Behavior = structuredClone(initial);
  let stats = freshStats();
  let inFlight = 0;
  /** Requests being served and waiting for a slot (`slots`). */
  let serving = 0;
  const slotQueue: (() => void)[] = [];
  const heldStreams: (() => void)[] = [];
  let seq = 0;
  let bucket = { tokens: NaN, at: 0 };
  const sockets = new Set<import('node:net').Socket>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      if (req.method === 'GET' && url === '/__stats') return json(res, 200, stats);
      if (req.method === 'POST' && url === '/__behavior') { behavior = JSON.parse(Buffer.concat(chunks).toString()); bucket = { tokens: NaN, at: 0 }; return json(res, 200, {}); }
      if (req.method === 'POST' && url === '/__reset') { stats = freshStats(); return json(res, 200, {}); }
      let model: string | undefined;
      let messages: Msg[] = [];
      let stream: StreamAsked | undefined;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
        if (stats.bodies.length < 200 && req.method === 'POST') stats.bodies.push(body);
        if (protocol === 'openai' && req.method === 'POST' && /\/chat\/completions$/.test(url)) {
          model = body.model; messages = body.messages ?? [];
          if (body.stream === true) stream = { usage: body.stream_options?.include_usage === true };
        } else if (protocol === 'bedrock' && req.method === 'POST') {
          const m = /^\/model\/([^/]+)\/converse$/.exec(url);
          if (m) {
            model = decodeURIComponent(m[1]!);
            messages = [...(body.system ?? []).map((s: { text: string }) => ({ role: 'system', content: s.text })),
              ...(body.messages ?? []).map((x: { role: string; content: { text?: string }[] }) => ({ role: x.role, content: x.content.map((c) => c.text ?? '').join('\n') }))];
          }
        }
      } catch { return error(res, 400, 'invalid JSON body', 'invalid_request_error', 'ValidationException'); }
      if (!model) return error(res, 404, `no route ${req.method} ${url}`, 'not_found', 'UnknownOperationException');
      handle(req, res, model, messages, stream);
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });

  function handle(req: http.IncomingMessage, res: http.ServerResponse, model: string, messages: Msg[], stream?: StreamAsked): void {
    stats.requests++;
    stats.byModel[model] = (stats.byModel[model] ?? 0) + 1;
    if (behavior.closeConnection === 'header') res.setHeader('connection', 'close');
    if (behavior.closeConnection === 'silent') res.on('finish', () => req.socket.destroySoon());
    const auth = req.headers.authorization;
    if (auth && stats.authHeaders.length < 8 && !stats.authHeaders.includes(auth.slice(0, 40))) stats.authHeaders.push(auth.slice(0, 40));
    if (behavior.maxInFlight !== undefined && inFlight >= behavior.maxInFlight) {
      stats.rateLimited++;
      return rateLimit(res, behavior.capRetryAfterMs, behavior.capRetryAfterS, 'concurrency cap');
    }
    const budget = takeFromBucket();
    if (budget?.refusedForMs !== undefined) {
      stats.rateLimited++;
      return error(res, 429, 'Rate limit reached for requests', 'rate_limit_exceeded', 'ThrottlingException',
        { ...budget.headers, 'retry-after-ms': String(budget.refusedForMs), 'retry-after': String(Math.ceil(budget.refusedForMs / 1000)) });
    }
    const all = messages.map((m) => m.content).join('\n');
    const rule = behavior.faults?.find((r) => (!r.model || r.model === model) && (!r.contentIncludes || all.includes(r.contentIncludes)) && (r.times === undefined || r.times > 0));
    if (rule && rule.times !== undefined) rule.times--;
    inFlight++;
    if (inFlight > stats.maxInFlightSeen) stats.maxInFlightSeen = inFlight;
    let done = false;
    const finish = () => { if (!done) { done = true; inFlight--; } };
    res.on('close', finish); // also fires when the client goes away first
    const fault = rule?.fault;
    if (fault?.kind === 'hang') return; // the client's timeout or abort ends it
    withSlot(res, () => setTimeout(() => {
      if (done || res.destroyed || req.socket.destroyed) return finish();
      if (!fault) return answer(res, model, messages, budget?.headers, undefined, stream);
      if (fault.kind === 'reply') return answer(res, model, messages, budget?.headers, fault);
      switch (fault.kind) {
        case 'rate-limit': stats.rateLimited++; return rateLimit(res, fault.retryAfterMs, fault.retryAfterS, 'rate limited', fault.code);
        case 'quota': return error(res, protocol === 'openai' ? 429 : 400, 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'ServiceQuotaExceededException');
        case 'status': return error(res, fault.status, fault.message ?? `status ${fault.status}`, fault.code ?? 'error', fault.errorType ?? awsTypeFor(fault.status));
        case 'server-error': return error(res, fault.status ?? 500, 'internal error', 'server_error', 'InternalServerException');
        case 'drop': req.socket.destroy(); return finish();
        case 'redirect': res.writeHead(307, { location: fault.location }); res.end(); return;
        case 'malformed': res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"id": "x", "choices": [{"mess'); return;
      }
    }, behavior.latencyMs ?? 0));
  }

  /** Runs `serve` now, or (with `slots`) once a slot is free: waiting requests are served in arrival order. */
  function withSlot(res: http.ServerResponse, serve: () => void): void {
    if (behavior.slots === undefined) return serve();
    const go = () => {
      if (res.destroyed) return nextInLine();
      serving++;
      res.on('close', () => { serving--; nextInLine(); });
      serve();
    };
    if (serving < behavior.slots) go(); else slotQueue.push(go);
  }
  function nextInLine(): void {
    while (slotQueue.length && serving < (behavior.slots ?? Infinity)) slotQueue.shift()!();
  }

  /** Takes a request from the token bucket (when there is one): its headers, and how long until a refused request may come back. */
  function takeFromBucket(): { headers: Record<string, string>; refusedForMs?: number } | undefined {
    const rate = behavior.requestsPerSecond;
    if (!rate) return undefined;
    const burst = behavior.burst ?? rate;
    const now = performance.now();
    bucket.tokens = Number.isNaN(bucket.tokens) ? burst : Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    const refused = bucket.tokens < 1;
    if (!refused) bucket.tokens -= 1;
    const headers = {
      'x-ratelimit-limit-requests': String(burst), 'x-ratelimit-remaining-requests': String(Math.floor(bucket.tokens)),
      'x-ratelimit-reset-requests': goDuration(((burst - bucket.tokens) / rate) * 1000),
    };
    return refused ? { headers, refusedForMs: Math.ceil(((1 - bucket.tokens) / rate) * 1000) } : { headers };
  }

  function answer(res: http.ServerResponse, model: string, messages: Msg[], extraHeaders: Record<string, string> = {}, shape?: Extract<Fault, { kind: 'reply' }>,
    stream?: StreamAsked): void {
    stats.completions++;
    if (stats.inFlightAtAnswer.length < 1000) stats.inFlightAtAnswer.push(inFlight);
    const key = contentKey(model, messages);
    stats.completionsByKey[key] = (stats.completionsByKey[key] ?? 0) + 1;
    const last = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const text = shape && shape.content !== undefined ? shape.content : behavior.answers?.[model] ?? `answer:${model}:${last}`;
    const inputTokens = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
    const outputTokens = behavior.outputTokens ?? Math.ceil((text ?? '').length / 4);
    const id = `req-${++seq}`;
    if (stream) return streamAnswer(res, { id: `chatcmpl-${seq}`, model: behavior.replyModel ?? model, text: text ?? '', usage: stream.usage ? { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens } : undefined }, { 'x-request-id': id, ...extraHeaders });
    const usage = (usual: Record<string, number>): { usage?: Record<string, number> } =>
      (shape?.usage === null ? {} : { usage: { ...usual, ...shape?.usage } });
    if (protocol === 'openai') {
      json(res, 200, {
        id: `chatcmpl-${seq}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: behavior.replyModel ?? model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: shape?.finishReason ?? 'stop', logprobs: null }],
        ...usage({ prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens }),
      }, { 'x-request-id': id, ...extraHeaders });
    } else {
      json(res, 200, {
        output: { message: { role: 'assistant', content: text === null ? [] : [{ text }] } }, stopReason: shape?.finishReason ?? 'end_turn',
        ...usage({ inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }), metrics: { latencyMs: behavior.latencyMs ?? 0 },
      }, { 'x-amzn-requestid': id });
    }
  }

  /** Chat Completions streaming: `chat.completion.chunk` events, the usage chunk when asked for, then `[DONE]`. */
  function streamAnswer(res: http.ServerResponse, a: { id: string; model: string; text: string; usage?: Record<string, number> }, headers: Record<string, string>): void {
    stats.streamed++;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
    const n = Math.max(1, behavior.streamPieces ?? 4);
    const size = Math.ceil(a.text.length / n);
    const pieces = Array.from({ length: Math.ceil(a.text.length / size) || 1 }, (_, i) => a.text.slice(i * size, (i + 1) * size));
    const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}): string =>
      `data: ${JSON.stringify({ id: a.id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: a.model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...extra })}\n\n`;
    const events = [chunk({ role: 'assistant', content: '' }, null), ...pieces.map((p) => chunk({ content: p }, null)), chunk({}, 'stop'),
      ...(a.usage ? [`data: ${JSON.stringify({ id: a.id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: a.model, choices: [], usage: a.usage })}\n\n`] : []),
      'data: [DONE]\n\n'];
    const send = (i: number): void => {
      if (res.destroyed) return;
      if (i >= events.length) { res.end(); return; }
      res.write(events[i]);
      if (i === 1 && behavior.streamHoldAfterFirst) heldStreams.push(() => send(i + 1));
      else if (behavior.streamGapMs) setTimeout(() => send(i + 1), behavior.streamGapMs); else send(i + 1);
    };
    send(0);
  }

  function rateLimit(res: http.ServerResponse, ms?: number, s?: number, message = 'rate limited', code?: string): void {
    const headers: Record<string, string> = {};
    if (ms !== undefined) headers['retry-after-ms'] = String(ms);
    if (s !== undefined) headers['retry-after'] = String(s);
    error(res, 429, message, code ?? 'rate_limit_exceeded', 'ThrottlingException', headers);
  }

  function error(res: http.ServerResponse, status: number, message: string, code: string, awsType: string, headers: Record<string, string> = {}): void {
    if (protocol === 'openai') json(res, status, { error: { message, type: code, code, param: null } }, headers);
    else json(res, status, { message }, { ...headers, 'x-amzn-errortype': `${awsType}:http://internal.amazon.com/coral/com.amazon.bedrock/` });
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    protocol, port: actual,
    url: protocol === 'openai' ? `http://127.0.0.1:${actual}/v1` : `http://127.0.0.1:${actual}`,
    get stats() { return stats; },
    setBehavior(b) { behavior = structuredClone(b); bucket = { tokens: NaN, at: 0 }; nextInLine(); },
    releaseStreams() { for (const go of heldStreams.splice(0)) go(); },
    resetStats() { stats = freshStats(); },
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

function awsTypeFor(status: number): string {
  return status === 401 || status === 403 ? 'AccessDeniedException' : status === 404 ? 'ResourceNotFoundException' : status === 429 ? 'ThrottlingException'
    : status === 503 ? 'ServiceUnavailableException' : status >= 500 ? 'InternalServerException' : 'ValidationException';
}

/** A reset time as OpenAI writes it: `250ms`, `1s`, `2.5s`. */
function goDuration(ms: number): string {
  return ms < 1000 ? `${Math.ceil(ms)}ms` : `${Number((ms / 1000).toFixed(3))}s`;
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
