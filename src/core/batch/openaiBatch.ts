// OpenAI Batch API (and Azure OpenAI's global batch, and any server that speaks it): one JSONL file of
// chat-completion requests per job, `custom_id` = the store's request hash, results mapped back by custom_id.
import { classifyHttp, ProviderError, type Completion, type CompletionRequest } from '../providers/provider';
import { requestOf, type BatchBackend, type BatchJob, type BatchJobState, type BatchOutcome, type IntendedJob } from './types';
import { fileBlob, removeUploadFiles, uploadNameOf, uploadTagOf, writeUploadFiles } from './uploadFiles';

/** The remote calls, implemented in providers/openai.ts (the only module that imports the SDK). */
export interface OpenAIBatchApi {
  /** The chat-completions body the live path would send for this request. */
  bodyOf(request: CompletionRequest): Record<string, unknown>;
  /** The completion the live path would return for a chat-completions response body. */
  completionOf(body: unknown, latencyMs: number): Completion;
  /** Uploads a JSONL file (a file-backed blob, streamed from disk). */
  uploadBatchFile(name: string, content: Blob, signal?: AbortSignal): Promise<string>;
  createBatch(fileId: string, metadata: Record<string, string>, signal?: AbortSignal): Promise<RemoteBatch>;
  retrieveBatch(id: string, signal?: AbortSignal): Promise<RemoteBatch>;
  /**
   * The newest batch whose metadata carries this tag (a crash between create and the job list's save), looking back
   * to `since` (Unix seconds): the list is paged newest first.
   */
  findBatch(tag: string, since: number, signal?: AbortSignal): Promise<RemoteBatch | undefined>;
  cancelBatch(id: string): Promise<RemoteBatch>;
  /** Ids of the batch-purpose files with this name uploaded since `since` (Unix seconds). */
  findFiles(name: string, since: number, signal?: AbortSignal): Promise<string[]>;
  deleteFile(id: string, signal?: AbortSignal): Promise<void>;
  /** The file's lines, streamed. */
  fileLines(fileId: string, signal?: AbortSignal): AsyncIterable<string>;
}

export interface RemoteBatch {
  id: string;
  created_at?: number;
  status: string;
  output_file_id?: string | null;
  error_file_id?: string | null;
  request_counts?: { total: number; completed: number; failed: number } | null;
  errors?: { data?: { message?: string; line?: number | null }[] } | null;
  metadata?: Record<string, string> | null;
}

const stateOf: Record<string, BatchJobState> = {
  validating: 'submitted', in_progress: 'running', finalizing: 'running', completed: 'completed',
  failed: 'failed', expired: 'expired', cancelling: 'cancelling', cancelled: 'cancelled',
};

/** OpenAI's documented limits per batch file: 50,000 requests, 200 MB. */
export const openAIBatchLimits = { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024, minRequests: 1 };

