// Bedrock batch inference: the records (recordId = the store's request hash, modelInput in the model's own
// InvokeModel format) go to S3 as JSONL, `CreateModelInvocationJob` runs them, and the `.jsonl.out` files that
// Bedrock writes next to the output prefix are mapped back by recordId. The bucket, prefix and service role come
// from the user's endpoint settings, never from the workspace.
import { createHash } from 'node:crypto';
import { UserError } from '../errors';
import { classifyHttp, ProviderError } from '../providers/provider';
import { invocationFormatFor } from './bedrockFormats';
import { requestOf, splitAtLimits, type BatchBackend, type BatchJob, type BatchJobState, type BatchOutcome, type IntendedJob } from './types';

/** S3 and the Bedrock control plane, implemented in providers/bedrockBatchApi.ts (the only module importing those SDKs). */
export interface BedrockBatchApi {
  putObject(bucket: string, key: string, body: Buffer, signal?: AbortSignal): Promise<void>;
  listKeys(bucket: string, prefix: string, signal?: AbortSignal): Promise<string[]>;
  objectLines(bucket: string, key: string, signal?: AbortSignal): AsyncIterable<string>;
  createJob(input: { jobName: string; clientRequestToken: string; roleArn: string; modelId: string; inputUri: string; outputUri: string }, signal?: AbortSignal): Promise<string>;
  getJob(jobArn: string, signal?: AbortSignal): Promise<{ status: string; message?: string }>;
  /** The newest job with exactly this name (ListModelInvocationJobs, `nameContains`), or undefined. */
  findJob(jobName: string, signal?: AbortSignal): Promise<{ jobArn: string; status: string; message?: string; submitTime?: Date } | undefined>;
  stopJob(jobArn: string): Promise<void>;
  deleteObject(bucket: string, key: string, signal?: AbortSignal): Promise<void>;
}

/** From the user's endpoint settings: `batch: { s3Uri: "s3://bucket/prefix", roleArn: "arn:aws:iam::…:role/…" }`. */
export interface BedrockBatchSettings { s3Uri: string; roleArn: string }

/** Bedrock's documented floor and the default quotas per job. */
export const bedrockBatchLimits = { maxRequests: 50_000, maxBytes: 1024 * 1024 * 1024, minRequests: 100 };

const stateOf: Record<string, BatchJobState> = {
  Submitted: 'submitted', Validating: 'submitted', Scheduled: 'submitted', InProgress: 'running', Completed: 'completed',
  PartiallyCompleted: 'partial', Failed: 'failed', Expired: 'expired', Stopping: 'cancelling', Stopped: 'cancelled',
};

export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!m) throw new UserError(`'${uri}' is not an S3 URI like s3://my-bucket/prompt-adapt/`);
  const prefix = (m[2] ?? '').replace(/^\/+/, '');
  return { bucket: m[1]!, prefix: prefix && !prefix.endsWith('/') ? prefix + '/' : prefix };
}

