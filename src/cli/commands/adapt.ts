// `prompt-adapt adapt`: writes prompt variants for a target candidate and accepts one only on the sealed part
// of every test set. Re-running the same command resumes (the split, variants and every call are kept).
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { runAdaptation } from '../../core/adapt/adaptation';
import { adoptVariant } from '../../core/adapt/adopt';
import type { AdaptationRecord, PartFigures } from '../../core/adapt/record';
import { parseRewriter } from '../../core/adapt/rewriterCall';
import { parseStrategies, STRATEGIES, STRATEGY_IDS } from '../../core/adapt/strategies';
import { UserError } from '../../core/errors';
import { formatProblem } from '../../core/problems';
import { loadProjectFile } from '../../core/project/parseProject';
import type { JudgeModel } from '../../core/project/types';
import type { ModelProvider } from '../../core/providers/provider';
import { createProvider } from '../../core/providers/registry';
import { Store } from '../../core/store/store';
import { envSecretSource, loadCliEndpoints } from './run';

const USAGE = `usage: prompt-adapt adapt --project prompt-adapt.yml --prompt FILE --candidate ID [options]
       prompt-adapt adapt --project prompt-adapt.yml --adopt VARIANT [--candidate ID]

  Writes variants of FILE for candidate ID (name.<strategy>-<n>.prompt.yml next to it), learning only from
  the optimisation part of each test set, and accepts a variant only if it beats FILE on the same candidate
  on the sealed part (calibrated comparison, IDK, style, schema and latency rules).

  --strategies LIST   ${STRATEGY_IDS.join(',')} (default: all)
${STRATEGY_IDS.map((id) => `                        ${id}: ${STRATEGIES[id].summary}`).join('\n')}
  --rounds K          rounds of reflect (default 3)
  --rewriter E:M      the rewriter model as ENDPOINT:MODEL (default: the project's adapt.rewriter)
  --seal S            share of each test set sealed from the rewriter (default: adapt.seal, else 0.5)
  --seed TEXT         seed of the split (default adapt-1; another seed is another adaptation)
  --max-calls N       stop before making more than N model calls (cache hits are free)
  --budget-usd X      stop before spending more than X USD (needs candidate prices)
  --concurrency N     requests in flight per endpoint
  --yes               go ahead without asking (needed when not run in a terminal); otherwise the estimate of
                      calls and USD is printed and you are asked to confirm before anything is spent
  --json              print the adaptation record as JSON
  --adopt VARIANT     add a candidate row pairing the adaptation's candidate (or --candidate) with VARIANT to the
                      project file (one new line; the rest of the file is unchanged); the decision table and the
                      selection then treat it like any other candidate

  Verdicts on the sealed part: accepted (every rule passes and something measurably improved), inconclusive
  (no rule fails but the correctness interval is inconclusive: no evidence of gain; the interval and what would
  resolve it are printed), no-gain, rejected (a rule fails; the rule is named), not evaluated (off the Pareto front).
  The judge is calibrated on every label of each test set; the sealed part only limits the questions compared.

  Exit code 0 when a variant beat the parent, 2 when none did, 1 on an error or an early stop.`;

const OPTIONS = {
  project: { type: 'string' }, prompt: { type: 'string' }, candidate: { type: 'string' }, strategies: { type: 'string' }, rounds: { type: 'string' },
  rewriter: { type: 'string' }, seal: { type: 'string' }, seed: { type: 'string' }, 'max-calls': { type: 'string' }, 'budget-usd': { type: 'string' },
  concurrency: { type: 'string' }, json: { type: 'boolean' }, yes: { type: 'boolean', short: 'y' }, adopt: { type: 'string' }, help: { type: 'boolean', short: 'h' },
} as const;

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function number(v: Values, key: keyof Values, ok: (n: number) => boolean, what: string): number | undefined {
  const raw = v[key];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(n) || !ok(n)) throw new UserError(`--${key} must be ${what}, not '${String(raw)}'`);
  return n;
}

function rewriterOf(text: string | undefined): JudgeModel | undefined {
  if (text === undefined) return undefined;
  try { return parseRewriter(text); } catch (err) { throw new UserError(`--rewriter: ${(err as Error).message}`); }
}

