// `prompt-adapt run`: runs a prompt on candidates over a test set, into the store under `.prompt-adapt/`.
//   project form: --project prompt-adapt.yml --prompt FILE --test-set ID [--candidates a,b]
//   ad-hoc form:  --prompt FILE --models m1,m2 --base-url URL --dataset FILE.jsonl --out results.jsonl
// Re-running the same command resumes: stored responses and cached requests are never asked for again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../../core/errors';
import { formatProblem } from '../../core/problems';
import { countRows, loadProjectFile, readExamples, type Example, type TestSetSource } from '../../core/project';
import { parsePromptText, type PromptFile } from '../../core/prompt';
import { builtInEndpoints, originOf, timeoutProblem, type EndpointsConfig, type SecretSource } from '../../core/providers/endpoints';
import { endpointsUsage, parseEndpoints } from '../../core/providers/registry';
import { planItems, planKey, type PlanCandidate, type RunPlan } from '../../core/runner/plan';
import { RunRefused } from '../../core/runner/preflight';
import { buildProjectPlan, exampleRenderer, resolveSelection } from '../../core/runner/projectPlan';
import { RunSession } from '../../core/run/runSession';
import type { RunProgress, RunResult } from '../../core/runner/runner';
import { costTotalText } from '../../core/runner/recorder';
import { formatStoreProblem } from '../../core/store/problems';
import { Store } from '../../core/store/store';
import { decodeWorkspaceText, readWorkspaceBytes } from '../../core/workspaceFiles';
import { writeControl } from '../output';
import { formatDuration, progressLines } from '../progress';
import { describeBatchEvent } from '../../core/batch/describe';
import type { RunMode } from '../../core/project/types';

const USAGE = `usage:
  prompt-adapt run --project prompt-adapt.yml --prompt FILE --test-set ID [--candidates a,b] [options]
  prompt-adapt run --prompt FILE --models m1,m2 --base-url URL --dataset FILE.jsonl --out results.jsonl [options]

  --prompt        a .prompt.yml (or .prompty, Dotprompt, or a plain template with {{vars}})
  --project       the project file; candidates, test sets and prices come from it
  --test-set      id of a test set in the project file
  --candidates    candidate ids to run (default: all)
  --models        ad-hoc: model names on the OpenAI-compatible server at --base-url (key: OPENAI_API_KEY)
  --dataset       ad-hoc: JSONL, one example per line; fields fill {{vars}}; 'id' names the example
  --out           write one JSON line per (example, model): {"id","model","output",…} or {"id","model","error"}
  --concurrency   requests in flight per endpoint (default: the endpoint's maxConcurrency, else 16)
  --timeout-ms MS how long one request may take before it is abandoned and retried, for every endpoint
                  (default: the endpoint's timeoutMs, else 120000; 1000 to 3600000)
  --rate-limit-wait MINUTES
                  how long a rate-limited request keeps waiting and retrying before it is recorded as failed (default 30)
  --no-cache      do not use the shared response cache (re-running then asks again)
  --new-run       do not resume the last unfinished run of the same plan
  --run-id ID     resume (or name) this run
  --mode M        live | batch | auto: override every candidate's mode. batch sends the requests through the
                  provider's batch service (half price, results within 24 h; the endpoint needs "batch" in its
                  settings); auto does so for endpoints with more than --batch-threshold requests (default 1000).
                  Interrupting (Ctrl-C) only stops waiting: submitted batches keep running at the provider and
                  the same command picks them up (no request is paid twice).
  --cancel        cancel this run's submitted batch jobs at the provider (the run the same command would resume,
                  or --run-id): results the jobs finished are stored, the rest stays missing; running the command
                  again without --cancel sends only what the jobs never ran.

  Endpoints (project form): $PROMPT_ADAPT_CONFIG, $PROMPT_ADAPT_ENDPOINTS or ~/.config/prompt-adapt/endpoints.json,
${endpointsUsage('  ')}
  Exit code 1 when any example still has no response.`;

