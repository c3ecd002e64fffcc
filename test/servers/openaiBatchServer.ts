// A loopback server that follows OpenAI's Files and Batches protocol closely enough for the real `openai` SDK:
//   POST /v1/files (multipart, purpose=batch)   GET /v1/files (purpose, order, limit, after)   GET /v1/files/{id}
//   GET /v1/files/{id}/content   DELETE /v1/files/{id}
//   POST /v1/batches   GET /v1/batches (newest first; limit, after)   GET /v1/batches/{id}   POST /v1/batches/{id}/cancel
// A batch moves validating → in_progress → finalizing → completed (or failed / expired / cancelling → cancelled)
// one step per `advance()` (or per status poll with `advanceOnPoll`), so tests control time exactly. It answers
// like the live mock (`answer:<model>:<last user message>`) and counts every request it *processes* by content,
// so a test can prove that no request was paid twice across batch and live calls.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { contentKey } from './mockModelServer';

export interface BatchServerOptions {
  /** Requests processed per `in_progress` step (default: all). */
  perStep?: number;
  /** Advance each batch one step on every GET /v1/batches/{id} (default true). */
  advanceOnPoll?: boolean;
  /** A batch expires after processing this many of its requests (the rest land in the error file as `batch_expired`). */
  expireAfter?: number;
  /** Requests whose last user message contains this string fail with HTTP 400 inside the batch. */
  failContent?: string;
  /** Requests whose last user message contains this string are answered with `content: null` (usage still counted). */
  nullContent?: string;
  /** Provider limits (OpenAI: 50,000 requests and 200 MB per file). */
  maxRequestsPerFile?: number;
  maxFileBytes?: number;
  /**
   * Test hooks run after an upload is stored, or a batch is created, and before the client hears of it: a test
   * kills the client there to leave exactly what a crash at that point leaves.
   */
  afterUpload?(fileId: string): Promise<void> | void;
  afterCreate?(batchId: string): Promise<void> | void;
}

export interface BatchServerStats {
  files: number;
  batchesCreated: number;
  cancels: number;
  /** List calls (GET /v1/batches, GET /v1/files), pages counted. */
  lists: number;
  filesDeleted: number;
  /** Requests processed (paid), by content key: a value above 1 is a request paid twice. */
  processedByKey: Record<string, number>;
  processed: number;
  /** Live chat-completion calls. */
  live: number;
  authHeaders: string[];
}

interface Line { custom_id: string; method: string; url: string; body: { model: string; messages: { role: string; content: string }[] } & Record<string, unknown> }
interface StoredFile { id: string; bytes: Buffer; filename: string; purpose: string; created_at: number }
interface BatchState {
  id: string; status: string; input_file_id: string; endpoint: string; completion_window: string; created_at: number;
  lines: Line[]; next: number; out: string[]; err: string[]; failed: number; completed: number;
  output_file_id: string | null; error_file_id: string | null; errors: unknown; metadata: unknown; timestamps: Record<string, number>;
}

export interface OpenAIBatchServer {
  readonly url: string;
  readonly stats: BatchServerStats;
  /** Moves every unfinished batch one step. */
  advance(): void;
  batch(id: string): BatchState | undefined;
  close(): Promise<void>;
}

const now = () => Math.floor(Date.now() / 1000);

