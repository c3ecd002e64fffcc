// What the output parsers return: the answer, the "I don't know" flag and whether the output followed
// the prompt's output schema.

/** One model output read according to the prompt's `adapt.output` spec. */
export interface ParsedOutput {
  /** The answer text (entities decoded, CDATA unwrapped, trimmed); `''` when none could be found. */
  answer: string;
  /** The model declined to answer ("I don't know"). */
  idk: boolean;
  /** The output followed the schema: the product could have used it as is. */
  schemaValid: boolean;
  /** Why the output is not schema-valid (or a note on how it was read); at most ~200 characters. */
  reason?: string;
}

/** Longest reason kept: parser messages can quote the whole (possibly megabyte) input. */
export const MAX_REASON = 200;

export function clip(text: string, max = MAX_REASON): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function invalid(reason: string, answer = '', idk = false): ParsedOutput {
  return { answer, idk, schemaValid: false, reason: clip(reason) };
}