const OPTIONS = {
  project: { type: 'string' }, prompt: { type: 'string' }, 'test-set': { type: 'string' }, candidates: { type: 'string' },
  models: { type: 'string' }, 'base-url': { type: 'string' }, dataset: { type: 'string' }, out: { type: 'string' },
  concurrency: { type: 'string' }, 'timeout-ms': { type: 'string' }, mode: { type: 'string' }, 'batch-threshold': { type: 'string' }, 'rate-limit-wait': { type: 'string' }, 'no-cache': { type: 'boolean' }, 'new-run': { type: 'boolean' }, 'run-id': { type: 'string' }, cancel: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The CLI's user-level endpoints: built-ins plus the endpoints file ($PROMPT_ADAPT_CONFIG, $PROMPT_ADAPT_ENDPOINTS, ~/.config/prompt-adapt/endpoints.json). */
export function loadCliEndpoints(env: NodeJS.ProcessEnv = process.env): EndpointsConfig {
  const explicit = env.PROMPT_ADAPT_CONFIG ?? env.PROMPT_ADAPT_ENDPOINTS;
  const file = explicit ?? path.join(os.homedir(), '.config', 'prompt-adapt', 'endpoints.json');
  let raw: unknown;
  try { raw = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (err) {
    if (explicit || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UserError(`cannot read endpoints file ${file}: ${(err as Error).message}`);
  }
  const { endpoints, problems } = parseEndpoints((raw as { endpoints?: unknown } | undefined)?.endpoints ?? raw);
  for (const p of problems) console.error(`${file}: ${p}`);
  return { ...builtInEndpoints, ...endpoints };
}

/** Keys from the environment: PROMPT_ADAPT_KEY_<ID>, or OPENAI_API_KEY for the built-in `openai` endpoint and the ad-hoc form. */
export function envSecretSource(env: NodeJS.ProcessEnv = process.env, fallbackOpenAI = false): SecretSource {
  return {
    getKey: async (endpointId) => env[`PROMPT_ADAPT_KEY_${endpointId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`]
      ?? (endpointId === 'openai' || fallbackOpenAI ? env.OPENAI_API_KEY : undefined),
  };
}

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** Entry point of `prompt-adapt run`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let v: Values;
  try { ({ values: v } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowNegative: false })); }
  catch (err) { throw new UserError(`${(err as Error).message}\n\n${USAGE}`); }
  if (v.help) { console.log(USAGE); return 0; }
  if (!v.prompt) { console.error(USAGE); return 1; }
  const concurrency = v.concurrency === undefined ? undefined : Number(v.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) throw new UserError('--concurrency must be a positive integer');
  const waitMinutes = v['rate-limit-wait'] === undefined ? undefined : Number(v['rate-limit-wait']);
  if (waitMinutes !== undefined && !(Number.isFinite(waitMinutes) && waitMinutes > 0)) throw new UserError('--rate-limit-wait must be a positive number of minutes');

  const { mode, batchThreshold } = batchFlags(v);
  const { prompt, text: promptText } = await readPrompt(v.prompt);
  const setup = v.project ? await projectForm(v, prompt, promptText) : await adHocForm(v, prompt);
  const { store, secrets } = setup;
  const endpoints = withTimeoutFlag(setup.endpoints, v['timeout-ms']);
  const plan = setup.plan;
  // An empty test set (no bytes, blank lines, a header only, `[]`) is a mistake, never a complete run.
  if (plan.total === 0) throw new UserError(`the test set ${plan.testSet?.path ?? ''} has no examples (it is empty, or has only a header); nothing was run.`);

  const runId = v['run-id'] ?? (v['new-run'] ? undefined : (await store.findResumableRun(plan.planKey))?.runId);
  if (v.cancel && !runId) throw new UserError('--cancel: this plan has no unfinished run to cancel (name one with --run-id).');
  if (runId && !v['run-id']) console.error(`${v.cancel ? 'cancelling the batch jobs of' : 'resuming'} run ${runId}`);

  const bar = process.stderr.isTTY ? progressBar() : undefined;
  // Not a terminal (a CI log, a redirected stderr): a plain line every few seconds instead of the bar.
  const lines = bar ? undefined : progressLines((line) => console.error(line));
  const session = new RunSession({
    endpoints, providerDeps: { secrets }, nodeHttp: true, concurrency, mode, batchThreshold, ...(waitMinutes ? { rateLimitWaitMs: waitMinutes * 60_000 } : {}),
    events: {
      runProgress: bar ?? ((p) => lines!(`run ${p.runId}`, p)), issue: (i) => { bar?.clear(); console.error(`${i.severity}: ${i.endpointId}${i.candidateId ? `/${i.candidateId}` : ''}: ${i.message}`); },
      batch: (e) => { bar?.clear(); console.error(describeBatchEvent(e)); },
      storeProblem: (p) => { bar?.clear(); console.error(`warning: ${formatStoreProblem(p, store.folder)}`); },
    },
  });
  const ac = new AbortController();
  const onSigint = () => { console.error('\ncancelling… (finished responses are kept; run the same command to resume)'); ac.abort(); };
  process.once('SIGINT', onSigint);
  let result: RunResult;
  try {
    if (v.cancel) {
      const cancelled = await session.cancelBatches({ store, runId: runId!, signal: ac.signal });
      if (!cancelled) throw new UserError(`run ${runId} has no batch jobs out; nothing to cancel.`);
      result = cancelled;
    } else result = await session.run(plan, { store, runId, cache: !v['no-cache'], signal: ac.signal });
  } finally {
    process.removeListener('SIGINT', onSigint);
    bar?.clear();
    session.close();
  }

  if (v.out) await writeOut(v.out, store, result.runId, plan, setup.exampleIds);
  const c = result.counts;
  const secs = (result.elapsedMs / 1000).toFixed(1);
  console.log(`run ${result.runId}: ${result.status}; ${c.requested} requested, ${c.cached} cached, ${c.resumed} resumed, ${c.errors} errors, ${c.skipped} skipped; `
    + `${result.inputTokens} in / ${result.outputTokens} out tokens, ${costTotalText(result.cost, result.costUnknown)}; ${secs}s; store ${path.relative(process.cwd(), result.dir) || '.'}`);
  for (const i of result.issues) if (i.count > 1 && i.severity !== 'info') console.error(`  ${i.severity}: ${i.endpointId}${i.candidateId ? `/${i.candidateId}` : ''}: ${i.message} (×${i.count})`);
  if (c.requested + c.cached + c.resumed + c.errors + c.skipped === 0 && result.status !== 'cancelled') {
    console.error('prompt-adapt run: no example of the test set could be read (see the problems above); nothing was run.');
    return 1;
  }
  if (v.cancel) {
    console.error(`batch jobs cancelled: ${c.requested} results they finished are stored; ${c.skipped} requests they never ran are left for the next run of this command.`);
    return 0;
  }
  return result.missing > 0 || result.status === 'cancelled' ? 1 : 0;
}