export async function startOpenAIBatchServer(opts: BatchServerOptions = {}): Promise<OpenAIBatchServer> {
  const files = new Map<string, StoredFile>();
  const batches = new Map<string, BatchState>();
  const stats: BatchServerStats = { files: 0, batchesCreated: 0, cancels: 0, lists: 0, filesDeleted: 0, processedByKey: {}, processed: 0, live: 0, authHeaders: [] };
  const maxRequests = opts.maxRequestsPerFile ?? 50_000;
  const maxBytes = opts.maxFileBytes ?? 200 * 1024 * 1024;
  let seq = 0;
  const id = (prefix: string) => `${prefix}_${(++seq).toString(36).padStart(8, '0')}`;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const auth = req.headers.authorization;
      if (auth && stats.authHeaders.length < 8 && !stats.authHeaders.includes(auth)) stats.authHeaders.push(auth);
      try { route(req, res, Buffer.concat(chunks)); } catch (e) { fail(res, 500, String(e)); }
    });
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });

  function route(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && p === '/v1/files') return upload(req, res, body);
    if (req.method === 'POST' && p === '/v1/chat/completions') return live(res, JSON.parse(body.toString() || '{}'));
    if (req.method === 'GET' && (m = /^\/v1\/files\/([^/]+)\/content$/.exec(p))) {
      const f = files.get(m[1]!);
      if (!f) return fail(res, 404, `No such File object: ${m[1]}`);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': f.bytes.length });
      return void res.end(f.bytes);
    }
    if (req.method === 'GET' && (m = /^\/v1\/files\/([^/]+)$/.exec(p))) {
      const f = files.get(m[1]!);
      return f ? json(res, 200, fileObject(f)) : fail(res, 404, `No such File object: ${m[1]}`);
    }
    if (req.method === 'DELETE' && (m = /^\/v1\/files\/([^/]+)$/.exec(p))) {
      if (!files.delete(m[1]!)) return fail(res, 404, `No such File object: ${m[1]}`);
      stats.filesDeleted++;
      return json(res, 200, { id: m[1], object: 'file', deleted: true });
    }
    if (req.method === 'GET' && p === '/v1/files') {
      const purpose = url.searchParams.get('purpose');
      const all = [...files.values()].filter((f) => !purpose || f.purpose === purpose);
      return page(res, url, url.searchParams.get('order') === 'asc' ? all : all.reverse(), fileObject, 10_000);
    }
    if (req.method === 'POST' && p === '/v1/batches') return create(res, JSON.parse(body.toString() || '{}'));
    if (req.method === 'GET' && p === '/v1/batches') return page(res, url, [...batches.values()].reverse(), batchObject, 100);
    if (req.method === 'GET' && (m = /^\/v1\/batches\/([^/]+)$/.exec(p))) {
      const b = batches.get(m[1]!);
      if (!b) return fail(res, 404, `No batch found with id '${m[1]}'.`);
      if (opts.advanceOnPoll !== false) step(b);
      return json(res, 200, batchObject(b));
    }
    if (req.method === 'POST' && (m = /^\/v1\/batches\/([^/]+)\/cancel$/.exec(p))) {
      const b = batches.get(m[1]!);
      if (!b) return fail(res, 404, `No batch found with id '${m[1]}'.`);
      stats.cancels++;
      if (['completed', 'failed', 'expired', 'cancelled'].includes(b.status)) return fail(res, 409, `Cannot cancel a batch with status '${b.status}'.`);
      b.status = 'cancelling'; b.timestamps.cancelling_at = now();
      return json(res, 200, batchObject(b));
    }
    fail(res, 404, `Invalid URL (${req.method} ${p})`);
  }

  /** One page of a cursor list: `limit` items after the one named by `after`. */
  function page<T extends { id: string }>(res: http.ServerResponse, url: URL, items: T[], view: (item: T) => { id: string }, maxLimit: number): void {
    stats.lists++;
    const limit = Math.min(maxLimit, Math.max(1, Number(url.searchParams.get('limit') ?? 20)));
    const after = url.searchParams.get('after');
    const start = after ? items.findIndex((x) => x.id === after) + 1 : 0;
    if (after && start === 0) return fail(res, 400, `No object found with id '${after}'.`);
    const data = items.slice(start, start + limit).map(view);
    json(res, 200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + limit < items.length });
  }

  function upload(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(req.headers['content-type'] ?? '');
    if (!boundary) return fail(res, 400, 'expected multipart/form-data');
    const parts = parseMultipart(body, boundary[1] ?? boundary[2]!);
    const purpose = parts.find((x) => x.name === 'purpose')?.data.toString();
    const file = parts.find((x) => x.name === 'file');
    if (purpose !== 'batch' || !file) return fail(res, 400, "expected fields 'purpose'=batch and 'file'");
    if (file.data.length > maxBytes) return fail(res, 400, `File is too large: ${file.data.length} bytes, limit ${maxBytes}.`);
    const f: StoredFile = { id: id('file'), bytes: file.data, filename: file.filename ?? 'upload.jsonl', purpose, created_at: now() };
    files.set(f.id, f);
    stats.files++;
    void Promise.resolve(opts.afterUpload?.(f.id)).then(() => json(res, 200, fileObject(f)));
  }

  function create(res: http.ServerResponse, body: { input_file_id?: string; endpoint?: string; completion_window?: string; metadata?: unknown }): void {
    const f = body.input_file_id ? files.get(body.input_file_id) : undefined;
    if (!f) return fail(res, 400, `Could not find file '${body.input_file_id}'.`);
    if (body.endpoint !== '/v1/chat/completions') return fail(res, 400, `unsupported endpoint ${body.endpoint}`);
    if (body.completion_window !== '24h') return fail(res, 400, "completion_window must be '24h'");
    stats.batchesCreated++;
    const b: BatchState = {
      id: id('batch'), status: 'validating', input_file_id: f.id, endpoint: body.endpoint, completion_window: '24h', created_at: now(),
      lines: [], next: 0, out: [], err: [], failed: 0, completed: 0, output_file_id: null, error_file_id: null, errors: null,
      metadata: body.metadata ?? null, timestamps: {},
    };
    const problem = validate(f, b);
    if (problem) { b.status = 'failed'; b.errors = { object: 'list', data: [{ code: 'invalid_request', message: problem, line: null, param: null }] }; b.timestamps.failed_at = now(); }
    batches.set(b.id, b);
    void Promise.resolve(opts.afterCreate?.(b.id)).then(() => json(res, 200, batchObject(b)));
  }

  function validate(f: StoredFile, b: BatchState): string | undefined {
    const text = f.bytes.toString('utf8');
    const seen = new Set<string>();
    let model: string | undefined;
    for (const [i, raw] of text.split('\n').entries()) {
      if (!raw.trim()) continue;
      let line: Line;
      try { line = JSON.parse(raw); } catch { return `line ${i + 1}: not valid JSON`; }
      if (typeof line.custom_id !== 'string' || seen.has(line.custom_id)) return `line ${i + 1}: custom_id missing or duplicated`;
      if (line.method !== 'POST' || line.url !== '/v1/chat/completions') return `line ${i + 1}: method/url must be POST /v1/chat/completions`;
      if (model !== undefined && line.body?.model !== model) return `line ${i + 1}: every request in a batch must use the same model`;
      model = line.body?.model;
      seen.add(line.custom_id);
      b.lines.push(line);
    }
    if (b.lines.length === 0) return 'the input file has no requests';
    if (b.lines.length > maxRequests) return `the input file has ${b.lines.length} requests; the limit is ${maxRequests}`;
    return undefined;
  }

  function step(b: BatchState): void {
    switch (b.status) {
      case 'validating': b.status = 'in_progress'; b.timestamps.in_progress_at = now(); return;
      case 'in_progress': {
        const end = Math.min(b.lines.length, b.next + (opts.perStep ?? b.lines.length));
        for (; b.next < end; b.next++) {
          if (opts.expireAfter !== undefined && b.next >= opts.expireAfter) break;
          processLine(b, b.lines[b.next]!);
        }
        if (b.next < b.lines.length && opts.expireAfter !== undefined && b.next >= opts.expireAfter) return expire(b);
        if (b.next >= b.lines.length) { b.status = 'finalizing'; b.timestamps.finalizing_at = now(); }
        return;
      }
      case 'finalizing': finish(b, 'completed'); return;
      case 'cancelling': finish(b, 'cancelled'); return;
    }
  }

  function processLine(b: BatchState, line: Line): void {
    const { model, messages } = line.body;
    const key = contentKey(model, messages);
    stats.processedByKey[key] = (stats.processedByKey[key] ?? 0) + 1;
    stats.processed++;
    const last = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const reqId = id('req');
    if (opts.failContent && last.includes(opts.failContent)) {
      b.failed++;
      b.err.push(JSON.stringify({ id: id('batch_req'), custom_id: line.custom_id, response: { status_code: 400, request_id: reqId, body: { error: { message: 'the request was rejected', type: 'invalid_request_error', code: null, param: null } } }, error: null }));
      return;
    }
    b.completed++;
    const text = `answer:${model}:${last}`;
    const inputTokens = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
    const outputTokens = Math.ceil(text.length / 4);
    b.out.push(JSON.stringify({
      id: id('batch_req'), custom_id: line.custom_id, error: null,
      response: { status_code: 200, request_id: reqId, body: {
        id: `chatcmpl-${reqId}`, object: 'chat.completion', created: now(), model,
        choices: [{ index: 0, message: { role: 'assistant', content: opts.nullContent && last.includes(opts.nullContent) ? null : text }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
      } },
    }));
  }

  /** A live call, answered and counted like a batch request (so "paid twice" counts across both). */
  function live(res: http.ServerResponse, body: Line['body']): void {
    const b = { out: [] as string[], err: [] as string[], failed: 0, completed: 0 } as unknown as BatchState;
    processLine(b, { custom_id: 'live', method: 'POST', url: '/v1/chat/completions', body });
    stats.live++;
    const row = JSON.parse((b.out[0] ?? b.err[0])!);
    json(res, row.response.status_code, row.response.body);
  }

  function expire(b: BatchState): void {
    for (; b.next < b.lines.length; b.next++) {
      b.failed++;
      b.err.push(JSON.stringify({ id: id('batch_req'), custom_id: b.lines[b.next]!.custom_id, response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } }));
    }
    finish(b, 'expired');
  }

  function finish(b: BatchState, status: string): void {
    if (status === 'cancelled') for (; b.next < b.lines.length; b.next++) b.failed++;
    const put = (lines: string[], name: string): string | null => {
      if (!lines.length) return null;
      const f: StoredFile = { id: id('file'), bytes: Buffer.from(lines.join('\n') + '\n'), filename: name, purpose: 'batch_output', created_at: now() };
      files.set(f.id, f);
      return f.id;
    };
    b.output_file_id = put(b.out, `${b.id}_output.jsonl`);
    b.error_file_id = put(b.err, `${b.id}_error.jsonl`);
    b.status = status;
    b.timestamps[`${status}_at`] = now();
  }

  const fileObject = (f: StoredFile) => ({ id: f.id, object: 'file', bytes: f.bytes.length, created_at: f.created_at, filename: f.filename, purpose: f.purpose, status: 'processed', status_details: null });
  const batchObject = (b: BatchState) => ({
    id: b.id, object: 'batch', endpoint: b.endpoint, errors: b.errors, input_file_id: b.input_file_id, completion_window: b.completion_window,
    status: b.status, output_file_id: b.output_file_id, error_file_id: b.error_file_id, created_at: b.created_at,
    expires_at: b.created_at + 86_400, in_progress_at: null, finalizing_at: null, completed_at: null, failed_at: null, expired_at: null,
    cancelling_at: null, cancelled_at: null, ...b.timestamps,
    request_counts: { total: b.lines.length, completed: b.completed, failed: b.failed }, metadata: b.metadata,
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    stats,
    advance: () => { for (const b of batches.values()) step(b); },
    batch: (bid) => batches.get(bid),
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

interface Part { name: string; filename?: string; data: Buffer }

/** Just enough multipart/form-data for the SDK's uploads. */
function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delim = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delim);
  while (pos >= 0) {
    const start = pos + delim.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delim, start);
    if (next < 0) break;
    const chunk = body.subarray(start + 2, next - 2); // skip CRLF after the delimiter and before the next one
    const headerEnd = chunk.indexOf('\r\n\r\n');
    const head = chunk.subarray(0, headerEnd).toString();
    const name = /name="([^"]*)"/.exec(head)?.[1] ?? '';
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    parts.push({ name, filename, data: chunk.subarray(headerEnd + 4) });
    pos = next;
  }
  return parts;
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': `req_${Date.now()}` });
  res.end(text);
}

function fail(res: http.ServerResponse, status: number, message: string): void {
  json(res, status, { error: { message, type: 'invalid_request_error', param: null, code: null } });
}
