// Bedrock batch inference takes each model's own InvokeModel body (not Converse): one row per model family,
// building the body from our request and reading the completion back. Adding a family is one row.
import type { Completion, CompletionRequest } from '../providers/provider';
import { emptyReplyError } from '../providers/replies';

export interface InvocationFormat {
  family: string;
  /** Matches the model id, with or without a cross-region prefix (`us.`, `eu.`, `apac.`, `global.`). */
  matches: RegExp;
  body(req: CompletionRequest): Record<string, unknown>;
  completion(output: unknown): Completion;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- provider-shaped JSON; every read below checks its type
type Json = Record<string, any>;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
const systemText = (req: CompletionRequest) => req.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
const turns = (req: CompletionRequest) => req.messages.filter((m) => m.role !== 'system');
const p = (req: CompletionRequest, k: string) => req.params?.[k];
/**
 * The text of a message's content blocks; none holding text is a reply without an answer (as live Converse reads it),
 * whose billed tokens the error keeps.
 */
function blocksText(blocks: unknown, finishReason: string | undefined, usage: { inputTokens?: number; outputTokens?: number }, isText: (c: Json) => boolean): string {
  const list: Json[] = Array.isArray(blocks) ? blocks : [];
  const texts = list.filter((c) => c && isText(c) && typeof c.text === 'string');
  if (!texts.length) throw emptyReplyError(finishReason, `no text in the reply's ${list.length} content blocks`, usage);
  return texts.map((c) => c.text as string).join('');
}

const defined = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export const invocationFormats: readonly InvocationFormat[] = [
  {
    family: 'anthropic',
    matches: /(^|\.)anthropic\./,
    body: (req) => defined({
      anthropic_version: 'bedrock-2023-05-31', max_tokens: p(req, 'maxTokens') ?? 1024, system: systemText(req) || undefined,
      messages: turns(req).map((m) => ({ role: m.role, content: [{ type: 'text', text: m.content }] })),
      temperature: p(req, 'temperature'), top_p: p(req, 'topP'), stop_sequences: p(req, 'stop'),
    }),
    completion: (o: Json) => {
      const usage = { inputTokens: num(o.usage?.input_tokens), outputTokens: num(o.usage?.output_tokens) };
      return { text: blocksText(o.content, o.stop_reason, usage, (c) => c.type === 'text'), finishReason: o.stop_reason, ...usage, latencyMs: 0 };
    },
  },
  {
    family: 'amazon-nova',
    matches: /(^|\.)amazon\.nova/,
    body: (req) => defined({
      schemaVersion: 'messages-v1', system: systemText(req) ? [{ text: systemText(req) }] : undefined,
      messages: turns(req).map((m) => ({ role: m.role, content: [{ text: m.content }] })),
      inferenceConfig: defined({ maxTokens: p(req, 'maxTokens'), temperature: p(req, 'temperature'), topP: p(req, 'topP'), stopSequences: p(req, 'stop') }),
    }),
    completion: (o: Json) => {
      const usage = { inputTokens: num(o.usage?.inputTokens), outputTokens: num(o.usage?.outputTokens) };
      return { text: blocksText(o.output?.message?.content, o.stopReason, usage, () => true), finishReason: o.stopReason, ...usage, latencyMs: 0 };
    },
  },
  {
    family: 'meta-llama',
    matches: /(^|\.)meta\.llama/,
    body: (req) => defined({ prompt: llamaPrompt(req), max_gen_len: p(req, 'maxTokens'), temperature: p(req, 'temperature'), top_p: p(req, 'topP') }),
    completion: (o: Json) => ({ text: o.generation ?? '', finishReason: o.stop_reason, inputTokens: num(o.prompt_token_count), outputTokens: num(o.generation_token_count), latencyMs: 0 }),
  },
  {
    family: 'mistral',
    matches: /(^|\.)mistral\./,
    body: (req) => defined({ prompt: `<s>[INST] ${req.messages.map((m) => m.content).join('\n\n')} [/INST]`, max_tokens: p(req, 'maxTokens'), temperature: p(req, 'temperature'), top_p: p(req, 'topP'), stop: p(req, 'stop') }),
    completion: (o: Json) => ({ text: o.outputs?.[0]?.text ?? '', finishReason: o.outputs?.[0]?.stop_reason, latencyMs: 0 }),
  },
];

function llamaPrompt(req: CompletionRequest): string {
  const parts = ['<|begin_of_text|>'];
  for (const m of req.messages) parts.push(`<|start_header_id|>${m.role}<|end_header_id|>\n\n${m.content}<|eot_id|>`);
  parts.push('<|start_header_id|>assistant<|end_header_id|>\n\n');
  return parts.join('');
}

/** The format for a model id, or undefined when batch inference is not supported for it here. */
export function invocationFormatFor(modelId: string): InvocationFormat | undefined {
  return invocationFormats.find((f) => f.matches.test(modelId));
}
