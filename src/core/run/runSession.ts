// The run use case, shared by the editor, the CLI and the adaptation assistant: plan → provider pool → run →
// judge, with events for progress. Hosts only gather input (pickers, flags) and show the events and results.
import { isAbortError } from '../errors';
import { judgeStoredRun } from '../metrics/judgeStoredRun';
import type { JudgeRunSummary } from '../metrics/evaluate';
import type { Logger } from '../ports';
import type { Problem } from '../problems';
import type { Candidate, ProjectFile } from '../project/types';
import type { EndpointConfig, EndpointsConfig } from '../providers/endpoints';
import type { ProviderDeps } from '../providers/registry';
import type { PromptFile } from '../prompt/types';
import type { RunPlan } from '../runner/plan';
import { buildProjectPlan, type ProjectPlan } from '../runner/projectPlan';
import { runPlan, type RunProgress, type RunResult } from '../runner/runner';
import type { StoreProblem } from '../store/problems';
import type { RunIssue } from '../store/runs';
import type { Store } from '../store/store';
import { summariseRun } from '../compare/runEnd';
import { ProviderPool } from './providerPool';
import { createBatchBackend } from '../batch/backends';
import { cancelBatchJobs, type BatchEvent } from '../batch/driver';
import { UserError } from '../errors';
import type { BatchBackend } from '../batch/types';
import type { RunMode } from '../project/types';
import { planFromRecord, type BatchRunOptions } from '../runner/batchPhase';

/** What a session tells its host while it works. Every handler is optional. */
export interface RunSessionEvents {
  /** Run progress, a few times a second. */
  runProgress?(p: RunProgress): void;
  /** Each new cause of trouble of a run, once (counts keep growing in the result). */
  issue?(i: RunIssue): void;
  /** Judging has started (after a run, or on its own). */
  judging?(): void;
  /** Judge progress per batch of judge calls. */
  judgeProgress?(batch: string, p: RunProgress): void;
  /** Something worth a line in the log (e.g. outputs read as plain text). */
  note?(message: string): void;
  /** A problem in an input file (a bad test-set row). */
  problem?(p: Problem): void;
  /** A provider batch job was submitted, changed state or was collected; or a share went live instead. */
  batch?(e: BatchEvent): void;
  /** A line of the judged run's responses that cannot be read or was edited on disk (with file and line). */
  storeProblem?(p: StoreProblem): void;
}

export interface RunSessionOptions {
  endpoints: EndpointsConfig;
  /** How providers get keys and credentials. */
  providerDeps: Omit<ProviderDeps, 'nodeHttpSockets'>;
  /**
   * CLI only: send OpenAI-compatible requests over node:http with a keep-alive agent as large as the endpoint's
   * concurrency (less CPU per request; no proxy support, which the editor gets from VS Code's fetch).
   */
  nodeHttp?: boolean;
  /** Overrides every endpoint's concurrency (CLI `--concurrency`). */
  concurrency?: number;
  /** Concurrency of endpoints that set no `maxConcurrency` (default 16). */
  defaultConcurrency?: number;
  /** How long a rate-limited request keeps waiting and retrying (default: the runner's, 30 minutes). */
  rateLimitWaitMs?: number;
  log?: Logger;
  events?: RunSessionEvents;
  /** Overrides every candidate's and judge's `mode` (CLI `--mode`, the editor's run choice). */
  mode?: RunMode;
  /** Requests per endpoint above which `auto` uses the batch service (default 1000). */
  batchThreshold?: number;
  /** Tests: batch polling backoff and sleep. */
  batchPoll?: Pick<BatchRunOptions, 'poll' | 'sleep'>;
}

