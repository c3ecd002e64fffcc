// A JudgeBackend that calls providers directly with a small concurrency limit. No cache and no rate-limit
// handling: for tests and one-off checks; runs use the runner-backed backend.
import { toMessage } from '../errors';
import type { ModelProvider } from '../providers/provider';
import type { JudgeBackend, JudgeReply, JudgeRequest } from './judge';

/** Calls `getProvider(endpointId)` for each request's judge endpoint, at most `concurrency` at once, with each request's parameters. */
export function providerJudgeBackend(getProvider: (endpointId: string) => Promise<ModelProvider>, concurrency = 4): JudgeBackend {
  return {
    async complete(requests: readonly JudgeRequest[], onReply: (r: JudgeReply) => void, signal?: AbortSignal): Promise<void> {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < requests.length && !signal?.aborted) {
          const req = requests[next++]!;
          try {
            const provider = await getProvider(req.judge.endpoint);
            const c = await provider.complete({ model: req.judge.model, messages: req.messages, params: req.params }, signal ?? new AbortController().signal);
            onReply({ key: req.key, text: c.text });
          } catch (err) {
            if (signal?.aborted) return;
            onReply({ key: req.key, error: toMessage(err) });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, requests.length)) }, worker));
    },
  };
}
