// The built-in prompting guidance, per target model family: short rules with stable ids, written in our own
// words from facts in the providers' public prompting guides. The `guide` strategy hands the rules of the
// target's family to the rewriter model, which applies those that fit; the variant records which it applied.
// Bump GUIDANCE_VERSION whenever a rule's meaning changes, so variants say which pack they came from.

export const GUIDANCE_VERSION = '2026.1';

export interface GuidanceRule { id: string; text: string }

export type ModelFamily = 'openai-gpt' | 'anthropic-claude' | 'amazon-nova' | 'meta-llama' | 'mistral' | 'qwen' | 'google-gemini' | 'general';

export interface GuidancePack { family: ModelFamily; title: string; rules: readonly GuidanceRule[] }

/** Rules that hold for most instruction-following models; added to every family's own rules. */
const GENERAL: readonly GuidanceRule[] = [
  { id: 'general.direct-start', text: 'Ask for the answer itself first, with no preamble, greeting or reference to where it came from.' },
  { id: 'general.explicit-format', text: 'State the exact reply format once, plainly, and say that nothing may come before or after it.' },
  { id: 'general.grounding', text: 'Say plainly that answers come only from the supplied material, and exactly what to reply when the material does not hold the answer.' },
];

const PACKS: Record<Exclude<ModelFamily, 'general'>, { title: string; rules: GuidanceRule[] }> = {
  'openai-gpt': { title: 'OpenAI GPT', rules: [
    { id: 'gpt.instructions-first', text: 'Put the instructions before the supplied material and set the material apart with clear delimiters.' },
    { id: 'gpt.literal', text: 'Recent GPT models follow instructions literally: state every requirement outright instead of implying it.' },
    { id: 'gpt.positive', text: 'Say what the model should do, not only what it should avoid.' },
  ] },
  'anthropic-claude': { title: 'Anthropic Claude', rules: [
    { id: 'claude.xml-sections', text: 'Wrap the distinct parts of the prompt (instructions, documents, question) in descriptive XML tags.' },
    { id: 'claude.reason', text: 'Give the reason behind an important constraint; Claude generalises from the reason.' },
    { id: 'claude.documents-first', text: 'Place long documents above the question, and the question and final instructions at the end.' },
  ] },
  'amazon-nova': { title: 'Amazon Nova', rules: [
    { id: 'nova.emphasis', text: 'Write the few rules that must never be broken in capitals (MUST, DO NOT), and only those.' },
    { id: 'nova.sections', text: 'Organise the system prompt into short titled sections (task, context rules, reply format).' },
    { id: 'nova.system-rules', text: 'Keep the persona and every reply rule in the system message, not the user turn.' },
  ] },
  'meta-llama': { title: 'Meta Llama', rules: [
    { id: 'llama.short-system', text: 'Keep the system message short and direct, with the task in its first sentence.' },
    { id: 'llama.no-extra-text', text: 'Say that the reply contains the required format only, with no introduction or closing remark.' },
  ] },
  mistral: { title: 'Mistral', rules: [
    { id: 'mistral.structure', text: 'Give the prompt a clear structure with headed parts, and keep each instruction in one place.' },
    { id: 'mistral.no-conflicts', text: 'Remove instructions that pull in different directions; one rule per concern.' },
  ] },
  qwen: { title: 'Qwen', rules: [
    { id: 'qwen.system-rules', text: 'Put the rules in the system message and keep the user turn for the material and the question.' },
    { id: 'qwen.format-example', text: 'Show one literal example of the expected reply format.' },
    { id: 'qwen.language', text: 'Say which language to reply in.' },
  ] },
  'google-gemini': { title: 'Google Gemini', rules: [
    { id: 'gemini.constraints', text: 'State the constraints (length, tone, what to leave out) explicitly rather than by example alone.' },
    { id: 'gemini.context-then-question', text: 'Give the context first and then the question, referring back to "the material above".' },
    { id: 'gemini.prefix', text: 'Mark where the answer starts with an output prefix or the opening of the required format.' },
  ] },
};

const FAMILY_PATTERNS: readonly [RegExp, ModelFamily][] = [
  [/\bgpt|^o\d|openai/iu, 'openai-gpt'],
  [/claude|anthropic/iu, 'anthropic-claude'],
  [/nova|amazon\./iu, 'amazon-nova'],
  [/llama|meta\./iu, 'meta-llama'],
  [/mistral|mixtral|ministral|codestral/iu, 'mistral'],
  [/qwen/iu, 'qwen'],
  [/gemini|gemma|google/iu, 'google-gemini'],
];

/** The family of a model id (`us.amazon.nova-2-lite-v1:0` → amazon-nova); `general` when none matches. */
export function familyOf(model: string): ModelFamily {
  return FAMILY_PATTERNS.find(([re]) => re.test(model))?.[1] ?? 'general';
}

/** The guidance for a model: its family's rules, then the general ones. */
export function guidanceFor(model: string): GuidancePack {
  const family = familyOf(model);
  if (family === 'general') return { family, title: 'General', rules: GENERAL };
  const pack = PACKS[family];
  return { family, title: pack.title, rules: [...pack.rules, ...GENERAL] };
}

/** Every family's pack (for the documentation and tests). */
export const ALL_FAMILIES: readonly ModelFamily[] = [...Object.keys(PACKS) as ModelFamily[], 'general'];
