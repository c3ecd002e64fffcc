// A loopback S3 + Bedrock batch-inference server for the real AWS SDKs (dummy SigV4 credentials accepted):
//   S3 (path-style): PUT/GET/DELETE /{bucket}/{key}, GET /{bucket}?list-type=2&prefix=…
//   Bedrock: POST /model-invocation-job, GET /model-invocation-job/{arn}, POST /model-invocation-job/{arn}/stop,
//            GET /model-invocation-jobs (ListModelInvocationJobs: nameContains, statusEquals, sortOrder, maxResults, nextToken)
// Jobs move Submitted → Validating → Scheduled → InProgress → Completed | PartiallyCompleted | Expired |
// Stopping → Stopped, one step per `advance()` or per GetModelInvocationJob. Outputs are written like Bedrock's:
// `<output prefix>/<job id>/<input file>.out` with {recordId, modelInput, modelOutput | error}, plus manifest.json.out.
// Records are answered in the model family's own response format; every processed record is counted by content.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BedrockBatchServerOptions {
  advanceOnPoll?: boolean;
  /** Records processed per InProgress step (default all). */
  perStep?: number;
  /** Expire jobs after this many processed records in total. */
  expireAfter?: number;
  /** Records whose text contains this fail with a 400 error object in the output. */
  failContent?: string;
  /** Records whose input holds this text get a model output without any text (an empty content list), with usage. */
  emptyContent?: string;
  minRecords?: number;
  /**
   * Test hooks run after an object is stored, or a job is created, and before the client hears of it: a test kills
   * the client there to leave exactly what a crash at that point leaves.
   */
  afterPut?(key: string): Promise<void> | void;
  afterCreateJob?(jobArn: string): Promise<void> | void;
}

export interface BedrockBatchStats {
  puts: number; gets: number; lists: number; deletes: number; jobsCreated: number; stops: number;
  /** ListModelInvocationJobs pages served. */
  jobLists: number;
  processed: number; processedByKey: Record<string, number>;
  /** Authorization headers that were not SigV4. */
  unsigned: number;
  /** Live Converse calls (the runtime API, for records sent live). */
  live: number;
  /** Requests paid, batch and live together, by model and last user message: a value above 1 is one paid twice. */
  paidByText: Record<string, number>;
}

interface Job { arn: string; name: string; token: string; modelId: string; roleArn: string; inputUri: string; outputUri: string; status: string; message?: string; submitTime: string; records: { file: string; line: string }[]; next: number; out: Map<string, string[]>; errors: number }

export interface BedrockBatchServer { readonly url: string; readonly stats: BedrockBatchStats; advance(): void; objects: Map<string, Buffer>; close(): Promise<void> }

