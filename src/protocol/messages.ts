// Messages between the extension host and the webview. Leaf module: imports only its sibling shapes, so both
// sides (Node and the browser bundle) share exactly these types. The webview is an untrusted boundary once it
// renders model output, so the host accepts only what `parseWebviewMessage` lets through.
import { ESTIMATOR_IDS, type ComparisonReport, type EstimatorInfo, type EstimatorName } from './comparison';
import type { AdaptationView } from './adaptation';
import { GRID_FILTERS, MAX_SEARCH, type GridFilter, type GridPage, type PromptPair } from './grid';

export const PROTOCOL_VERSION = 1;

export type PanelView = 'comparison' | 'calibration' | 'variants' | 'decision' | 'grid' | 'review' | 'label' | 'adaptation';
export const PANEL_VIEWS: readonly PanelView[] = ['comparison', 'calibration', 'variants', 'decision', 'grid', 'review', 'label', 'adaptation'];

/** Which examples the review list shows (for the selected system unless said otherwise). */
export type ReviewFilter = 'all' | 'disagreements' | 'failures' | 'idk' | 'style' | 'unlabelled';
export const REVIEW_FILTERS: readonly ReviewFilter[] = ['all', 'disagreements', 'failures', 'idk', 'style', 'unlabelled'];

/** A reviewer's label of one output; the store's label records and the comparison use this one union. */
export const HUMAN_LABELS = ['correct', 'incorrect', 'unsure'] as const;
export type HumanLabelName = (typeof HUMAN_LABELS)[number];

/** What the panel needs to redraw itself; also what the webview persists with setState (and the serializer restores). */
export interface PanelState {
  view: PanelView;
  /** Selected test set; the first one when absent. */
  testSetId?: string;
  estimator?: EstimatorName;
  review?: { filter: ReviewFilter; systemId?: string; /** Selected row in the filtered list. */ index: number; /** Word differences shown. */ diff?: boolean };
  /** The results grid: query, and the focused cell (row in the filtered list, column index). */
  grid?: { filter: GridFilter; search?: string; systemId?: string; row: number; col: number };
}

/** A style finding inside an output: UTF-16 offsets into `ReviewOutput.text` (end exclusive). */
export interface TextSpan { start: number; end: number; ruleId: string; message: string }

/** One metric's verdict on one output. */
export interface ReviewVerdict { metricId: string; verdict: 0 | 1 | null; reason?: string; reasoning?: string; judgeModel?: string }

/** One system's output for one example. All strings are untrusted data: render them as text only. */
export interface ReviewOutput {
  systemId: string;
  candidateId: string;
  model: string;
  outputHash?: string;
  /** The parsed answer (what style findings point into); the raw output when it could not be parsed. */
  text: string;
  /** The raw output, when it differs from `text`. */
  raw?: string;
  idk: boolean;
  schemaValid: boolean;
  error?: string;
  latencyMs?: number;
  words?: number;
  findings: TextSpan[];
  verdicts: ReviewVerdict[];
  /** The current human label of this output, if any. */
  label?: HumanLabelName;
}

/** One example, side by side: the baseline's output and the selected system's. */
export interface ReviewRow {
  exampleId: string;
  /** 1-based line in the test-set file. */
  line: number;
  question: string;
  context: string;
  groundTruth: string[];
  baseline?: ReviewOutput;
  candidate?: ReviewOutput;
}

/** A system the review can show (baseline or candidate, possibly a prompt variant). */
export interface ReviewSystem { systemId: string; candidateId: string; model: string; prompt: string; isBaseline: boolean }

export interface ReviewPage {
  testSetId: string;
  systemId?: string;
  filter: ReviewFilter;
  /** Rows in the filtered list (all pages). */
  total: number;
  offset: number;
  rows: ReviewRow[];
  systems: ReviewSystem[];
}

/** An output to label blind: no system, no verdict. */
export interface LabelItem {
  /** Opaque key the host resolves to the output (never the system or the verdict). */
  key: string;
  exampleId: string;
  question: string;
  context: string;
  groundTruth: string[];
  output: string;
  /** Why the planner chose this output next, in words that name neither the system nor the verdict. */
  reason?: string;
}

/** Progress toward the planner's target. */
export interface LabelProgress {
  testSetId: string;
  /** Current (non-withdrawn) labels in the test set's labels file. */
  labelled: number;
  /** Labels the planner asks for in total; 0 when labels alone will not help (`message` says why). */
  target: number;
  /** The planner's sentence, e.g. "Label about 40 more outputs to reach ±3.0 pp". */
  message?: string;
}

export interface LabelQueue { items: LabelItem[]; progress: LabelProgress }

export type ExportFormat = 'csv' | 'markdown';

/** Formats of the full report (the names `renderReport` takes; `junit` is written as `.xml`). */
export type ReportFormatName = 'html' | 'md' | 'csv' | 'json' | 'junit';
export const REPORT_FORMAT_NAMES: readonly ReportFormatName[] = ['html', 'md', 'csv', 'json', 'junit'];