export function createOpenAIBatchBackend(api: OpenAIBatchApi, limits = openAIBatchLimits): BatchBackend {
  const update = (job: BatchJob, remote: RemoteBatch): BatchJob => ({
    ...job,
    state: stateOf[remote.status] ?? 'running',
    counts: remote.request_counts ? { ...remote.request_counts } : job.counts,
    message: remote.errors?.data?.map((e) => (e.line ? `line ${e.line}: ` : '') + (e.message ?? '')).join('; ') || job.message,
  });

  return {
    kind: 'openai',
    limits,
    async submit(endpointId, model, requests, { signal, onSplit } = {}) {
      const files = writeUploadFiles(model, requests, (r) => JSON.stringify({ custom_id: r.key, method: 'POST', url: '/v1/chat/completions', body: api.bodyOf(requestOf(r)) }), limits);
      const jobs: BatchJob[] = [];
      try {
        await onSplit?.(files.map((f) => f.keys.length));
        for (const file of files) {
          // Named and tagged with a digest of its requests: after a crash, `find` and `discardUpload` know them again.
          const fileId = await api.uploadBatchFile(uploadNameOf(file.tag), await fileBlob(file), signal);
          const remote = await api.createBatch(fileId, { prompt_adapt: file.tag }, signal);
          jobs.push(update({
            backend: 'openai', endpointId, model, jobId: remote.id, keys: file.keys, submittedAt: new Date().toISOString(),
            state: 'submitted', counts: { total: file.keys.length, completed: 0, failed: 0 },
          }, remote));
        }
      } finally { removeUploadFiles(files); }
      return jobs;
    },
    async find(intended, signal) {
      const remote = await api.findBatch(uploadTagOf(intended.model, intended.keys), lookBackFrom(intended), signal);
      if (!remote) return undefined;
      const submittedAt = remote.created_at ? new Date(remote.created_at * 1000).toISOString() : intended.submittedAt;
      return update({
        backend: 'openai', endpointId: intended.endpointId, model: intended.model, jobId: remote.id, keys: [...intended.keys], submittedAt,
        state: 'submitted', counts: { total: intended.keys.length, completed: 0, failed: 0 },
      }, remote);
    },
    async discardUpload(intended, signal) {
      const ids = await api.findFiles(uploadNameOf(uploadTagOf(intended.model, intended.keys)), lookBackFrom(intended), signal);
      for (const id of ids) await api.deleteFile(id, signal);
      return ids.length;
    },
    async refresh(job, signal) { return update(job, await api.retrieveBatch(job.jobId, signal)); },
    async cancel(job) { return update(job, await api.cancelBatch(job.jobId)); },
    async *results(job, signal) {
      const remote = await api.retrieveBatch(job.jobId, signal);
      const seen = new Set<string>();
      for (const fileId of [remote.output_file_id, remote.error_file_id]) {
        if (!fileId) continue;
        for await (const line of api.fileLines(fileId, signal)) {
          if (!line.trim()) continue;
          const outcome = outcomeOf(line, api);
          if (!outcome || seen.has(outcome.key)) continue;
          seen.add(outcome.key);
          yield outcome;
        }
      }
      // Requests the job never ran (expired, cancelled, failed validation) go back to the queue.
      const why = job.state === 'failed' ? `the batch failed${job.message ? `: ${job.message}` : ''}` : `the batch ended ${job.state} before this request ran`;
      for (const key of job.keys) if (!seen.has(key)) yield { key, error: { kind: 'transient', message: why } };
    },
  };
}

/** Where a search for what a submission created starts (Unix seconds): a little before it began, for clock skew. */
function lookBackFrom(intended: IntendedJob): number {
  const t = Date.parse(intended.submittedAt);
  return Number.isFinite(t) ? Math.floor(t / 1000) - 15 * 60 : 0;
}

function outcomeOf(line: string, api: OpenAIBatchApi): BatchOutcome | undefined {
  let row: { custom_id?: string; response?: { status_code?: number; body?: unknown } | null; error?: { code?: string; message?: string } | null };
  try { row = JSON.parse(line); } catch { return undefined; }
  const key = row.custom_id;
  if (typeof key !== 'string') return undefined;
  if (row.error) {
    const code = row.error.code ?? '';
    // Expired and cancelled requests were never run: retryable, not the request's fault.
    const kind = code === 'batch_expired' || code === 'batch_cancelled' ? 'transient' : classifyHttp(undefined, code, row.error.message ?? '');
    return { key, error: { kind, message: `${code}: ${row.error.message ?? ''}`.slice(0, 500) } };
  }
  const status = row.response?.status_code ?? 0;
  const body = row.response?.body as { error?: { message?: string; code?: string; type?: string } } | undefined;
  if (status !== 200) {
    const message = body?.error?.message ?? `status ${status}`;
    return { key, error: { kind: classifyHttp(status, body?.error?.code ?? body?.error?.type, message), message: `HTTP ${status}: ${message}`.slice(0, 500) } };
  }
  try { return { key, completion: api.completionOf(body, 0) }; } catch (e) {
    // A reply without an answer keeps its own kind; anything else is an unreadable result.
    if (e instanceof ProviderError) return { key, error: { kind: e.kind, message: e.message, ...(e.details.reply ? { reply: e.details.reply } : {}) } };
    return { key, error: { kind: 'transient', message: `unreadable batch result: ${(e as Error).message}` } };
  }
}
