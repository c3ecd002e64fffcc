// What the rewriter model is sent and how its reply is read. The request shows the parent's messages and
// either guidance rules (`guide`) or failures from the optimisation part (`reflect`); the reply carries a
// rationale, the ids of the rules applied, and the full new text of every message. Nothing else is read.
import type { RenderedMessage } from '../prompt/types';
import type { GuidancePack } from './guidance';

/** One failure of the target candidate on the optimisation part, as the rewriter sees it. */
export interface FailureExample {
  kind: 'judged-incorrect' | 'labelled-incorrect' | 'idk-answerable' | 'style' | 'schema';
  question: string;
  context?: string;
  output: string;
  expected?: string;
  /** Why it is a failure: the judge's reasoning, the label, the style findings, the parse error. */
  feedback: string;
}

export interface RewriteRequestInput {
  /** The parent's messages (templates, with {{variables}}). */
  messages: readonly { role: string; content: string }[];
  targetModel: string;
  guidance?: GuidancePack;
  failures?: readonly FailureExample[];
}

const SYSTEM = `You edit prompt templates so that a target language model follows them better.
Rules for every edit:
- Keep every {{variable}} placeholder exactly as written, and add none.
- Keep the reply format the prompt asks for: the same element or key names, the same way of saying "cannot answer".
- Keep the task and the audience the same; change wording, order, emphasis and added instructions only.
- Keep the same messages in the same order.
Reply in exactly this form and nothing else:
<rationale>one to three sentences on what you changed and why</rationale>
<rules_applied>comma-separated ids of the guidance rules you applied, or none</rules_applied>
<message index="1">the complete new text of message 1</message>
… one <message index="N"> block for every message of the prompt.`;

const CONTEXT_CHARS = 800;
const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)} …[shortened]` : s);

function promptBlock(messages: RewriteRequestInput['messages']): string {
  return ['<prompt>', ...messages.map((m, i) => `<message index="${i + 1}" role="${m.role}">\n${m.content}\n</message>`), '</prompt>'].join('\n');
}

function guidanceBlock(g: GuidancePack): string {
  return [`<guidance family="${g.title}">`, ...g.rules.map((r) => `<rule id="${r.id}">${r.text}</rule>`), '</guidance>',
    'Apply the rules that would help this prompt on the target model; skip the ones that do not fit, and list the ids you applied.'].join('\n');
}

function failuresBlock(fs: readonly FailureExample[]): string {
  const one = (f: FailureExample, i: number): string => [`<failure n="${i + 1}" kind="${f.kind}">`, `<question>${f.question}</question>`,
    ...(f.context ? [`<context>${clip(f.context, CONTEXT_CHARS)}</context>`] : []), `<output>${f.output}</output>`,
    ...(f.expected ? [`<expected>${f.expected}</expected>`] : []), `<feedback>${f.feedback}</feedback>`, '</failure>'].join('\n');
  return ['<failures>', ...fs.map(one), '</failures>',
    'Edit the prompt so that the target model avoids failures like these without losing what it already does well. List no rule ids.'].join('\n');
}

/** The messages sent to the rewriter model for one rewrite. */
export function rewriteRequest(input: RewriteRequestInput): RenderedMessage[] {
  const task = input.guidance ? guidanceBlock(input.guidance) : failuresBlock(input.failures ?? []);
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `Target model: ${input.targetModel}\n\n${promptBlock(input.messages)}\n\n${task}` },
  ];
}

/** The follow-up after an unreadable reply: the reply, then what was wrong with it. */
export function retryRequest(first: readonly RenderedMessage[], reply: string, why: string): RenderedMessage[] {
  return [...first, { role: 'assistant', content: reply },
    { role: 'user', content: `Your reply could not be read: ${why}. Reply again in exactly the requested form: <rationale>, <rules_applied>, and one <message index="N"> block per message.` }];
}

export type RewriterReading =
  | { ok: true; contents: string[]; rationale: string; rules: string[] }
  | { ok: false; why: string };

/** Text between the first `<tag …>` and the next `</tag>`, or undefined. */
function section(text: string, open: RegExp, close: string): string | undefined {
  const m = open.exec(text);
  if (!m) return undefined;
  const start = m.index + m[0].length;
  const end = text.indexOf(close, start);
  return end === -1 ? undefined : text.slice(start, end);
}

/** Reads a rewriter reply for a prompt of `messageCount` messages. */
export function readRewriterReply(text: string, messageCount: number): RewriterReading {
  const contents: string[] = [];
  for (let i = 1; i <= messageCount; i++) {
    const body = section(text, new RegExp(`<message\\s+index="${i}"[^>]*>`, 'u'), '</message>');
    if (body === undefined) return { ok: false, why: `there is no complete <message index="${i}"> block` };
    const trimmed = body.replace(/^\r?\n/u, '').replace(/\r?\n$/u, '');
    if (trimmed.trim() === '') return { ok: false, why: `message ${i} is empty` };
    contents.push(trimmed);
  }
  const rationale = section(text, /<rationale>/u, '</rationale>')?.trim() ?? '';
  const rulesText = section(text, /<rules_applied>/u, '</rules_applied>')?.trim() ?? '';
  const rules = /^none$/iu.test(rulesText) ? [] : rulesText.split(/[,\s]+/u).filter((r) => r !== '');
  return { ok: true, contents, rationale, rules };
}
