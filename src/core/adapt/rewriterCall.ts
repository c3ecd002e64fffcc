// One call to the rewriter model, sent through the runner like a judge call: cached by request, kept under
// the adaptation's own run folder, resumed after a kill without asking (or paying) again.
import { UserError } from '../errors';
import { runnerJudgeBackend } from '../metrics/runnerBackend';
import type { JudgeModel } from '../project/types';
import type { RenderedMessage } from '../prompt/types';
import type { Budget } from './budget';
import type { AdaptServices } from './runParts';

/** Deterministic, with room for a whole prompt in the reply. */
const REWRITER_PARAMS = { temperature: 0, maxTokens: 4096 } as const;

export type RewriterAnswer = { text: string } | { error: string };

/** Asks the rewriter; `batch` names the call (stable across sessions: `reflect-2`, `reflect-2-retry`). */
export async function askRewriter(s: AdaptServices, rewriter: JudgeModel, adaptationId: string, batch: string, messages: readonly RenderedMessage[], budget: Budget): Promise<RewriterAnswer> {
  let requested = 0;
  let answer: RewriterAnswer = { error: 'no reply (cancelled, or the endpoint stopped)' };
  const backend = runnerJudgeBackend({
    store: s.store, runId: adaptationId, endpoints: s.endpoints, getProvider: s.getProvider, concurrency: s.concurrency,
    batchRunId: (b) => s.store.rewriterRunId(adaptationId, b), onProgress: (_b, p) => { requested = p.counts.requested; },
  });
  await backend.complete([{ key: 'rewrite', judge: rewriter, messages, params: REWRITER_PARAMS }], (reply) => {
    answer = reply.text !== undefined ? { text: reply.text } : { error: reply.error ?? 'no reply' };
  }, s.signal, batch);
  budget.record({ calls: requested });
  return answer;
}

/** The rewriter model from `ENDPOINT:MODEL` (as the CLI's --rewriter and the editor's input box take it). */
export function parseRewriter(text: string): JudgeModel {
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) throw new UserError(`the rewriter must be written ENDPOINT:MODEL (e.g. openai:gpt-4.1), not '${text}'`);
  return { endpoint: text.slice(0, at).trim(), model: text.slice(at + 1).trim() };
}
