// `prompt-adapt judge --project FILE --run ID [--metrics a,b]`: runs the project's metrics over a stored run
// and appends verdicts to `runs/<runId>/verdicts.jsonl`. Judge calls go through the runner (cache, resume,
// rate limits); a killed judge resumes where it stopped.
import { parseArgs } from 'node:util';
import { UserError } from '../../core/errors';
import path from 'node:path';
import { unusableMetrics, type VerdictCounts } from '../../core/metrics';
import { verdictsPath } from '../../core/store/verdicts';
import { formatProblem } from '../../core/problems';
import { loadProjectFile } from '../../core/project/parseProject';
import { RunSession } from '../../core/run/runSession';
import { endpointsUsage } from '../../core/providers/registry';
import { formatStoreProblem } from '../../core/store/problems';
import { Store } from '../../core/store/store';
import { describeBatchEvent } from '../../core/batch/describe';
import { batchFlags, envSecretSource, loadCliEndpoints, withTimeoutFlag } from './run';
import { writeControl } from '../output';
import { progressLines } from '../progress';

const USAGE = `usage: prompt-adapt judge --project prompt-adapt.yml --run RUN_ID [--metrics a,b] [--rejudge] [--json]

  Runs the project's metrics over a stored run; verdicts go to .prompt-adapt/runs/RUN_ID/verdicts.jsonl.
  --metrics      metric ids to run (default: all in the project file)
  --rejudge      judge again even where a verdict is stored
  --endpoints    endpoints JSON file (default: the same file as \`prompt-adapt run\`: $PROMPT_ADAPT_CONFIG,
                 $PROMPT_ADAPT_ENDPOINTS or ~/.config/prompt-adapt/endpoints.json)
  --concurrency  requests in flight per endpoint
  --timeout-ms   how long one judge request may take (default: the endpoint's timeoutMs, else 120000)
  --mode M       live | batch | auto for every judge (see prompt-adapt run --help); --batch-threshold N
  endpoints file:
${endpointsUsage('  ')}`;

const OPTIONS = {
  project: { type: 'string' }, run: { type: 'string' }, metrics: { type: 'string' }, rejudge: { type: 'boolean' },
  endpoints: { type: 'string' }, concurrency: { type: 'string' }, 'timeout-ms': { type: 'string' }, mode: { type: 'string' }, 'batch-threshold': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

const pct = (c: VerdictCounts): string => {
  const judged = c.correct + c.incorrect;
  return judged ? `${((100 * c.correct) / judged).toFixed(1)}%` : '-';
};

/** A path as shown: relative to the working folder when inside it, else absolute. */
function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** Entry point of `prompt-adapt judge`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let v: { project?: string; run?: string; metrics?: string; rejudge?: boolean; endpoints?: string; concurrency?: string; 'timeout-ms'?: string; mode?: string; 'batch-threshold'?: string; json?: boolean; help?: boolean };
  try {
    ({ values: v } = parseArgs({ args: argv, options: OPTIONS, strict: true }));
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (v.help) { console.log(USAGE); return 0; }
  if (!v.project || !v.run) { console.error(USAGE); return 1; }

  const { project, problems } = await loadProjectFile(v.project).catch((e: Error) => { throw new UserError(`cannot read ${v.project}: ${e.message}`); });
  const errors = problems.filter((p) => p.severity === 'error');
  for (const p of errors) console.error(formatProblem(p));
  if (errors.length) return 1;
  const store = Store.openForProject(project);
  const endpoints = withTimeoutFlag(loadCliEndpoints(v.endpoints ? { ...process.env, PROMPT_ADAPT_CONFIG: v.endpoints } : process.env), v['timeout-ms']);
  let storeProblems = 0;
  const concurrency = v.concurrency ? Number(v.concurrency) : undefined;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) throw new UserError('--concurrency must be a positive integer');
  // On a terminal one line redrawn in place; in a log (not a terminal) a plain line every few seconds.
  const lines = process.stderr.isTTY ? undefined : progressLines((line) => console.error(line));
  const session = new RunSession({
    endpoints, providerDeps: { secrets: envSecretSource() }, nodeHttp: true, concurrency, ...batchFlags(v),
    events: {
      batch: (e) => console.error(describeBatchEvent(e)),
      problem: (p) => console.error(formatProblem(p)), note: (m) => console.error(`note: ${m}`),
      storeProblem: (p) => { if (storeProblems++ < 20) console.error(`${p.kind === 'edited-output' ? 'warning' : 'error'}: ${formatStoreProblem(p, store.folder)}`); },
      judgeProgress: (batch, p) => {
        if (lines) return lines(`judge ${batch}`, p);
        writeControl(process.stderr, '\r'); process.stderr.write(`${batch}: ${p.done}/${p.total ?? '?'}   `);
      },
    },
  });
  const ac = new AbortController();
  const onSigint = (): void => { console.error('\ncancelling; run the same command again to resume'); ac.abort(); };
  process.once('SIGINT', onSigint);
  try {
    const summary = await session.judge({ project, store, runId: v.run, rejudge: v.rejudge, signal: ac.signal,
      metricIds: v.metrics?.split(',').map((x) => x.trim()).filter(Boolean) });
    if (process.stderr.isTTY) process.stderr.write('\n');
    // A metric that judged outputs without one verdict is a failure, however many requests succeeded.
    const verdictsFile = shownPath(verdictsPath(store.runDir(v.run)));
    const unusable = unusableMetrics(summary, verdictsFile);
    const exitCode = ac.signal.aborted ? 130 : unusable.length ? 1 : 0;
    if (v.json) { console.log(JSON.stringify(summary)); for (const u of unusable) console.error(`error: ${u.message}`); return exitCode; }
    if (storeProblems > 20) console.error(`… and ${storeProblems - 20} more problems in the run's files`);
    console.log(`verdicts written: ${summary.written}, kept from before: ${summary.skipped}, responses without output: ${summary.unjudgeable}`
      + (storeProblems ? `, problems in the run's files: ${storeProblems}` : ''));
    for (const [metricId, byCand] of Object.entries(summary.counts)) {
      for (const [cand, c] of Object.entries(byCand)) {
        console.log(`${metricId}  ${cand}  correct ${pct(c)} (${c.correct}/${c.correct + c.incorrect})  idk ${c.idk}  no verdict ${c.noVerdict}`);
      }
    }
    for (const u of unusable) console.error(`error: ${u.message}`);
    return exitCode;
  } finally {
    process.removeListener('SIGINT', onSigint);
    session.close();
  }
}
