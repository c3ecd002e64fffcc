// The quick side-by-side check: one input (a test-set row, edited or typed) sent to several candidates at once,
// their replies streamed as they are written, with time to first token, latency, tokens and cost for each.
// Nothing is stored: no run, no cache entry. `quickCheckRecord` is what "Save" writes when the user asks.
import { toMessage, UserError } from '../errors';
import { parseOutput } from '../answer/parse';
import type { Candidate, Example, ProjectFile, TestSetSpec } from '../project/types';
import { readExamples, testSetSource } from '../project/testSet';
import { exampleValues, formatValue, renderMessages } from '../prompt/render';
import type { PromptFile } from '../prompt/types';
import type { ModelProvider } from '../providers/provider';
import { streamOrComplete } from '../providers/streaming';
import { costOf } from '../runner/recorder';

/** One candidate's reply in a quick check. */
export interface QuickCheckResult {
  candidateId: string;
  model: string;
  /** The whole reply as received (empty on error). */
  text: string;
  /** The parsed answer and IDK flag, per the prompt's output spec. */
  answer?: string;
  idk?: boolean;
  schemaValid?: boolean;
  /** Time to first token (ms); for a provider that cannot stream, the whole call. */
  firstTokenMs?: number;
  latencyMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** USD from the candidate's price; undefined without a price. */
  cost?: number;
  streamed?: boolean;
  error?: string;
}

export interface QuickCheckInput {
  project: ProjectFile;
  prompt: PromptFile;
  /** The template variables' values. */
  values: Readonly<Record<string, string>>;
  candidateIds: readonly string[];
}

export interface QuickCheckEvents {
  /** A new piece of a candidate's reply. */
  text?(candidateId: string, piece: string): void;
  /** A candidate finished (or failed). */
  done?(result: QuickCheckResult): void;
}

/** The variables a prompt uses, in order of first use. */
export const promptVariables = (prompt: PromptFile): string[] => [...new Set(prompt.messages.flatMap((m) => m.variables.map((v) => v.name)))];

/** A row to pick from: its id, a short label and the prompt's variables filled from it, as text. */
export interface QuickCheckRow { id: string; label: string; values: Record<string, string> }

/** The first `limit` rows of a test set, with the prompt's variables filled in (what the row picker offers). */
export async function quickCheckRows(project: ProjectFile, spec: TestSetSpec, prompt: PromptFile, limit = 500): Promise<QuickCheckRow[]> {
  const variables = promptVariables(prompt);
  const rows: QuickCheckRow[] = [];
  for await (const e of readExamples(testSetSource(project, spec), { limit })) rows.push(rowOf(e, spec, variables));
  return rows;
}

function rowOf(e: Example, spec: TestSetSpec, variables: readonly string[]): QuickCheckRow {
  const all = exampleValues(e.fields, spec.fields);
  const values = Object.fromEntries(variables.map((v) => [v, all[v] === undefined || all[v] === null ? '' : formatValue(all[v])]));
  const question = all.question === undefined ? '' : formatValue(all.question);
  return { id: e.id, label: `${e.id}${question ? `: ${question.replace(/\s+/g, ' ').slice(0, 80)}` : ''}`, values };
}

/** The candidates of a quick check, in the order asked; an unknown id is an error naming the known ones. */
function candidatesOf(project: ProjectFile, ids: readonly string[]): Candidate[] {
  if (!ids.length) throw new UserError('Choose at least one candidate for the quick check.');
  return ids.map((id) => {
    const c = project.candidates.find((x) => x.id === id);
    if (!c) throw new UserError(`No candidate '${id}' in the project (it has: ${project.candidates.map((x) => x.id).join(', ')}).`);
    return c;
  });
}

/**
 * Sends the rendered prompt to every chosen candidate at once and streams each reply. A variable without a value
 * refuses the whole check before anything is sent; a failing candidate gets its error, the others go on.
 */
export async function runQuickCheck(input: QuickCheckInput, providerFor: (endpointId: string) => Promise<ModelProvider>,
  events: QuickCheckEvents = {}, signal: AbortSignal = new AbortController().signal): Promise<QuickCheckResult[]> {
  const candidates = candidatesOf(input.project, input.candidateIds);
  const values = Object.fromEntries(Object.entries(input.values).filter(([, v]) => v !== ''));
  const rendered = renderMessages(input.prompt.messages, values);
  if (rendered.missing.length) throw new UserError(`No value for ${rendered.missing.map((m) => `{{${m}}}`).join(', ')}: fill it in or pick a row.`);
  return Promise.all(candidates.map(async (c): Promise<QuickCheckResult> => {
    let result: QuickCheckResult;
    try {
      const provider = await providerFor(c.endpoint);
      const params = { ...input.prompt.modelParameters, ...c.params };
      const r = await streamOrComplete(provider, { model: c.model, messages: rendered.messages, params }, signal, (piece) => events.text?.(c.id, piece));
      const parsed = parseOutput(r.text, input.prompt.adapt.output);
      result = { candidateId: c.id, model: c.model, text: r.text, answer: parsed.answer, idk: parsed.idk, schemaValid: parsed.schemaValid,
        firstTokenMs: r.firstTokenMs, latencyMs: r.latencyMs, inputTokens: r.inputTokens, outputTokens: r.outputTokens,
        cost: costOf(c, r.inputTokens, r.outputTokens), streamed: r.streamed };
    } catch (err) {
      result = { candidateId: c.id, model: c.model, text: '', error: signal.aborted ? 'stopped' : toMessage(err) };
    }
    events.done?.(result);
    return result;
  }));
}

/** What "Save" writes: the prompt, the input, and each candidate's reply and figures. */
export function quickCheckRecord(input: Omit<QuickCheckInput, 'project'> & { projectPath: string; promptPath: string; row?: { testSetId: string; id: string } },
  results: readonly QuickCheckResult[], at = new Date()): Record<string, unknown> {
  return {
    kind: 'prompt-adapt.quick-check', version: 1, at: at.toISOString(), project: input.projectPath, prompt: input.promptPath,
    ...(input.row ? { row: input.row } : {}), values: input.values, results,
  };
}