/** The endpoints with `--timeout-ms` (checked) as every endpoint's request time limit; unchanged without the flag. */
export function withTimeoutFlag(endpoints: EndpointsConfig, flag: string | undefined): EndpointsConfig {
  if (flag === undefined) return endpoints;
  const timeoutMs = Number(flag);
  const problem = timeoutProblem(/^\d+$/.test(flag) ? timeoutMs : flag);
  if (problem) throw new UserError(`--timeout-ms ${problem}`);
  return Object.fromEntries(Object.entries(endpoints).map(([id, cfg]) => [id, { ...cfg, timeoutMs }]));
}

/** `--mode` and `--batch-threshold`, checked. */
export function batchFlags(v: { mode?: string; 'batch-threshold'?: string }): { mode?: RunMode; batchThreshold?: number } {
  if (v.mode !== undefined && !['live', 'batch', 'auto'].includes(v.mode)) throw new UserError(`--mode must be live, batch or auto, not '${v.mode}'`);
  const batchThreshold = v['batch-threshold'] === undefined ? undefined : Number(v['batch-threshold']);
  if (batchThreshold !== undefined && !(Number.isInteger(batchThreshold) && batchThreshold >= 0)) throw new UserError('--batch-threshold must be a whole number');
  return { mode: v.mode as RunMode | undefined, batchThreshold };
}

