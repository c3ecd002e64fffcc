// A SIMULATED model server for the bundled example: speaks OpenAI Chat Completions on 127.0.0.1, but every
// reply comes from scripts/demo/simulation.ts, not from a language model. Answering models (sim-baseline,
// sim-fast, …) find the example in the rendered prompt and answer it as designed; the judge model
// (sim-judge) grades answers against the example's known truth at designed error rates.
//
//   node --import tsx scripts/demo/simulatedModelServer.ts [--port N] [--latency-scale X]
// prints the base URL and serves until interrupted. `npm run demo` starts it in-process instead.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { ExampleIndex, JUDGES, MODELS, answerTruth, judgeVerdict, latencyMs, modelReply, promptCues, promptMode, xmlShape } from './simulation';
import { REWRITERS, rewriterReply } from './simulatedRewriter';

interface Msg { role: string; content: string }

/** A running simulated server. */
export interface SimulatedServer {
  /** `http://127.0.0.1:PORT/v1`, the base URL of an OpenAI-compatible endpoint. */
  readonly url: string;
  readonly port: number;
  /** Completions served, by model name. */
  readonly served: Record<string, number>;
  /** Every request the simulated rewriter received, in order (the demo checks no sealed question is in one). */
  readonly rewriterRequests: { model: string; messages: Msg[] }[];
  /** Completed replies per distinct request (model and messages): a request paid for twice shows as 2. */
  readonly servedRequests: Map<string, number>;
  close(): Promise<void>;
}

export interface SimulatedServerOptions {
  port?: number;
  /** Multiplies every simulated latency (tests use a small value). Default 1. */
  latencyScale?: number;
  /** Where to say what happens (default: nowhere). */
  log?: (line: string) => void;
}

const TAG = '[simulated model server]';

/** Text between `<tag>` and `</tag>` (first occurrence), trimmed. */
function between(text: string, tag: string): string | undefined {
  const open = text.indexOf(`<${tag}>`);
  if (open === -1) return undefined;
  const close = text.indexOf(`</${tag}>`, open);
  return close === -1 ? undefined : text.slice(open + tag.length + 2, close).trim();
}