export async function startBedrockBatchServer(opts: BedrockBatchServerOptions = {}): Promise<BedrockBatchServer> {
  const objects = new Map<string, Buffer>(); // "bucket/key" -> bytes
  const jobs = new Map<string, Job>();
  const stats: BedrockBatchStats = { puts: 0, gets: 0, lists: 0, deletes: 0, jobsCreated: 0, stops: 0, jobLists: 0, processed: 0, processedByKey: {}, unsigned: 0, live: 0, paidByText: {} };
  const paid = (model: string, text: string) => { const k = `${model}\0${text}`; stats.paidByText[k] = (stats.paidByText[k] ?? 0) + 1; };
  let seq = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!/^AWS4-HMAC-SHA256 Credential=/.test(req.headers.authorization ?? '')) stats.unsigned++;
      try { route(req, res, decodeBody(req, Buffer.concat(chunks))); } catch (e) { send(res, 500, { message: String(e) }); }
    });
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });

  function route(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && path === '/model-invocation-job') return createJob(res, JSON.parse(body.toString()));
    if (req.method === 'GET' && path === '/model-invocation-jobs') return listJobs(res, url.searchParams);
    if (req.method === 'POST' && (m = /^\/model\/([^/]+)\/converse$/.exec(path))) return converse(res, m[1]!, JSON.parse(body.toString()));
    if ((m = /^\/model-invocation-job\/(.+?)(\/stop)?$/.exec(path))) {
      const job = jobs.get(m[1]!) ?? [...jobs.values()].find((j) => j.name === m![1]);
      if (!job) return send(res, 404, { message: `Could not find job ${m[1]}` }, 'ResourceNotFoundException');
      if (m[2] && req.method === 'POST') {
        stats.stops++;
        if (['Completed', 'PartiallyCompleted', 'Failed', 'Expired', 'Stopped'].includes(job.status)) return send(res, 400, { message: `Job is ${job.status}` }, 'ValidationException');
        job.status = 'Stopping';
        return send(res, 200, {});
      }
      if (opts.advanceOnPoll !== false) step(job);
      return send(res, 200, jobView(job));
    }
    const [, bucket, ...rest] = path.split('/');
    const key = rest.join('/');
    if (req.method === 'PUT' && bucket && key) {
      stats.puts++;
      objects.set(`${bucket}/${key}`, body);
      return void Promise.resolve(opts.afterPut?.(key)).then(() => { res.writeHead(200, { etag: `"${md5(body)}"` }); res.end(); });
    }
    if (req.method === 'DELETE' && bucket && key) { stats.deletes++; objects.delete(`${bucket}/${key}`); res.writeHead(204); return void res.end(); }
    if (req.method === 'GET' && bucket && !key && url.searchParams.get('list-type') === '2') return list(res, bucket, url.searchParams.get('prefix') ?? '');
    if (req.method === 'GET' && bucket && key) {
      const obj = objects.get(`${bucket}/${key}`);
      stats.gets++;
      if (!obj) return xml(res, 404, `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${key}</Key></Error>`);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': obj.length, etag: `"${md5(obj)}"`, 'last-modified': new Date().toUTCString() });
      return void res.end(obj);
    }
    send(res, 404, { message: `no route ${req.method} ${path}` }, 'UnknownOperationException');
  }

  function createJob(res: http.ServerResponse, b: Record<string, any>): void {
    const existing = [...jobs.values()].find((j) => j.token === b.clientRequestToken && b.clientRequestToken);
    if (existing) return send(res, 200, { jobArn: existing.arn }); // idempotent, as the real API
    if (!b.roleArn || !b.modelId || !b.jobName) return send(res, 400, { message: 'jobName, roleArn and modelId are required' }, 'ValidationException');
    const arn = `arn:aws:bedrock:us-east-1:111122223333:model-invocation-job/${(++seq).toString(36).padStart(12, 'x')}`;
    const job: Job = {
      arn, name: b.jobName, token: b.clientRequestToken ?? '', modelId: b.modelId, roleArn: b.roleArn, status: 'Submitted',
      inputUri: b.inputDataConfig?.s3InputDataConfig?.s3Uri, outputUri: b.outputDataConfig?.s3OutputDataConfig?.s3Uri,
      submitTime: new Date().toISOString(), records: [], next: 0, out: new Map(), errors: 0,
    };
    jobs.set(arn, job);
    stats.jobsCreated++;
    void Promise.resolve(opts.afterCreateJob?.(arn)).then(() => send(res, 200, { jobArn: arn }));
  }

  /** ListModelInvocationJobs: filtered, sorted by creation time, paged by an opaque token. */
  function listJobs(res: http.ServerResponse, q: URLSearchParams): void {
    stats.jobLists++;
    const name = q.get('nameContains');
    const status = q.get('statusEquals');
    const max = Number(q.get('maxResults') ?? 1000);
    if (!(max >= 1 && max <= 1000)) return send(res, 400, { message: 'maxResults must be between 1 and 1000' }, 'ValidationException');
    let list = [...jobs.values()].filter((j) => (!name || j.name.includes(name)) && (!status || j.status === status));
    if (q.get('sortOrder') !== 'Ascending') list = list.reverse();
    const start = q.get('nextToken') ? Number(Buffer.from(q.get('nextToken')!, 'base64').toString()) : 0;
    const pageJobs = list.slice(start, start + max);
    const nextToken = start + max < list.length ? Buffer.from(String(start + max)).toString('base64') : undefined;
    send(res, 200, { invocationJobSummaries: pageJobs.map(jobView), ...(nextToken ? { nextToken } : {}) });
  }

  function step(job: Job): void {
    switch (job.status) {
      case 'Submitted': job.status = 'Validating'; return;
      case 'Validating': return validate(job);
      case 'Scheduled': job.status = 'InProgress'; return;
      case 'InProgress': return progress(job);
      case 'Stopping': finish(job, 'Stopped'); return;
    }
  }

  function validate(job: Job): void {
    const src = job.inputUri.replace(/^s3:\/\//, '');
    const keys = [...objects.keys()].filter((k) => k === src || (src.endsWith('/') && k.startsWith(src) && k.endsWith('.jsonl')));
    for (const k of keys) for (const line of objects.get(k)!.toString().split('\n')) if (line.trim()) job.records.push({ file: k.split('/').pop()!, line });
    const min = opts.minRecords ?? 100;
    if (job.records.length < min) { job.status = 'Failed'; job.message = `The job has ${job.records.length} records; at least ${min} are required.`; return; }
    job.status = 'Scheduled';
  }

  function progress(job: Job): void {
    const end = Math.min(job.records.length, job.next + (opts.perStep ?? job.records.length));
    for (; job.next < end; job.next++) {
      if (opts.expireAfter !== undefined && stats.processed >= opts.expireAfter) return finish(job, 'Expired');
      processRecord(job, job.records[job.next]!);
    }
    if (job.next >= job.records.length) finish(job, job.errors ? 'PartiallyCompleted' : 'Completed');
  }

  function processRecord(job: Job, rec: { file: string; line: string }): void {
    const r = JSON.parse(rec.line) as { recordId: string; modelInput: Record<string, any> };
    const text = inputText(r.modelInput);
    const key = createHash('sha256').update(job.modelId).update(JSON.stringify(r.modelInput)).digest('hex').slice(0, 24);
    stats.processedByKey[key] = (stats.processedByKey[key] ?? 0) + 1;
    stats.processed++;
    paid(job.modelId, lastUser(r.modelInput));
    const lines = job.out.get(rec.file) ?? [];
    job.out.set(rec.file, lines);
    if (opts.failContent && text.includes(opts.failContent)) {
      job.errors++;
      lines.push(JSON.stringify({ recordId: r.recordId, modelInput: r.modelInput, error: { errorCode: 400, errorMessage: 'Malformed input request, please reformat your input and try again.' } }));
      return;
    }
    const output = answerFor(job.modelId, `answer:${job.modelId}:${lastUser(r.modelInput)}`, Math.ceil(text.length / 4));
    if (opts.emptyContent && text.includes(opts.emptyContent)) withoutText(output);
    lines.push(JSON.stringify({ recordId: r.recordId, modelInput: r.modelInput, modelOutput: output }));
  }

  /** The runtime's Converse call, answered like a batch record (and like the live mock server). */
  function converse(res: http.ServerResponse, modelId: string, body: Record<string, any>): void {
    stats.live++;
    const last = lastUser(body);
    paid(modelId, last);
    const inputTokens = Math.ceil(JSON.stringify(body.messages ?? []).length / 4);
    send(res, 200, { ...answerFor(modelId, `answer:${modelId}:${last}`, inputTokens), metrics: { latencyMs: 1 } });
  }

  function finish(job: Job, status: string): void {
    job.status = status;
    const dir = `${job.outputUri.replace(/^s3:\/\//, '').replace(/\/?$/, '/')}${job.arn.split('/').pop()}/`;
    for (const [file, lines] of job.out) objects.set(`${dir}${file}.out`, Buffer.from(lines.join('\n') + '\n'));
    const ok = [...job.out.values()].reduce((n, l) => n + l.length, 0) - job.errors;
    objects.set(`${dir}manifest.json.out`, Buffer.from(JSON.stringify({ totalRecordCount: job.records.length, processedRecordCount: job.next, successRecordCount: ok, errorRecordCount: job.errors })));
  }

  function list(res: http.ServerResponse, bucket: string, prefix: string): void {
    stats.lists++;
    const keys = [...objects.keys()].filter((k) => k.startsWith(`${bucket}/${prefix}`)).map((k) => k.slice(bucket.length + 1)).sort();
    const contents = keys.map((k) => `<Contents><Key>${esc(k)}</Key><Size>${objects.get(`${bucket}/${k}`)!.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`).join('');
    xml(res, 200, `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${esc(bucket)}</Name><Prefix>${esc(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`);
  }

  const jobView = (j: Job) => ({
    jobArn: j.arn, jobName: j.name, modelId: j.modelId, clientRequestToken: j.token, roleArn: j.roleArn, status: j.status, message: j.message,
    submitTime: j.submitTime, lastModifiedTime: new Date().toISOString(),
    inputDataConfig: { s3InputDataConfig: { s3Uri: j.inputUri, s3InputFormat: 'JSONL' } }, outputDataConfig: { s3OutputDataConfig: { s3Uri: j.outputUri } },
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`, stats, objects,
    advance: () => { for (const j of jobs.values()) step(j); },
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

/** The whole text of a model input in any family's format (for fault matching). */
function inputText(input: Record<string, any>): string { return JSON.stringify(input); }

function lastUser(input: Record<string, any>): string {
  if (typeof input.prompt === 'string') return /user<\|end_header_id\|>\n\n([\s\S]*?)<\|eot_id\|>(?![\s\S]*user<\|end_header_id\|>)/.exec(input.prompt)?.[1] ?? input.prompt;
  const msgs = (input.messages ?? []) as { role: string; content: { text?: string }[] }[];
  const last = [...msgs].reverse().find((m) => m.role === 'user');
  return (last?.content ?? []).map((c) => c.text ?? '').join('');
}

function answerFor(modelId: string, text: string, inputTokens: number): Record<string, unknown> {
  const outputTokens = Math.ceil(text.length / 4);
  if (/anthropic\./.test(modelId)) return { id: 'msg_x', type: 'message', role: 'assistant', content: [{ type: 'text', text }], stop_reason: 'end_turn', usage: { input_tokens: inputTokens, output_tokens: outputTokens } };
  if (/meta\.llama/.test(modelId)) return { generation: text, prompt_token_count: inputTokens, generation_token_count: outputTokens, stop_reason: 'stop' };
  if (/mistral\./.test(modelId)) return { outputs: [{ text, stop_reason: 'stop' }] };
  return { output: { message: { role: 'assistant', content: [{ text }] } }, stopReason: 'end_turn', usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens } };
}

/** Empties the content list of an Anthropic or Nova model output (its usage stays: the tokens were billed). */
function withoutText(o: Record<string, any>): void {
  if (Array.isArray(o.content)) o.content = [];
  if (o.output?.message) o.output.message.content = [];
}

/** Undoes `aws-chunked` content encoding (streaming SigV4 / trailing checksums) when the SDK uses it. */
function decodeBody(req: http.IncomingMessage, body: Buffer): Buffer {
  if (!/aws-chunked/.test(String(req.headers['content-encoding'] ?? ''))) return body;
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < body.length) {
    const eol = body.indexOf('\r\n', pos);
    const size = parseInt(body.subarray(pos, eol).toString().split(';')[0]!, 16);
    if (!size) break;
    out.push(body.subarray(eol + 2, eol + 2 + size));
    pos = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function send(res: http.ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': `rid-${Date.now()}`, ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
  res.end(text);
}

function xml(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), 'x-amz-request-id': `rid-${Date.now()}` });
  res.end(body);
}
