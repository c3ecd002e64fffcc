// Streaming completions for the quick side-by-side check: the reply arrives in pieces as the model writes it.
// Runs never stream (they store whole replies); a provider that cannot stream answers in one piece.
import type { Completion, CompletionRequest, ModelProvider } from './provider';

/** A completion that was streamed: when its first piece of text arrived, measured from sending the request. */
export interface StreamedCompletion extends Completion {
  /** Time to first token: from sending the request to the first piece of text (ms). */
  firstTokenMs?: number;
  /** True when the reply came in pieces; false when the provider answered in one piece. */
  streamed: boolean;
}

/** A provider that can also stream. `onText` gets each new piece of text in order. */
export interface StreamingProvider extends ModelProvider {
  stream(request: CompletionRequest, signal: AbortSignal, onText: (piece: string) => void): Promise<StreamedCompletion>;
}

export const canStream = (p: ModelProvider): p is StreamingProvider => typeof (p as Partial<StreamingProvider>).stream === 'function';

/** Streams when the provider can; otherwise one call whose whole text arrives at once (first token = latency). */
export async function streamOrComplete(p: ModelProvider, request: CompletionRequest, signal: AbortSignal, onText: (piece: string) => void): Promise<StreamedCompletion> {
  if (canStream(p)) return p.stream(request, signal, onText);
  const c = await p.complete(request, signal);
  if (c.text) onText(c.text);
  return { ...c, firstTokenMs: c.latencyMs, streamed: false };
}
