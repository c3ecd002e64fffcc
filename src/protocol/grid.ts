// The results grid: rows are the test set's examples, columns every system of the comparison (baseline, candidates,
// prompt variants). The host holds the whole grid and answers one page of the filtered, searched rows at a time.
// Leaf module: imports nothing. Every string here is untrusted data: the webview renders it as text only.

/**
 * Which rows the grid shows (with a focus column, the condition applies to that column only):
 * - `failures`: a cell fails (primary metric incorrect, schema failure, request error, or a style finding)
 * - `disagreements`: a human label disagrees with the judge's verdict on a cell
 * - `idk`: a cell is an IDK answer
 * - `regressions`: a candidate or variant fails where the baseline passes
 */
export type GridFilter = 'all' | 'failures' | 'disagreements' | 'idk' | 'regressions';
export const GRID_FILTERS: readonly GridFilter[] = ['all', 'failures', 'disagreements', 'idk', 'regressions'];

/**
 * A cell's outcome on the primary metric: `idk` whatever the verdict (shown apart), `fail` for an incorrect verdict
 * or an answer that did not parse, `error` for a request error, `unjudged` without a verdict, `missing` without output.
 */
export type GridStatus = 'pass' | 'fail' | 'idk' | 'error' | 'unjudged' | 'missing';
export const GRID_STATUSES: readonly GridStatus[] = ['pass', 'fail', 'idk', 'error', 'unjudged', 'missing'];

export interface GridCell {
  status: GridStatus;
  /** Style findings in the answer (a cell that is correct with findings fails on style). */
  style: number;
  /** The current human label of the output. */
  label?: 'correct' | 'incorrect' | 'unsure';
  /** The label contradicts the judge's verdict. */
  disagrees?: boolean;
  /** The start of the answer on one line, control characters shown as symbols (the review shows it whole). */
  text: string;
}

export interface GridColumn {
  systemId: string;
  candidateId: string;
  model: string;
  /** Prompt file, relative to the project. */
  prompt: string;
  kind: 'baseline' | 'candidate' | 'variant';
}

export interface GridRow {
  /** Position of the example in the test set (what the review's unfiltered list is indexed by). */
  index: number;
  exampleId: string;
  /** The start of the question on one line. */
  question: string;
  /** One per column, in column order. */
  cells: GridCell[];
}

export interface GridQuery {
  filter: GridFilter;
  /** Case-insensitive text looked for in the example id, the question and every output. */
  search?: string;
  /** Apply the filter to this column only. */
  systemId?: string;
}

export interface GridPage extends GridQuery {
  testSetId: string;
  /** Rows matching the query (all pages). */
  total: number;
  /** Examples in the test set. */
  size: number;
  offset: number;
  columns: GridColumn[];
  rows: GridRow[];
  /** Rows each filter would show with the same search and focus column. */
  counts: Record<GridFilter, number>;
}

/** A prompt variant's messages beside its parent's, for a word-level diff in the webview. */
export interface PromptPair {
  systemId: string;
  prompt: string;
  text: string;
  /** Absent when the system's prompt is not a variant (or its parent cannot be read). */
  parentPrompt?: string;
  parentText?: string;
}

/** Longest search text the host accepts. */
export const MAX_SEARCH = 200;