/** The prompt and its text as read (the project plan key hashes the text, like the editor's). */
async function readPrompt(file: string): Promise<{ prompt: PromptFile; text: string }> {
  // Decoded as the editor shows it: UTF-8 without its BOM, lone CRs as line breaks.
  const decoded = decodeWorkspaceText(await readWorkspaceBytes(file).catch((e: Error) => { throw new UserError(`cannot read ${file}: ${e.message}`); }));
  if ('problem' in decoded) throw new UserError(`${file}:${decoded.problem.line}:${decoded.problem.column}: ${decoded.problem.message}`);
  const text = decoded.text;
  const { prompt, problems } = parsePromptText(text, path.resolve(file));
  const errors = problems.filter((p) => p.severity === 'error');
  for (const p of errors) console.error(formatProblem(p));
  if (errors.length) throw new UserError(`${file} has errors.`);
  if (prompt.messages.length === 0) throw new UserError(`${file} has no messages.`);
  return { prompt, text };
}

interface Setup { store: Store; endpoints: EndpointsConfig; secrets: SecretSource; plan: RunPlan; exampleIds?: () => AsyncIterable<string> }

function examplesOf(source: TestSetSource, quiet = false): AsyncIterable<Example> {
  let reported = 0;
  return readExamples(source, { onProblem: (p) => { if (!quiet && reported++ < 20) console.error(formatProblem(p)); } });
}

/** The project form: the same plan (key, rendering, parameters) as the editor's Run command, so both resume the same runs. */
async function projectForm(v: Values, prompt: PromptFile, promptText: string): Promise<Setup> {
  const { project, problems } = await loadProjectFile(v.project!).catch((e: Error) => { throw new UserError(`cannot read ${v.project}: ${e.message}`); });
  const errors = problems.filter((p) => p.severity === 'error');
  for (const p of errors) console.error(formatProblem(p));
  if (errors.length) throw new UserError(`${v.project} has errors.`);
  const wanted = v.candidates?.split(',').map((s) => s.trim()).filter(Boolean);
  const { candidates } = resolveSelection(project, v['test-set'], wanted, prompt.path);
  const own = wanted?.length ? [] : project.candidates.filter((c) => !candidates.includes(c));
  // Adopted candidates keep their own prompt: say why they are not in this run, and how to run them.
  for (const c of own) console.error(`${c.id} is paired with its own prompt ${c.prompt}: run that prompt for it (--prompt ${c.prompt} --candidates ${c.id}).`);
  const endpoints = loadCliEndpoints();
  for (const c of candidates) if (!endpoints[c.endpoint]) throw new UserError(`candidate '${c.id}' uses endpoint '${c.endpoint}', which is not defined in the endpoints file.`);
  let reported = 0;
  const built = await buildProjectPlan({
    project, prompt, promptText, testSetId: v['test-set'], candidateIds: wanted, endpoints,
    onProblem: (p) => { if (reported++ < 20) console.error(formatProblem(p)); },
  }).catch((err: unknown) => {
    // Every problem as `file:line:col: error: message`, as `prompt-adapt validate` prints them.
    if (err instanceof RunRefused) for (const p of err.problems) console.error(formatProblem(p));
    throw err;
  });
  return { store: built.store, endpoints, secrets: envSecretSource(), plan: built.plan };
}