/** Request/response pairs: the webview asks, the host answers exactly once with a `response` of the same id. */
export interface Requests {
  getComparison: { params: { estimator?: EstimatorName }; result: ComparisonReport };
  getReviewPage: { params: { testSetId: string; systemId?: string; filter: ReviewFilter; offset: number; limit: number }; result: ReviewPage };
  getGridPage: { params: { testSetId: string; filter: GridFilter; search?: string; systemId?: string; offset: number; limit: number }; result: GridPage };
  /** A system's prompt messages and, for a prompt variant, its parent's (the one the comparison compares it with). */
  getPromptPair: { params: { testSetId: string; systemId: string }; result: PromptPair };
  getLabelQueue: { params: { testSetId: string; size: number }; result: LabelQueue };
  label: { params: { testSetId: string; key: string; label: HumanLabelName; note?: string }; result: LabelProgress };
  /** Withdraws this panel's most recent label; the output comes back to the front of the queue. */
  undoLabel: { params: { testSetId: string }; result: { progress: LabelProgress; item?: LabelItem } };
  openInTestSet: { params: { testSetId: string; exampleId: string }; result: boolean };
  copyText: { params: { text: string; what: string }; result: boolean };
  exportView: { params: { view: PanelView; format: ExportFormat; testSetId?: string; estimator?: EstimatorName }; result: { path?: string } };
  /** The results grid's rows under its current filter, search and focus column, as CSV where the user says (`path` absent when cancelled). */
  exportGrid: { params: { testSetId: string; filter: GridFilter; search?: string; systemId?: string }; result: { path?: string; rows?: number } };
  /**
   * Writes the full report of the current comparison (every test set, decisions and selection). Without a
   * format the host asks for one; the host always asks where to save. `path` is absent when cancelled.
   */
  exportReport: { params: { format?: ReportFormatName; estimator?: EstimatorName }; result: { path?: string } };
  /** Runs a prompt whose results are stale on a test set again (the host takes its candidates from the comparison). */
  runAgain: { params: { testSetId: string; prompt: string }; result: boolean };
  /** The stored adaptations of the project, newest first. */
  getAdaptations: { params: Record<string, never>; result: AdaptationView[] };
  /** Opens a variant beside its parent in a diff editor. */
  openVariantDiff: { params: { adaptationId: string; tag: string }; result: boolean };
  /** Adds the candidate row pairing the adaptation's candidate with the variant to the project file. */
  adoptVariant: { params: { adaptationId: string; tag: string }; result: { candidateId: string; added: boolean } };
  /** Starts "Adapt for…" on the candidate's own prompt with the candidate chosen (the host asks the rest). */
  adaptFor: { params: { candidateId: string }; result: boolean };
}
export type Method = keyof Requests;
export type RequestMsg = { [M in Method]: { type: 'request'; id: number; method: M; params: Requests[M]['params'] } }[Method];

export type WebviewToHost =
  | { type: 'ready'; version: number }
  | RequestMsg;

export type HostToWebview =
  /** `estimators`: what the estimator selector offers (absent: the bare ids). */
  | { type: 'init'; state?: PanelState; report?: ComparisonReport; estimators?: EstimatorInfo[] }
  /** The comparison was recomputed (labels arrived, runs changed, estimator switched). */
  | { type: 'comparison'; report: ComparisonReport }
  | { type: 'labels'; progress: LabelProgress }
  | { type: 'response'; id: number; result?: unknown; error?: string };

/** Host side: a complete map, so adding a method fails to compile until someone handles it. */
export type Handlers = { [M in Method]: (p: Requests[M]['params']) => Promise<Requests[M]['result']> };

export function assertNever(x: never): never {
  throw new Error(`unhandled message ${JSON.stringify(x)}`);
}

// ---- validation of what the webview sends ---------------------------------------------------------------

/** Longest string field accepted from the webview (a copied SVG figure is the largest legitimate payload). */
export const MAX_TEXT = 2_000_000;
const MAX_ID = 512;
const MAX_NOTE = 4000;
export const MAX_PAGE = 500;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown, max = MAX_ID): x is string => typeof x === 'string' && x.length <= max;
const optStr = (x: unknown, max = MAX_ID): boolean => x === undefined || str(x, max);
const int = (x: unknown, min: number, max: number): x is number => typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;
const oneOf = <T extends string>(xs: readonly T[], x: unknown): x is T => typeof x === 'string' && (xs as readonly string[]).includes(x);
/** Only the listed keys may be present. */
const onlyKeys = (o: Obj, keys: readonly string[]): boolean => Object.keys(o).every((k) => keys.includes(k));