/** Where a run goes and how. */
export interface RunTarget {
  /** The store the run is written to (`.prompt-adapt/`). */
  store: Store;
  /** Resume (or name) this run; otherwise a new id. */
  runId?: string;
  /** Use and fill the shared response cache (default true). */
  cache?: boolean;
  signal?: AbortSignal;
  /**
   * The project the run belongs to: when the run ends, the summary its next comparison reads is built (see
   * src/core/compare/runEnd.ts), so that comparison does not read every line. The editor passes it (its panel would
   * read the run in the same process anyway); the CLI's `run` does not, as building it right after a 100k-request
   * batch run, beside the run's uncollected garbage, takes the process over its 300 MB (`judge` builds it instead).
   */
  project?: ProjectFile;
}

export interface JudgeTarget {
  project: ProjectFile;
  store: Store;
  runId: string;
  /** Metric ids to run (default: all of the project's). */
  metricIds?: readonly string[];
  rejudge?: boolean;
  signal?: AbortSignal;
}

/** A run and, when asked for and possible, its judging. */
export interface RunAndJudgeResult {
  run: RunResult;
  /** Verdict counts when the run was judged. */
  judged?: JudgeRunSummary;
  /** Why judging failed (the run itself stands); cancellation is not a failure. */
  judgeError?: unknown;
}

export class RunSession {
  private readonly pool: ProviderPool;
  private readonly events: RunSessionEvents;

  constructor(private readonly opts: RunSessionOptions) {
    this.events = { ...opts.events };
    const concurrencyOf = (cfg: EndpointConfig): number => opts.concurrency ?? cfg.maxConcurrency ?? opts.defaultConcurrency ?? 16;
    this.pool = new ProviderPool({ endpoints: opts.endpoints, deps: opts.providerDeps, ...(opts.nodeHttp ? { nodeHttpSockets: concurrencyOf } : {}) });
  }

  /** Batch services of the session's endpoints, set up on first use. */
  private readonly batchBackends = new Map<string, Promise<BatchBackend | undefined>>();

  /** How the runner reaches batch services; the mode of each candidate or judge is its own unless overridden. */
  private batchOptions(mode = this.opts.mode): BatchRunOptions {
    const { opts, events } = this;
    return {
      modeOf: (c) => mode ?? c.mode ?? 'live',
      threshold: opts.batchThreshold,
      backendFor: (id) => {
        let b = this.batchBackends.get(id);
        if (!b) {
          const cfg = opts.endpoints[id];
          b = cfg ? createBatchBackend(id, cfg, opts.providerDeps) : Promise.resolve(undefined);
          this.batchBackends.set(id, b);
        }
        return b;
      },
      onEvent: (e) => events.batch?.(e),
      ...opts.batchPoll,
    };
  }

  /** Sets event handlers (replacing those of the same name), e.g. once a progress display exists. */
  on(events: RunSessionEvents): void { Object.assign(this.events, events); }

  /** The first candidate whose endpoint is not defined, to report before anything runs. */
  undefinedEndpoint(candidates: readonly Candidate[]): Candidate | undefined {
    return candidates.find((c) => !this.opts.endpoints[c.endpoint]);
  }

  /** The plan prompt × candidates × test set of a project (see buildProjectPlan). */
  planProject(input: { project: ProjectFile; prompt: PromptFile; promptText: string; testSetId: string | undefined; candidateIds?: readonly string[]; signal?: AbortSignal }): Promise<ProjectPlan> {
    return buildProjectPlan({ ...input, endpoints: this.opts.endpoints, onProblem: (p) => this.events.problem?.(p) });
  }

  /** Runs (or resumes) a plan; then, unless it was cancelled, builds the run's summary for the comparison of `target.project`. */
  async run(plan: RunPlan, target: RunTarget, batch = this.batchOptions()): Promise<RunResult> {
    const { opts, events } = this;
    const result = await runPlan(plan, {
      store: target.store, runId: target.runId, cache: target.cache, signal: target.signal, endpoints: opts.endpoints,
      getProvider: this.pool.get, concurrency: opts.concurrency, defaultConcurrency: opts.defaultConcurrency, log: opts.log,
      batch,
      ...(opts.rateLimitWaitMs ? { retry: { rateLimitWaitMs: opts.rateLimitWaitMs } } : {}),
      onIssue: events.issue && ((i) => events.issue?.(i)),
      onStoreProblem: events.storeProblem && ((p) => events.storeProblem?.(p)),
      onProgress: events.runProgress && ((p) => events.runProgress?.(p)),
    });
    if (target.project && result.status !== 'cancelled') await summariseRun(target.store, target.project, result.runId, 'responses');
    return result;
  }

