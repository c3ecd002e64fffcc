// Generation parameters: the only request fields a workspace file (a prompt's modelParameters, a candidate's or a
// judge's params, a .prompty's model.parameters, a Dotprompt's config) may set. Everything else in a request —
// the model, the messages, how many answers, streaming, storage, service tier, user ids, metadata, tools — is set
// by Prompt Adapt or by the user's own endpoint settings, so a shared repository cannot make a comparison measure
// another model, multiply its cost or have the provider keep the completions. Each provider kind lists which of
// these it sends (its descriptor's `parameters`); the names are the prompt files' camelCase ones.

export type ParameterValue =
  | { type: 'number'; min: number; max: number }
  | { type: 'integer'; min?: number; max?: number }
  | { type: 'stop' }
  | { type: 'choice'; values: readonly string[] }
  | { type: 'responseFormat' };

export interface GenerationParameter {
  value: ParameterValue;
  /** One line for error messages and hovers. */
  summary: string;
}

/** Every generation parameter any provider kind sends. */
export const GENERATION_PARAMETERS = {
  temperature: { value: { type: 'number', min: 0, max: 2 }, summary: 'sampling temperature' },
  topP: { value: { type: 'number', min: 0, max: 1 }, summary: 'nucleus sampling mass' },
  topK: { value: { type: 'integer', min: 1 }, summary: 'sample from the k most likely tokens' },
  maxTokens: { value: { type: 'integer', min: 1 }, summary: 'longest answer, in tokens' },
  maxCompletionTokens: { value: { type: 'integer', min: 1 }, summary: 'longest answer including reasoning tokens' },
  stop: { value: { type: 'stop' }, summary: 'text (or list of texts) that ends the answer' },
  seed: { value: { type: 'integer' }, summary: 'sampling seed' },
  frequencyPenalty: { value: { type: 'number', min: -2, max: 2 }, summary: 'penalty for tokens by how often they appeared' },
  presencePenalty: { value: { type: 'number', min: -2, max: 2 }, summary: 'penalty for tokens that appeared at all' },
  responseFormat: { value: { type: 'responseFormat' }, summary: "answer format: { type: text | json_object | json_schema }" },
  reasoningEffort: { value: { type: 'choice', values: ['none', 'minimal', 'low', 'medium', 'high'] }, summary: 'how much a reasoning model thinks' },
} as const satisfies Record<string, GenerationParameter>;

export type ParameterName = keyof typeof GENERATION_PARAMETERS;
export const PARAMETER_NAMES = Object.keys(GENERATION_PARAMETERS) as ParameterName[];

/** Other spellings of the same parameter (Dotprompt/Gemini, Bedrock). */
export const PARAMETER_ALIASES: Readonly<Record<string, ParameterName>> = {
  maxOutputTokens: 'maxTokens', stopSequences: 'stop',
};

/**
 * Request fields that never come from a workspace file, with the reason shown in the error. (Any other unknown
 * key is refused too; these get a clearer message because they are the ones that change what is measured,
 * what it costs, or what the provider keeps.)
 */
export const REFUSED_REQUEST_FIELDS: Readonly<Record<string, string>> = {
  model: 'the model comes from the candidate (project file), so every record names the model that answered',
  modelId: 'the model comes from the candidate (project file)',
  messages: 'the messages come from the prompt\'s messages',
  system: 'the messages come from the prompt\'s messages',
  n: 'one answer per request is what the statistics count; more would multiply the cost',
  bestOf: 'one answer per request; more would multiply the cost',
  stream: 'Prompt Adapt chooses how it reads the answer',
  streamOptions: 'Prompt Adapt chooses how it reads the answer',
  store: 'whether the provider keeps completions is an account decision, not a workspace file\'s',
  serviceTier: 'the service tier changes billing; set it in your endpoint settings if your provider needs it',
  user: 'user identifiers are not sent from workspace files',
  safetyIdentifier: 'user identifiers are not sent from workspace files',
  metadata: 'request metadata is stored by the provider; it is not sent from workspace files',
  promptCacheKey: 'cache routing is not set from workspace files',
  tools: 'tool definitions are not supported in comparisons',
  toolChoice: 'tool definitions are not supported in comparisons',
  toolConfig: 'tool definitions are not supported in comparisons',
  parallelToolCalls: 'tool definitions are not supported in comparisons',
  functions: 'tool definitions are not supported in comparisons',
  functionCall: 'tool definitions are not supported in comparisons',
  webSearchOptions: 'web search is billed per call and is not supported in comparisons',
  prediction: 'predicted outputs change billing',
  audio: 'only text answers are compared',
  modalities: 'only text answers are compared',
  logprobs: 'log probabilities are not stored',
  topLogprobs: 'log probabilities are not stored',
  logitBias: 'token biases are not sent from workspace files',
  additionalModelRequestFields: 'provider-specific request fields are not sent from workspace files; use the parameters listed',
  inferenceConfig: 'write the parameters themselves (temperature, maxTokens, …)',
  guardrailConfig: 'guardrails belong to your endpoint settings',
  performanceConfig: 'latency tiers change billing',
  requestMetadata: 'request metadata is not sent from workspace files',
  extraBody: 'raw request fields are not sent from workspace files',
  extraHeaders: 'headers are not sent from workspace files',
};