const paramCheckers: { [M in Method]: (p: Obj) => boolean } = {
  getComparison: (p) => onlyKeys(p, ['estimator']) && (p.estimator === undefined || oneOf(ESTIMATOR_IDS, p.estimator)),
  getReviewPage: (p) => onlyKeys(p, ['testSetId', 'systemId', 'filter', 'offset', 'limit']) && str(p.testSetId) && optStr(p.systemId)
    && oneOf(REVIEW_FILTERS, p.filter) && int(p.offset, 0, 1e9) && int(p.limit, 1, MAX_PAGE),
  getGridPage: (p) => onlyKeys(p, ['testSetId', 'filter', 'search', 'systemId', 'offset', 'limit']) && str(p.testSetId) && oneOf(GRID_FILTERS, p.filter)
    && optStr(p.search, MAX_SEARCH) && optStr(p.systemId) && int(p.offset, 0, 1e9) && int(p.limit, 1, MAX_PAGE),
  getPromptPair: (p) => onlyKeys(p, ['testSetId', 'systemId']) && str(p.testSetId) && str(p.systemId),
  getLabelQueue: (p) => onlyKeys(p, ['testSetId', 'size']) && str(p.testSetId) && int(p.size, 1, MAX_PAGE),
  label: (p) => onlyKeys(p, ['testSetId', 'key', 'label', 'note']) && str(p.testSetId) && str(p.key) && oneOf(HUMAN_LABELS, p.label) && optStr(p.note, MAX_NOTE),
  undoLabel: (p) => onlyKeys(p, ['testSetId']) && str(p.testSetId),
  openInTestSet: (p) => onlyKeys(p, ['testSetId', 'exampleId']) && str(p.testSetId) && str(p.exampleId),
  copyText: (p) => onlyKeys(p, ['text', 'what']) && str(p.text, MAX_TEXT) && str(p.what, 100),
  exportView: (p) => onlyKeys(p, ['view', 'format', 'testSetId', 'estimator']) && oneOf(PANEL_VIEWS, p.view) && oneOf(['csv', 'markdown'] as const, p.format)
    && optStr(p.testSetId) && (p.estimator === undefined || oneOf(ESTIMATOR_IDS, p.estimator)),
  exportGrid: (p) => onlyKeys(p, ['testSetId', 'filter', 'search', 'systemId']) && str(p.testSetId) && oneOf(GRID_FILTERS, p.filter)
    && optStr(p.search, MAX_SEARCH) && optStr(p.systemId),
  exportReport: (p) => onlyKeys(p, ['format', 'estimator']) && (p.format === undefined || oneOf(REPORT_FORMAT_NAMES, p.format))
    && (p.estimator === undefined || oneOf(ESTIMATOR_IDS, p.estimator)),
  runAgain: (p) => onlyKeys(p, ['testSetId', 'prompt']) && str(p.testSetId) && str(p.prompt, 4096),
  getAdaptations: (p) => onlyKeys(p, []),
  openVariantDiff: (p) => onlyKeys(p, ['adaptationId', 'tag']) && str(p.adaptationId) && str(p.tag),
  adoptVariant: (p) => onlyKeys(p, ['adaptationId', 'tag']) && str(p.adaptationId) && str(p.tag),
  adaptFor: (p) => onlyKeys(p, ['candidateId']) && str(p.candidateId),
};

/** The message if it is exactly one of the shapes the webview may send, else undefined. */
export function parseWebviewMessage(x: unknown): WebviewToHost | undefined {
  if (!isObj(x)) return undefined;
  if (x.type === 'ready') return onlyKeys(x, ['type', 'version']) && int(x.version, 0, 1e6) ? { type: 'ready', version: x.version } : undefined;
  if (x.type !== 'request' || !onlyKeys(x, ['type', 'id', 'method', 'params'])) return undefined;
  if (!int(x.id, 0, Number.MAX_SAFE_INTEGER) || typeof x.method !== 'string' || !Object.hasOwn(paramCheckers, x.method)) return undefined;
  const params = x.params === undefined ? {} : x.params;
  if (!isObj(params) || !paramCheckers[x.method as Method](params)) return undefined;
  return { type: 'request', id: x.id, method: x.method as Method, params } as RequestMsg;
}

/** A persisted state if it has the right shape (state comes back from the webview, so it is checked too). */
export function parsePanelState(x: unknown): PanelState | undefined {
  if (!isObj(x) || !oneOf(PANEL_VIEWS, x.view) || !optStr(x.testSetId)) return undefined;
  if (x.estimator !== undefined && !oneOf(ESTIMATOR_IDS, x.estimator)) return undefined;
  const state: PanelState = { view: x.view, testSetId: x.testSetId as string | undefined, estimator: x.estimator as EstimatorName | undefined };
  const r = x.review;
  if (isObj(r) && oneOf(REVIEW_FILTERS, r.filter) && optStr(r.systemId) && int(r.index, 0, 1e9)) {
    state.review = { filter: r.filter, systemId: r.systemId as string | undefined, index: r.index, ...(r.diff === true ? { diff: true } : {}) };
  }
  const g = x.grid;
  if (isObj(g) && oneOf(GRID_FILTERS, g.filter) && optStr(g.search, MAX_SEARCH) && optStr(g.systemId) && int(g.row, 0, 1e9) && int(g.col, 0, 1e4)) {
    state.grid = { filter: g.filter, search: g.search as string | undefined, systemId: g.systemId as string | undefined, row: g.row, col: g.col };
  }
  return state;
}