  /**
   * Resumes a run whose batch jobs are out from the run's own record (no prompt, project or test set needed): waits
   * for the jobs, stores their results like live ones, and sends what they never ran, in the modes the run was
   * started with. After the user cancelled the jobs it only stores what they finished. Undefined when the run has
   * no record (nothing of it is out).
   */
  async resumeBatches(target: RunTarget & { runId: string }, collectOnly?: boolean): Promise<RunResult | undefined> {
    const plan = await planFromRecord(target.store, target.runId);
    if (!plan) return undefined;
    const cancelled = collectOnly ?? target.store.readBatchJobs(target.runId).some((j) => j.cancelRequested && !j.collected);
    // The record keeps each candidate's mode as the run used it; no override of this session applies.
    const batch = { ...this.batchOptions(undefined), modeOf: (c: { mode?: RunMode }) => c.mode ?? 'live', collectOnly: cancelled };
    return this.run(plan, target, batch);
  }

  /**
   * Cancels a run's unfinished batch jobs at the provider, then stores what they finished (`resumeBatches`): the
   * requests they never ran stay missing until the run is started again, which sends only those.
   */
  async cancelBatches(target: RunTarget & { runId: string }): Promise<RunResult | undefined> {
    const { store, runId } = target;
    const lock = store.prepareRun(runId);
    try {
      const backendFor = async (id: string) => {
        const b = await this.batchOptions().backendFor(id);
        if (!b) throw new UserError(`Endpoint '${id}' has no batch service in your settings now, so its job cannot be cancelled from here.`);
        return b;
      };
      const jobs = await cancelBatchJobs(store.readBatchJobs(runId), backendFor, {
        save: (list) => store.writeBatchJobs(runId, list), onEvent: (e) => this.events.batch?.(e),
      });
      for (const job of jobs) if (job.cancelRequested) this.events.batch?.({ type: 'state', job });
    } finally { lock.release(); }
    return this.resumeBatches(target, true);
  }

  /** Runs the project's metrics over a stored run (judge calls are cached and resumable like a run). */
  judge(target: JudgeTarget): Promise<JudgeRunSummary> {
    const { opts, events } = this;
    events.judging?.();
    return judgeStoredRun({
      project: target.project, store: target.store, runId: target.runId, metricIds: target.metricIds, rejudge: target.rejudge, signal: target.signal,
      endpoints: opts.endpoints, getProvider: this.pool.get, concurrency: opts.concurrency, batch: this.batchOptions(),
      onProblem: (p) => events.problem?.(p), onNote: (m) => events.note?.(m), onStoreProblem: (p) => events.storeProblem?.(p),
      onProgress: (batch, p) => events.judgeProgress?.(batch, p),
    });
  }

  /**
   * Runs a plan, then (unless cancelled, or `judge` is false, or the project has no metrics) judges it. A judging
   * failure does not undo the run: it comes back as `judgeError`.
   */
  async runAndJudge(plan: RunPlan, target: RunTarget & { project: ProjectFile; judge?: boolean }): Promise<RunAndJudgeResult> {
    const run = await this.run(plan, target);
    if (run.status === 'cancelled' || target.judge === false || target.project.metrics.length === 0) return { run };
    try {
      return { run, judged: await this.judge({ project: target.project, store: target.store, runId: run.runId, signal: target.signal }) };
    } catch (err) {
      return isAbortError(err) ? { run } : { run, judgeError: err };
    }
  }

  /** Closes the providers' sockets. */
  close(): void { this.pool.close(); }
}
