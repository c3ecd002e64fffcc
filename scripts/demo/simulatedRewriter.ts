// The SIMULATED rewriter behind the adaptation demo: a deterministic stand-in for the model that rewrites
// prompts, served by the simulated model server as `sim-rewriter`. It reads the request Prompt Adapt sends
// (the prompt's messages plus guidance rules or failures) and answers in the requested form:
//   - guidance request: for each rule id it knows, adds one sentence to the system message (and lists the
//     ids it applied); none of these sentences is one the simulated answering models react to, so on the
//     demo's target the `guide` variant changes nothing measurable;
//   - failures request: from the failures' feedback, adds the instruction that addresses each pattern it
//     recognises: a stock opening phrase, answers that are too long, refusals where the articles hold the
//     answer; for wrong answers alone it adds a generic "check every fact" sentence. A sentence already in
//     the prompt is not added twice, so a round with nothing new returns the prompt unchanged.
// `sim-rewriter-garbage` always replies with chatty prose in no usable form (for tests of unreadable replies).
interface Msg { role: string; content: string }

export const REWRITERS: Readonly<Record<string, { latencyMs: number; design: string }>> = {
  'sim-rewriter': { latencyMs: 80, design: 'rewrites prompts by fixed, documented rules (scripts/demo/simulatedRewriter.ts)' },
  'sim-rewriter-garbage': { latencyMs: 80, design: 'never replies in the requested form' },
};

/** What the simulated rewriter adds for the guidance rules it knows. */
const GUIDE_SENTENCES: Readonly<Record<string, string>> = {
  'general.direct-start': 'Give the answer first, without an introduction or a greeting.',
  'general.explicit-format': 'Reply with the XML element only, with nothing before or after it.',
  'general.grounding': 'Use only what the articles state; if they do not hold the answer, reply that you cannot answer.',
  'nova.emphasis': 'You MUST answer ONLY from the articles.',
  'gpt.literal': 'Follow every instruction above exactly as written.',
  'claude.reason': 'Customers act on these answers, so an answer the articles do not support can cost them money.',
};

const STOCK_OPENING = 'Do not start an answer with "according to" or any other mention of the articles; begin with the answer itself.';
const SHORTER = 'Keep every answer under 50 words.';
const ANSWER_MORE = 'Answer whenever the articles contain the answer; say you cannot answer only when they do not.';
const CHECK_FACTS = 'Check every fact in your answer against the articles before you reply.';

function messagesOf(request: string): Msg[] {
  return [...request.matchAll(/<message index="\d+" role="(\w+)">\n([\s\S]*?)\n<\/message>/gu)].map((m) => ({ role: m[1]!, content: m[2]! }));
}

/** Sentences a failures request calls for, in a fixed order. */
function reflectSentences(request: string): string[] {
  const feedback = [...request.matchAll(/<feedback>([\s\S]*?)<\/feedback>/gu)].map((m) => m[1]!).join('\n');
  const out: string[] = [];
  if (/according to/iu.test(feedback)) out.push(STOCK_OPENING);
  if (/too many words/iu.test(feedback)) out.push(SHORTER);
  if (/kind="idk-answerable"/u.test(request)) out.push(ANSWER_MORE);
  if (/kind="(?:judged|labelled)-incorrect"/u.test(request)) out.push(CHECK_FACTS);
  return out;
}

/** The simulated rewriter's reply to one request (the user message Prompt Adapt sent). */
export function rewriterReply(model: string, messages: readonly Msg[]): string {
  if (model === 'sim-rewriter-garbage') return 'Great question! A better prompt would be friendlier and more engaging. Let me know if you want more ideas.';
  const request = messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  const prompt = messagesOf(request);
  const guide = /<guidance /u.test(request);
  const rules = guide ? [...request.matchAll(/<rule id="([^"]+)">/gu)].map((m) => m[1]!).filter((id) => id in GUIDE_SENTENCES) : [];
  const wanted = guide ? rules.map((id) => GUIDE_SENTENCES[id]!) : reflectSentences(request);
  const at = Math.max(0, prompt.findIndex((m) => m.role === 'system'));
  const added = wanted.filter((s) => !prompt[at]?.content.includes(s));
  const edited = prompt.map((m, i) => (i === at && added.length ? `${m.content.replace(/\s+$/u, '')}\n${added.join('\n')}` : m.content));
  const rationale = added.length ? `(Simulated rewriter.) Added: ${added.join(' ')}` : '(Simulated rewriter.) Nothing in the request calls for a change I know how to make.';
  return [`<rationale>${rationale}</rationale>`, `<rules_applied>${guide && rules.length ? rules.join(', ') : 'none'}</rules_applied>`,
    ...edited.map((c, i) => `<message index="${i + 1}">\n${c}\n</message>`)].join('\n');
}