export const isParameterName = (key: string): key is ParameterName => Object.hasOwn(GENERATION_PARAMETERS, key);

/** Why a value is not acceptable for a parameter (undefined when it is); the value is what YAML/JSON gave. */
export function parameterValueProblem(name: ParameterName, value: unknown): string | undefined {
  const rule: ParameterValue = GENERATION_PARAMETERS[name].value;
  switch (rule.type) {
    case 'stop':
      return typeof value === 'string' || (Array.isArray(value) && value.every((s) => typeof s === 'string')) ? undefined : 'must be a string or a list of strings';
    case 'choice':
      return typeof value === 'string' && rule.values.includes(value) ? undefined : `must be one of ${rule.values.join(', ')}`;
    case 'responseFormat': return responseFormatProblem(value);
    default: {
      if (typeof value !== 'number' || Number.isNaN(value)) return 'must be a number';
      if (rule.type === 'integer' && !Number.isInteger(value)) return `must be a whole number, not ${value}`;
      const { min, max } = rule;
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
        return `must be ${max === undefined ? `at least ${min}` : min === undefined ? `at most ${max}` : `between ${min} and ${max}`}, not ${value}`;
      }
      return undefined;
    }
  }
}

function responseFormatProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return "must be a mapping such as '{ type: json_object }'";
  const v = value as Record<string, unknown>;
  const extra = Object.keys(v).filter((k) => k !== 'type' && k !== 'json_schema' && k !== 'jsonSchema');
  if (extra.length) return `may hold only 'type' and 'json_schema', not '${extra[0]}'`;
  if (v.type !== 'text' && v.type !== 'json_object' && v.type !== 'json_schema') return "needs 'type: text', 'type: json_object' or 'type: json_schema'";
  if (v.type === 'json_schema' && typeof (v.json_schema ?? v.jsonSchema) !== 'object') return "with 'type: json_schema' needs a 'json_schema' mapping (name, schema)";
  return undefined;
}

/** The message for a key that is not a generation parameter at all. */
export function notAParameterMessage(key: string, allowed: readonly string[] = PARAMETER_NAMES): string {
  const camel = key.replace(/[_-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const reason = REFUSED_REQUEST_FIELDS[camel];
  return reason
    ? `'${key}' cannot be set from a workspace file: ${reason}. Model parameters allowed here: ${allowed.join(', ')}.`
    : `'${key}' is not a model parameter Prompt Adapt sends. Allowed: ${allowed.join(', ')}.`;
}

/**
 * Checks already-parsed parameters (camelCase, as stored in a plan item) against a provider kind's list: the
 * problems, one per offending key. The providers call this before building a request, so nothing outside the
 * list reaches a server even when a caller skipped the file checks.
 */
export function parameterProblems(params: Readonly<Record<string, unknown>>, allowed: readonly ParameterName[], kindName: string): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (!isParameterName(key)) { out.push(notAParameterMessage(key, allowed)); continue; }
    if (!allowed.includes(key)) { out.push(`'${key}' is not sent to ${kindName} endpoints; they take ${allowed.join(', ')}.`); continue; }
    const p = parameterValueProblem(key, value);
    if (p) out.push(`'${key}' ${p}.`);
  }
  return out;
}
