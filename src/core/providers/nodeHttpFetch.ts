// A small `fetch` over node:http(s) with a keep-alive agent, for the CLI.
// Global fetch (undici) costs about twice the CPU per request; the
// editor keeps global fetch, which VS Code routes through the user's proxy settings (this transport does not
// read HTTP(S)_PROXY). Only what the OpenAI SDK uses is supported: string/bytes bodies, no redirects (a 3xx
// fails like `redirect: 'error'`), abort signals. The body is read in full before the promise resolves.
import http from 'node:http';
import https from 'node:https';

export interface NodeFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Destroys idle and active sockets. */
  close(): void;
}

const nullBodyStatus = new Set([101, 103, 204, 205, 304]);

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Undici's shape for network failures, which SDKs map to connection errors. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function headerRecord(h: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  if (h instanceof Headers) h.forEach((v, k) => { out[k] = v; });
  else if (Array.isArray(h)) for (const [k, v] of h) out[k!.toLowerCase()] = v!;
  else for (const k in h) { const v = (h as Record<string, string | undefined>)[k]; if (v !== undefined) out[k.toLowerCase()] = v; }
  return out;
}

/** Options our own code passes through `fetch`'s init (the SDK's per-request `fetchOptions`); other fetches ignore them. */
export interface SendTiming {
  /** Called when the request has been written to the socket: latency counts from here, not from our own queueing. */
  onSent?(at: number): void;
}

/**
 * Errors of a request on a kept-alive socket that the server had already closed (it answered the previous request
 * and then closed, with or without `Connection: close`): the request never reached the server's application.
 */
const staleSocketCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

export function createNodeFetch(maxSockets: number): NodeFetch {
  // The dispatcher already bounds the requests in flight, so the agent never makes a request wait for a socket
  // (a wait there would count as latency, and a queued request is handed a freed socket without Node marking it
  // as reused); `maxSockets` bounds the idle sockets kept.
  const opts: http.AgentOptions = { keepAlive: true, maxFreeSockets: maxSockets, scheduling: 'lifo' };
  const agents = { http: new http.Agent(opts), https: new https.Agent(opts) };
  const f = ((input: string | URL | Request, init: RequestInit & SendTiming = {}): Promise<Response> => {
    if (typeof input === 'object' && !(input instanceof URL)) return fetch(input, init); // a Request object: not used by the SDK
    const body = init.body;
    if (body != null && typeof body !== 'string' && !(body instanceof Uint8Array)) return fetch(input, init); // streams, forms
    const url = typeof input === 'string' ? new URL(input) : input;
    const headers = headerRecord(init.headers);
    if (body != null && headers['content-length'] === undefined) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    const secure = url.protocol === 'https:';
    const target: Target = { url, method: init.method ?? 'GET', headers, body: body ?? undefined, agent: secure ? agents.https : agents.http, signal: init.signal ?? undefined, onSent: init.onSent };
    // A socket the server closed after its last answer fails the next request at once. Node's agent cannot know
    // before it writes (the FIN arrives a moment later), so such a request goes again on another socket, as browsers
    // do; every stale socket in the pool can cost one try, and a fresh connection ends the loop.
    const attempt = (triesLeft: number): Promise<Response> => sendOnce(target).catch((err: unknown) => {
      if (err instanceof StaleSocket && triesLeft > 0) return attempt(triesLeft - 1);
      throw err instanceof StaleSocket ? fetchFailed(err.cause) : err;
    });
    return attempt(maxSockets + 1);
  }) as NodeFetch;
  f.close = () => { agents.http.destroy(); agents.https.destroy(); };
  return f;
}

interface Target {
  url: URL; method: string; headers: Record<string, string>; body: string | Uint8Array | undefined;
  agent: http.Agent; signal: AbortSignal | undefined; onSent: SendTiming['onSent'];
}

/** Sockets that have carried an answer: a later request on one of them is on a kept-alive connection. */
const usedSockets = new WeakSet<object>();

/** A reused socket failed before any answer: the request may go again on another socket. */
class StaleSocket extends Error {
  constructor(override readonly cause: unknown) { super('stale keep-alive socket'); }
}

function sendOnce({ url, method, headers, body, agent, signal, onSent }: Target): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    let settled = false;
    let answered = false;
    const done = (err: unknown, res?: Response) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (err !== undefined) reject(err); else resolve(res!);
    };
    const onAbort = () => { req.destroy(); done(abortReason(signal!)); };
    const req = (url.protocol === 'https:' ? https : http).request(url, { method, headers, agent }, (res) => {
      answered = true;
      usedSockets.add(res.socket);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) { res.resume(); req.destroy(); return done(fetchFailed(new Error(`unexpected redirect to ${res.headers.location}`))); }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => done(fetchFailed(err)));
      res.on('aborted', () => done(fetchFailed(new Error('the connection closed before the response ended'))));
      res.on('end', () => {
        if (!res.complete) return done(fetchFailed(new Error('the connection closed before the response ended')));
        const h = new Headers();
        const raw = res.rawHeaders;
        for (let i = 0; i < raw.length; i += 2) h.append(raw[i]!, raw[i + 1]!);
        try {
          done(undefined, new Response(nullBodyStatus.has(status) ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: h }));
        } catch (err) { done(fetchFailed(err)); }
      });
    });
    req.on('finish', () => onSent?.(performance.now()));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (signal?.aborted) return done(abortReason(signal));
      const stale = !answered && req.socket != null && usedSockets.has(req.socket) && (staleSocketCodes.has(err.code ?? '') || err.message === 'socket hang up');
      done(stale ? new StaleSocket(err) : fetchFailed(err));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
}