/** Starts the simulated server on 127.0.0.1. */
export async function startSimulatedServer(opts: SimulatedServerOptions = {}): Promise<SimulatedServer> {
  const index = new ExampleIndex();
  const scale = opts.latencyScale ?? 1;
  const served: Record<string, number> = {};
  const rewriterRequests: { model: string; messages: Msg[] }[] = [];
  const servedRequests = new Map<string, number>();
  const warned = new Set<string>();
  const warn = (key: string, line: string): void => { if (!warned.has(key)) { warned.add(key); opts.log?.(`${TAG} ${line}`); } };
  const sockets = new Set<Socket>();
  let seq = 0;

  /** The reply of an answering model, or undefined when the prompt is about no example of the test set. */
  function answer(model: string, messages: Msg[]): string {
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
    const user = messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
    const ex = index.find(user);
    const shape = xmlShape(system);
    if (!ex) {
      warn(`unknown:${model}`, `${model}: a prompt about no example of the bundled test set; replying "cannot answer"`);
      return `<${shape.root}><${shape.idk}/></${shape.root}>`;
    }
    return modelReply(model, ex, promptMode(system), shape, promptCues(system));
  }

  /** The reply of the simulated judge, in the format our judge prompts ask for. */
  function judge(model: string, messages: Msg[]): string {
    const system = messages.find((m) => m.role === 'system')?.content ?? '';
    const user = messages.find((m) => m.role === 'user')?.content ?? '';
    const rubric = system.includes('<contradicted>') ? 'contradiction' : 'context';
    const ex = index.exact(between(user, 'question') ?? '');
    const graded = between(user, rubric === 'context' ? 'answer_to_grade' : 'answer') ?? '';
    if (!ex) warn(`judge-unknown`, `${model}: a judge request about no example of the bundled test set; grading it incorrect`);
    const truth = ex ? answerTruth(graded, ex) : 0;
    const verdict = ex ? judgeVerdict(model, rubric, ex, truth) : 0;
    if (rubric === 'context') {
      const why = verdict
        ? 'The answer agrees with the context and gives the customer what they asked for.'
        : 'The answer says something the context does not support, or leaves out what the customer needs.';
      return `(Simulated judge.) ${why}\n<verdict>${verdict ? 'correct' : 'incorrect'}</verdict>`;
    }
    const why = verdict ? 'Nothing in the answer conflicts with the statements.' : 'The answer and statement 1 cannot both be true.';
    return `(Simulated judge.) ${why}\n<contradicted>${verdict ? '' : '1'}</contradicted>`;
  }

  function reply(res: http.ServerResponse, model: string, messages: Msg[]): void {
    const isJudge = model in JUDGES;
    const isRewriter = model in REWRITERS;
    if (isRewriter) rewriterRequests.push({ model, messages });
    const text = isRewriter ? rewriterReply(model, messages) : isJudge ? judge(model, messages) : answer(model, messages);
    const key = messages.map((m) => m.content).join('\u0000');
    const delay = isRewriter ? latencyMs(REWRITERS[model]!.latencyMs, 0.3, model, key) : isJudge ? latencyMs(JUDGES[model]!.latencyMs, 0.3, model, key)
      : latencyMs(MODELS[model]!.latencyMs, MODELS[model]!.latencySpread, model, key);
    setTimeout(() => {
      if (res.destroyed) return;
      served[model] = (served[model] ?? 0) + 1;
      servedRequests.set(`${model}\u0000${key}`, (servedRequests.get(`${model}\u0000${key}`) ?? 0) + 1);
      const promptTokens = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
      const completionTokens = Math.ceil(text.length / 4);
      json(res, 200, {
        id: `chatcmpl-sim-${++seq}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      }, { 'x-request-id': `sim-${seq}` });
    }, Math.round(delay * scale));
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = (req.url ?? '/').split('?')[0]!;
      if (req.method === 'GET' && url.endsWith('/models')) {
        return json(res, 200, { object: 'list', data: [...Object.keys(MODELS), ...Object.keys(JUDGES), ...Object.keys(REWRITERS)].map((id) => ({ id, object: 'model', owned_by: 'simulation' })) });
      }
      if (req.method !== 'POST' || !url.endsWith('/chat/completions')) return error(res, 404, `no route ${req.method} ${url}`, 'not_found');
      let body: { model?: unknown; messages?: unknown };
      try { body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'); } catch { return error(res, 400, 'the body is not JSON', 'invalid_request_error'); }
      const model = typeof body.model === 'string' ? body.model : '';
      if (!(model in MODELS) && !(model in JUDGES) && !(model in REWRITERS)) {
        return error(res, 404, `The model '${model}' does not exist on the simulated server (it has ${[...Object.keys(MODELS), ...Object.keys(JUDGES), ...Object.keys(REWRITERS)].join(', ')}).`, 'model_not_found');
      }
      const messages = (Array.isArray(body.messages) ? body.messages : []).map((m: { role?: unknown; content?: unknown }) => ({
        role: String(m.role ?? ''),
        content: typeof m.content === 'string' ? m.content
          : Array.isArray(m.content) ? m.content.map((p: { text?: unknown }) => (typeof p.text === 'string' ? p.text : '')).join('') : '',
      }));
      reply(res, model, messages);
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(opts.port ?? 0, '127.0.0.1', resolve); });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/v1`;
  opts.log?.(`${TAG} listening on ${url}; simulated models: ${Object.keys(MODELS).join(', ')}; simulated judge: ${Object.keys(JUDGES).join(', ')}`);
  return {
    url, port, served, rewriterRequests, servedRequests,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function error(res: http.ServerResponse, status: number, message: string, code: string): void {
  json(res, status, { error: { message, type: code, code, param: null } });
}

// Standalone: serve until interrupted.
async function serve(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, 'latency-scale': { type: 'string' } } });
  const server = await startSimulatedServer({ port: values.port ? Number(values.port) : 0,
    latencyScale: values['latency-scale'] ? Number(values['latency-scale']) : 1, log: (l) => console.log(l) });
  console.log(`${TAG} point an endpoint at it: {"demo": {"kind": "openai", "baseURL": "${server.url}"}}; Ctrl+C stops it`);
  process.once('SIGINT', () => { void server.close().then(() => process.exit(0)); });
}
if (process.argv[1] && /simulatedModelServer\.[cm]?[jt]s$/u.test(process.argv[1])) void serve();