export function createBedrockBatchBackend(api: BedrockBatchApi, settings: BedrockBatchSettings, limits = bedrockBatchLimits): BatchBackend {
  const { bucket, prefix } = parseS3Uri(settings.s3Uri);
  const inputKeyOf = (digest: string) => `${prefix}input/${digest}.jsonl`;
  const update = (job: BatchJob, status: string, message?: string): BatchJob => ({ ...job, state: stateOf[status] ?? 'running', message: message || job.message });
  return {
    kind: 'bedrock',
    limits,
    async submit(endpointId, model, requests, { signal, onSplit } = {}) {
      const format = invocationFormatFor(model);
      if (!format) throw new UserError(`Bedrock batch inference is not set up here for model '${model}' (known families: anthropic, amazon-nova, meta-llama, mistral); run it live.`);
      if (requests.length < limits.minRequests) throw new UserError(`Bedrock batch jobs need at least ${limits.minRequests} records; ${requests.length} given (run these live).`);
      const lines = requests.map((r) => ({ key: r.key, line: JSON.stringify({ recordId: r.key, modelInput: format.body(requestOf(r)) }) + '\n' }));
      const jobs: BatchJob[] = [];
      const groups = balancedGroups(lines, limits);
      await onSplit?.(groups.map((g) => g.length));
      for (const group of groups) {
        // Deterministic names: after a crash, `find` looks the job up by its name; and re-submitting the same group
        // is idempotent (clientRequestToken), never a second paid job.
        const digest = digestOf(model, group.map((l) => l.key));
        const inputKey = inputKeyOf(digest);
        await api.putObject(bucket, inputKey, Buffer.from(group.map((l) => l.line).join('')), signal);
        const jobArn = await api.createJob({
          jobName: jobNameOf(digest), clientRequestToken: digest, roleArn: settings.roleArn, modelId: model,
          inputUri: `s3://${bucket}/${inputKey}`, outputUri: `s3://${bucket}/${prefix}output/${digest}/`,
        }, signal);
        jobs.push(jobOf({ endpointId, model, keys: group.map((l) => l.key), submittedAt: new Date().toISOString() }, jobArn));
      }
      return jobs;
    },
    async find(intended, signal) {
      const found = await api.findJob(jobNameOf(digestOf(intended.model, intended.keys)), signal);
      if (!found) return undefined;
      return update(jobOf(intended, found.jobArn, found.submitTime?.toISOString() ?? intended.submittedAt), found.status, found.message);
    },
    async discardUpload(intended, signal) {
      const key = inputKeyOf(digestOf(intended.model, intended.keys));
      if (!(await api.listKeys(bucket, key, signal)).includes(key)) return 0;
      await api.deleteObject(bucket, key, signal);
      return 1;
    },
    async refresh(job, signal) { const j = await api.getJob(job.jobId, signal); return update(job, j.status, j.message); },
    async cancel(job) { await api.stopJob(job.jobId); const j = await api.getJob(job.jobId); return update(job, j.status, j.message); },
    async *results(job, signal) {
      const format = invocationFormatFor(job.model)!;
      const digest = jobDigestOf(job);
      const outKeys = (await api.listKeys(bucket, `${prefix}output/${digest}/`, signal)).filter((k) => k.endsWith('.jsonl.out'));
      const seen = new Set<string>();
      const wanted = new Set(job.keys);
      for (const key of outKeys) {
        for await (const line of api.objectLines(bucket, key, signal)) {
          const o = outcomeOf(line, format.completion);
          if (!o || seen.has(o.key) || !wanted.has(o.key)) continue;
          seen.add(o.key);
          yield o;
        }
      }
      const why = `the Bedrock job ended ${job.state} before this record ran${job.message ? ` (${job.message})` : ''}`;
      for (const key of job.keys) if (!seen.has(key)) yield { key, error: { kind: 'transient', message: why } };
    },
  };
}

/** Names a job's S3 objects and idempotency token after its model and request keys (the ARN's id is opaque). */
function digestOf(model: string, keys: readonly string[]): string {
  return createHash('sha256').update(model).update('\0').update(keys.join('\n')).digest('hex').slice(0, 20);
}
const jobDigestOf = (job: BatchJob) => digestOf(job.model, job.keys);
const jobNameOf = (digest: string) => `prompt-adapt-${digest}`;

const jobOf = (j: IntendedJob, jobArn: string, submittedAt = j.submittedAt): BatchJob => ({
  backend: 'bedrock', endpointId: j.endpointId, model: j.model, jobId: jobArn, keys: [...j.keys], submittedAt, state: 'submitted',
  counts: { total: j.keys.length, completed: 0, failed: 0 },
});

/** Splits at the limits without leaving a last group below the minimum (it borrows from the one before). */
function balancedGroups<T>(lines: T[], limits: typeof bedrockBatchLimits): T[][] {
  const groups = splitAtLimits(lines, (l) => Buffer.byteLength((l as { line: string }).line), limits);
  const last = groups[groups.length - 1];
  if (groups.length > 1 && last && last.length < limits.minRequests) {
    const prev = groups[groups.length - 2]!;
    last.unshift(...prev.splice(prev.length - (limits.minRequests - last.length)));
  }
  return groups;
}

function outcomeOf(line: string, completion: (o: unknown) => import('../providers/provider').Completion): BatchOutcome | undefined {
  if (!line.trim()) return undefined;
  let row: { recordId?: string; modelOutput?: unknown; error?: { errorCode?: number | string; errorMessage?: string } };
  try { row = JSON.parse(line); } catch { return undefined; }
  if (typeof row.recordId !== 'string') return undefined;
  if (row.error || row.modelOutput === undefined) {
    const status = Number(row.error?.errorCode) || undefined;
    const message = row.error?.errorMessage ?? 'no model output';
    return { key: row.recordId, error: { kind: classifyHttp(status, undefined, message), message: `${status ?? ''} ${message}`.trim().slice(0, 500) } };
  }
  try { return { key: row.recordId, completion: completion(row.modelOutput) }; } catch (e) {
    // A reply without an answer keeps its own kind and billed tokens; anything else is an unreadable result.
    if (e instanceof ProviderError) return { key: row.recordId, error: { kind: e.kind, message: e.message, ...(e.details.reply ? { reply: e.details.reply } : {}) } };
    return { key: row.recordId, error: { kind: 'transient', message: `unreadable record output: ${(e as Error).message}` } };
  }
}