/** Entry point of `prompt-adapt adapt`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let v: Values;
  try { ({ values: v } = parseArgs({ args: argv, options: OPTIONS, strict: true })); } catch (err) { throw new UserError(`${(err as Error).message}\n\n${USAGE}`); }
  if (v.help) { console.log(USAGE); return 0; }
  if (v.adopt !== undefined && v.project) return adopt(v.project, v.adopt, v.candidate);
  if (!v.project || !v.prompt || !v.candidate) { console.error(USAGE); return 1; }
  let strategies;
  try { strategies = parseStrategies(v.strategies ?? STRATEGY_IDS.join(',')); } catch (err) { throw new UserError(`--strategies: ${(err as Error).message}`); }
  const rounds = number(v, 'rounds', (n) => Number.isInteger(n) && n >= 1 && n <= 20, 'a whole number from 1 to 20') ?? 3;
  const seal = number(v, 'seal', (n) => n > 0 && n < 1, 'a share between 0 and 1');
  const maxCalls = number(v, 'max-calls', (n) => Number.isInteger(n) && n >= 0, 'a whole number');
  const maxUsd = number(v, 'budget-usd', (n) => n >= 0, 'an amount in USD');
  const concurrency = number(v, 'concurrency', (n) => Number.isInteger(n) && n > 0, 'a positive whole number');

  const { project, problems } = await loadProjectFile(v.project).catch((e: Error) => { throw new UserError(`cannot read ${v.project}: ${e.message}`); });
  const errors = problems.filter((p) => p.severity === 'error');
  for (const p of errors) console.error(formatProblem(p));
  if (errors.length) return 1;
  const endpoints = loadCliEndpoints();
  const secrets = envSecretSource();
  const providers = new Map<string, Promise<ModelProvider>>();
  const getProvider = (id: string): Promise<ModelProvider> => {
    let p = providers.get(id);
    if (!p) { p = createProvider(id, endpoints[id]!, { secrets, nodeHttpSockets: concurrency ?? endpoints[id]!.maxConcurrency ?? 16 }); providers.set(id, p); }
    return p;
  };
  const ac = new AbortController();
  const onSigint = (): void => { console.error('\ncancelling; run the same command again to resume'); ac.abort(); };
  process.once('SIGINT', onSigint);
  let record: AdaptationRecord;
  try {
    record = await runAdaptation({
      project, store: Store.openForProject(project), endpoints, getProvider, concurrency, signal: ac.signal, log: (line) => console.log(`adapt: ${line}`),
      promptPath: path.resolve(v.prompt), candidateId: v.candidate, strategies, rounds, seal: seal ?? project.adapt?.seal, seed: v.seed,
      rewriter: rewriterOf(v.rewriter) ?? project.adapt?.rewriter, limits: { maxCalls, maxUsd },
      confirm: v.yes ? undefined : confirmInTerminal,
    });
  } finally { process.removeListener('SIGINT', onSigint); }
  if (v.json) console.log(JSON.stringify(record, null, 2));
  else printRecord(record);
  if (record.stopped) return 1;
  return record.acceptance?.verdicts.some((x) => x.verdict === 'accepted') ? 0 : 2;
}

/** Asks in the terminal whether to go ahead (the estimate is already printed); without a terminal, says to pass --yes. */
async function confirmInTerminal(): Promise<boolean> {
  if (!process.stdin.isTTY) {
    console.error('adapt: not confirmed: nothing was spent. Run it in a terminal to be asked, or pass --yes to go ahead.');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve) => rl.question('Go ahead? [y/N] ', resolve));
    return /^y(es)?$/iu.test(answer.trim());
  } finally { rl.close(); }
}

/** `--adopt`: writes the candidate row for a variant into the project file. */
async function adopt(projectPath: string, variant: string, candidate: string | undefined): Promise<number> {
  const { project, problems } = await loadProjectFile(projectPath).catch((e: Error) => { throw new UserError(`cannot read ${projectPath}: ${e.message}`); });
  const errors = problems.filter((p) => p.severity === 'error');
  for (const p of errors) console.error(formatProblem(p));
  if (errors.length) return 1;
  const edit = await adoptVariant({ project, store: Store.openForProject(project), variantPath: path.resolve(variant), candidateId: candidate });
  const prompt = path.relative(path.dirname(project.path), path.resolve(variant)).split(path.sep).join('/');
  console.log(edit.row ? `added candidate ${edit.candidateId} to ${path.basename(project.path)}: ${edit.row}` : `${path.basename(project.path)} already has candidate ${edit.candidateId} with ${prompt}; nothing changed`);
  console.log(`run it: prompt-adapt run --project ${projectPath} --prompt ${prompt} --candidates ${edit.candidateId} --test-set ${project.testSets[0]?.id ?? 'T'}`);
  return 0;
}

const pc = (x: number | undefined): string => (x === undefined ? '   -  ' : `${(100 * x).toFixed(1).padStart(5)}%`);
const figs = (f: PartFigures | undefined): string => (f ? `correct ${pc(f.correctness)} idk ${pc(f.idkRate)} bad style ${pc(f.badStyleRate)}` : '-');

/** The adaptation's result as a table: each variant's figures on both parts, its verdict and why. */
function printRecord(r: AdaptationRecord): void {
  console.log('');
  console.log(`adaptation ${r.id}: ${r.prompt} on ${r.candidateId}; spent ${r.spent.calls} calls, $${r.spent.usd.toFixed(4)}`);
  if (r.rejected.length) console.log(`rejected rewrites: ${r.rejected.length} (${r.rejected.map((x) => `${x.strategy}-${x.round}: ${x.guard}`).join(', ')})`);
  for (const s of r.skipped) console.log(`skipped ${s.strategy} round ${s.round}: ${s.reason}`);
  const verdicts = new Map((r.acceptance?.verdicts ?? []).map((x) => [x.tag, x]));
  for (const variant of r.variants) {
    const x = verdicts.get(variant.tag);
    console.log(`\n${variant.tag}  (${variant.file}${variant.onFront ? ', on the Pareto front' : ''})  → ${x?.verdict ?? 'not evaluated'}: ${x?.why ?? ''}`);
    for (const o of x?.optimisation ?? []) console.log(`  ${o.testSetId} optimisation  variant ${figs(o.variant)} | parent ${figs(o.parent)}`);
    for (const s of x?.sealed ?? []) {
      const d = s.difference ? `Δ ${(100 * s.difference.mean).toFixed(1)} pp [${(100 * s.difference.lo).toFixed(1)}, ${(100 * s.difference.hi).toFixed(1)}]` : 'Δ -';
      console.log(`  ${s.testSetId} sealed        variant ${figs(s.variant)} | parent ${figs(s.parent)} | ${d} | ${Object.entries(s.cells).map(([k, c]) => `${k} ${c}`).join(', ')}`);
    }
  }
  console.log('');
  if (r.stopped) console.log(`stopped early: ${r.stopped}`);
  console.log(r.acceptance?.headline ?? 'No acceptance yet.');
}
