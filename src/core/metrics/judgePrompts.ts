// Our judge prompts. The rubrics follow what the paper's judges check (PAPER.md §5.2, Appendix G); the
// wording is our own. Inputs go in XML-like tags so the judge can tell material from instructions.
import type { ModelParameters, RenderedMessage } from '../prompt/types';

const CONTEXT_SYSTEM = `You grade a single answer produced by an AI assistant in a question-answering product. The assistant was given reference material (the context) and a user's question. Decide whether the answer is fit to show to that user.

Work through these checks in order:
1. Accuracy. The context is the source of truth. If the answer says anything the context contradicts, or adds specific claims the context gives no support for, the answer is incorrect.
2. Completeness, judged by its effect on the user. An answer can leave things out and still be correct when the user could act on it without harm, for example when it names one of several options that would each work. It is incorrect when a gap would mislead the user or stop them from resolving their question, for example when it drops one of several conditions that all have to be met. Think carefully about how much a gap matters.
3. Relevance. An answer that does not address the question, or does not attempt an answer at all (for example "I cannot find this information"), is incorrect.

You may also be shown a reference answer written by the team. Use it only as a hint about what they expect: it can be incomplete or mistaken, and wherever it disagrees with the context, the context wins.

Write out your reasoning first, paying most attention to anything the answer leaves out. Then end your reply with the grade on its own line, exactly one of:
<verdict>correct</verdict>
<verdict>incorrect</verdict>`;

const CONTRADICTION_SYSTEM = `You check whether an AI assistant's answer conflicts with reference statements. Each reference statement is a known-true answer to the user's question and carries a number.

A statement is contradicted when the answer and the statement cannot both be true. Information in the answer that the statements do not mention is not a contradiction, and neither is an answer that leaves a statement out.

Reason briefly first. Then end your reply with the numbers of every contradicted statement, separated by commas, inside a <contradicted> tag, for example <contradicted>2, 5</contradicted>. If no statement is contradicted, write <contradicted></contradicted>.`;

const RETRY_VERDICT = 'Your reply did not end with a grade in the required form. Reply again: your reasoning, then exactly one of <verdict>correct</verdict> or <verdict>incorrect</verdict> on the last line.';
const RETRY_CONTRADICTION = 'Your reply did not end with the statement numbers in the required form. Reply again: brief reasoning, then the numbers of the contradicted statements inside <contradicted></contradicted> (empty if none).';

/** Inputs of a judge prompt. */
export interface JudgePromptInput {
  question?: string;
  context?: string;
  answer: string;
  groundTruths: string[];
}

/** The context-grounded correctness judge (rubric `context`). */
export function contextJudgeMessages(input: JudgePromptInput): RenderedMessage[] {
  const parts = [
    `<context>\n${input.context?.trim() || '(no context was provided; judge against the reference answer)'}\n</context>`,
    `<question>\n${input.question?.trim() ?? ''}\n</question>`,
    `<answer_to_grade>\n${input.answer}\n</answer_to_grade>`,
  ];
  if (input.groundTruths.length) parts.push(`<reference_answer>\n${input.groundTruths.join('\n')}\n</reference_answer>`);
  return [{ role: 'system', content: CONTEXT_SYSTEM }, { role: 'user', content: parts.join('\n\n') }];
}

/** The contradiction judge (rubric `contradiction`); statements are numbered from 1 in the given order. */
export function contradictionJudgeMessages(input: JudgePromptInput): RenderedMessage[] {
  const statements = input.groundTruths.map((g, i) => `<statement id="${i + 1}">${g}</statement>`).join('\n');
  const user = `<question>\n${input.question?.trim() ?? ''}\n</question>\n\n<answer>\n${input.answer}\n</answer>\n\n<statements>\n${statements}\n</statements>`;
  return [{ role: 'system', content: CONTRADICTION_SYSTEM }, { role: 'user', content: user }];
}

/** Longest tail of the unreadable reply quoted back in a retry (the tail is where the grade should have been). */
const MAX_QUOTED_REPLY = 600;
/** Below this many reply tokens a retry cannot say anything useful, so none is made. */
const MIN_RETRY_REPLY_TOKENS = 32;

const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * The retry after an unreadable reply: the same conversation, the tail of the reply and a reminder of the format.
 * It never needs more context than the first request: whatever it adds to the input (counted in UTF-8 bytes, an
 * upper bound on tokens) comes off the reply budget (`maxTokens`/`maxCompletionTokens`). When too little budget
 * would be left, the quote is dropped; when even the reminder does not fit, there is no retry (undefined).
 */
export function retryRequest(rubric: 'context' | 'contradiction', first: { messages: readonly RenderedMessage[]; params: Readonly<ModelParameters> },
  reply: string): { messages: RenderedMessage[]; params: ModelParameters } | undefined {
  // The reminder also changes the request, so the retry is not answered from the response cache.
  const reminder: RenderedMessage = { role: 'user', content: rubric === 'context' ? RETRY_VERDICT : RETRY_CONTRADICTION };
  const budgetKey = first.params.maxCompletionTokens !== undefined ? 'maxCompletionTokens' : 'maxTokens';
  const budget = first.params[budgetKey];
  const quoted = reply.slice(-MAX_QUOTED_REPLY);
  const withQuote: RenderedMessage[] = [...first.messages, { role: 'assistant', content: quoted }, reminder];
  if (typeof budget !== 'number') return { messages: withQuote, params: { ...first.params } };
  const fit = (added: number): number => budget - added;
  if (fit(utf8Bytes(quoted) + utf8Bytes(reminder.content)) >= MIN_RETRY_REPLY_TOKENS) {
    return { messages: withQuote, params: { ...first.params, [budgetKey]: fit(utf8Bytes(quoted) + utf8Bytes(reminder.content)) } };
  }
  if (fit(utf8Bytes(reminder.content)) >= MIN_RETRY_REPLY_TOKENS) {
    return { messages: [...first.messages, reminder], params: { ...first.params, [budgetKey]: fit(utf8Bytes(reminder.content)) } };
  }
  return undefined;
}