async function adHocForm(v: Values, prompt: PromptFile): Promise<Setup> {
  const missing = (['models', 'base-url', 'dataset', 'out'] as const).filter((k) => !v[k]);
  if (missing.length) throw new UserError(`missing ${missing.map((k) => `--${k}`).join(', ')} (or use --project)\n\n${USAGE}`);
  originOf(v['base-url']!);
  const models = v.models!.split(',').map((s) => s.trim()).filter(Boolean);
  // Asking for batch or auto mode (or to cancel batch jobs) says the server at --base-url has the Files and Batches API.
  const endpoints: EndpointsConfig = { 'ad-hoc': { kind: 'openai', baseURL: v['base-url']!, ...((v.mode && v.mode !== 'live') || v.cancel ? { batch: true } : {}) } };
  const candidates: PlanCandidate[] = models.map((m) => ({ id: m, endpoint: 'ad-hoc', model: m }));
  const source: TestSetSource = { path: path.resolve(v.dataset!), format: 'jsonl', id: path.basename(v.dataset!), fields: { id: 'id' } };
  const rows = await countRows(source);
  const plan: RunPlan = {
    // The plan key ignores the base URL's key but not the URL: another server is another plan.
    planKey: planKey(['ad-hoc', path.resolve(prompt.path), fs.statSync(prompt.path).mtimeMs, source.path, v['base-url'], models]),
    candidates, total: rows * models.length, prompt: { path: prompt.path, name: prompt.name }, testSet: { id: source.id!, path: source.path },
    items: planItems(examplesOf(source), candidates, exampleRenderer(prompt, undefined), () => prompt.modelParameters),
  };
  return {
    store: Store.openInFolder(process.cwd()), endpoints, secrets: envSecretSource(process.env, true), plan,
    exampleIds: async function* () { for await (const e of examplesOf(source, true)) yield e.id; },
  };
}

/** Writes `--out` from the run's rows: one line per (example, model), written to a temp file and renamed. */
async function writeOut(out: string, store: Store, runId: string, plan: RunPlan, exampleIds?: () => AsyncIterable<string>): Promise<void> {
  const rows = new Map<string, string>();
  await store.forEachResponse(runId, (r) => {
    const line = r.error
      ? { id: r.exampleId, model: r.model, error: r.error.message, errorKind: r.error.kind }
      : { id: r.exampleId, model: r.model, output: r.output, finishReason: r.finishReason, inputTokens: r.inputTokens, outputTokens: r.outputTokens, latencyMs: r.latencyMs, cost: r.cost, cached: r.cached };
    rows.set(`${r.exampleId}\0${r.candidateId}`, JSON.stringify(line));
  });
  const tmp = `${out}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    const buf: string[] = [];
    const emit = (s: string) => { buf.push(s); if (buf.length >= 512) { fs.writeSync(fd, buf.join('\n') + '\n'); buf.length = 0; } };
    if (exampleIds) {
      for await (const id of exampleIds()) for (const c of plan.candidates) emit(rows.get(`${id}\0${c.id}`) ?? JSON.stringify({ id, model: c.model, error: 'no response (stopped or cancelled)' }));
    } else for (const line of rows.values()) emit(line);
    if (buf.length) fs.writeSync(fd, buf.join('\n') + '\n');
    fs.fsyncSync(fd);
  } finally { fs.closeSync(fd); }
  fs.renameSync(tmp, out);
}

/** A one-line progress bar on stderr, redrawn in place. */
function progressBar(): ((p: RunProgress) => void) & { clear(): void } {
  let shown = false;
  const draw = (p: RunProgress) => {
    const width = 28;
    const frac = p.total ? Math.min(1, p.done / p.total) : 0;
    const filled = Math.round(frac * width);
    const eta = p.etaMs !== undefined ? ` ETA ${formatDuration(p.etaMs)}` : '';
    const errs = p.counts.errors ? ` ${p.counts.errors} errors` : '';
    const text = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done}/${p.total ?? '?'} in flight ${p.inFlight}${errs} $${p.cost.toFixed(4)}${eta}`;
    writeControl(process.stderr, `\r${text.slice(0, (process.stderr.columns || 100) - 1)}\x1b[K`);
    shown = true;
  };
  return Object.assign(draw, { clear: () => { if (shown) { writeControl(process.stderr, '\r\x1b[K'); shown = false; } } });
}

