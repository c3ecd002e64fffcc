// The prompt model: what every prompt format (.prompt.yml, .prompty, Dotprompt, plain templates) is read into.
import type { Problem, Range } from '../problems';

/**
 * How a test set's fields become template variables (the `fields:` of a test set in prompt-adapt.yml):
 * the well-known roles plus extra variables, each naming a field of the row.
 */
export interface FieldMapping {
  id?: string;
  context?: string;
  question?: string;
  /** One field or several (several ground-truth statements). */
  groundTruth?: string | string[];
  /** Extra template variables: variable name -> field name. */
  [variable: string]: string | string[] | undefined;
}

/** One example (row) of a test set after loading: what a prompt is rendered with. */
export interface Example {
  /** Stable id: the mapped id field, else a hash of the row. */
  id: string;
  /** 1-based line (JSONL/CSV record start) in the source file, for "open in test set". */
  line: number;
  /** The raw row. */
  fields: Record<string, unknown>;
}

export type Role = 'system' | 'user' | 'assistant';

/** A `{{name}}` placeholder inside a message, with its place in the source file. */
export interface VariableRef {
  name: string;
  /** Offsets of the whole `{{ name }}` inside the message content (not the file). */
  contentStart: number;
  contentEnd: number;
  /** Where it is in the source file (for diagnostics, hover, completion). */
  range: Range;
}

export interface PromptMessage {
  role: Role;
  /** The template text exactly as written (whitespace and newlines preserved). */
  content: string;
  variables: VariableRef[];
  /** Where the message's content is in the source file. */
  range: Range;
}

/** How to read a model's output: the answer and the "I don't know" flag. */
export type OutputSpec =
  | { format: 'xml'; /** dotted element path, e.g. `response.answer` */ answer: string; /** element or `@attribute` path whose presence (or true value) means IDK */ idk?: string }
  | { format: 'json'; answer: string; idk?: string }
  | { format: 'text'; /** phrases that mark an IDK answer in plain text */ idkPhrases?: string[] };

/** Style settings a prompt can override on top of the project's (see StyleConfig). */
export interface StyleOverrides {
  disabledRules?: string[];
  phrases?: string[];
  maxWords?: number;
  minWords?: number;
  completeSentences?: boolean;
}

/** Where a variant written by the adaptation assistant came from (`adapt.provenance`). */
export interface AdaptProvenance {
  /** `guide`, `reflect` or `style`. */
  strategy: string;
  round: number;
  /** Content hash of the parent prompt file when the variant was written. */
  parentHash: string;
  /** `endpoint:model` of the rewriter model; absent for deterministic strategies. */
  rewriter?: string;
  /** Seed of the optimisation/sealed split the rewriter learned from. */
  splitSeed: string;
  /** Ids of the guidance rules (or style findings) the rewrite applied. */
  rules?: string[];
  rationale?: string;
  /** Id of the adaptation under `.prompt-adapt/adaptations/`. */
  adaptation?: string;
  /** The variant whose messages this one edits, when not the parent (a later `reflect` round). */
  basedOn?: string;
}

export interface PromptAdaptSection {
  /** Path of the parent prompt, relative to this file. */
  variantOf?: string;
  /** Set on variants written by the adaptation assistant. */
  provenance?: AdaptProvenance;
  output?: OutputSpec;
  style?: StyleOverrides;
}

export interface ModelParameters {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  [other: string]: unknown;
}

export type PromptFormat = 'prompt.yml' | 'prompty' | 'dotprompt' | 'template';

export interface PromptFile {
  /** Absolute path. */
  path: string;
  format: PromptFormat;
  name?: string;
  description?: string;
  model?: string;
  /** Normalised to camelCase whatever spelling the file used. */
  modelParameters: ModelParameters;
  messages: PromptMessage[];
  /** Inline examples (GitHub Models `testData`). */
  testData?: Record<string, unknown>[];
  evaluators?: unknown[];
  adapt: PromptAdaptSection;
}

/** A rendered chat request for one example. */
export interface RenderedMessage { role: Role; content: string }

/** A reference from one user file to another, for document links and "go to". */
export interface FileLink {
  /** Absolute path of the referenced file. */
  target: string;
  /** Where the reference (the path string) is written in the referring file. */
  range: Range;
  kind: 'variantOf' | 'testSet' | 'prompt';
}

/** Ranges of notable parts of a prompt file, for diagnostics about the file rather than one value. */
export interface PromptAnchors {
  /** The first line of the file. */
  top: Range;
  /** The `messages` key (or the front-matter end / first role marker in imported formats). */
  messages?: Range;
  adapt?: Range;
  variantOf?: Range;
}

/** What every prompt parser returns: the model (always, even when broken), its problems and source anchors. */
export interface ParsedPrompt {
  prompt: PromptFile;
  /** Syntax, type and structure problems, each at its exact range. */
  problems: Problem[];
  anchors: PromptAnchors;
  links: FileLink[];
}
