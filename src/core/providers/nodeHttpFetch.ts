// A small `fetch` over node:http(s) with a keep-alive agent sized to the run's concurrency, for the CLI.
// Global fetch (undici) costs about twice the CPU per request and lets its pool grow without bound; the
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

export function createNodeFetch(maxSockets: number): NodeFetch {
  const opts: http.AgentOptions = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' };
  const agents = { http: new http.Agent(opts), https: new https.Agent(opts) };
  const f = ((input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (typeof input === 'object' && !(input instanceof URL)) return fetch(input, init); // a Request object: not used by the SDK
    const body = init.body;
    if (body != null && typeof body !== 'string' && !(body instanceof Uint8Array)) return fetch(input, init); // streams, forms
    const url = typeof input === 'string' ? new URL(input) : input;
    const signal = init.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const secure = url.protocol === 'https:';
      const headers = headerRecord(init.headers);
      if (body != null && headers['content-length'] === undefined) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
      let settled = false;
      const done = (err: unknown, res?: Response) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (err !== undefined) reject(err); else resolve(res!);
      };
      const onAbort = () => { req.destroy(); done(abortReason(signal!)); };
      const req = (secure ? https : http).request(url, { method: init.method ?? 'GET', headers, agent: secure ? agents.https : agents.http }, (res) => {
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
      req.on('error', (err) => done(signal?.aborted ? abortReason(signal) : fetchFailed(err)));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end(body ?? undefined);
    });
  }) as NodeFetch;
  f.close = () => { agents.http.destroy(); agents.https.destroy(); };
  return f;
}
