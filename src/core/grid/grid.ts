// The results grid of one test set, built from the review model (the outputs the comparison uses): each cell's
// outcome is computed once into typed arrays, one pass over examples × systems; filters and search are one pass
// over the rows, cached per query until labels change, and a page builds only the rows it returns. Pure: no fs.
import type { GridCell, GridColumn, GridFilter, GridPage, GridQuery, GridRow, GridStatus } from '../../protocol/grid';
import { GRID_FILTERS, GRID_STATUSES } from '../../protocol/grid';
import type { ReviewOutput } from '../../protocol/messages';
import { csvField } from '../report/format';
import type { ReviewData } from '../review/data';

const S = Object.fromEntries(GRID_STATUSES.map((s, i) => [s, i])) as Record<GridStatus, number>;
const NO_VERDICT = -1;
/** Query results kept (a search typed letter by letter makes a few). */
const CACHED_QUERIES = 16;
const QUESTION_CHARS = 200;
const CELL_CHARS = 160;

/** The outcome of one output on the primary metric (see GridStatus). */
export function cellStatus(o: ReviewOutput | undefined, verdict: 0 | 1 | null | undefined): GridStatus {
  if (!o) return 'missing';
  if (o.error) return 'error';
  if (o.idk) return 'idk';
  if (!o.schemaValid || verdict === 0) return 'fail';
  return verdict === 1 ? 'pass' : 'unjudged';
}

// C0/C1 controls, DEL and the bidirectional overrides: shown as symbols so a snippet cannot move the cursor,
// ring a bell in a copied terminal or reorder the text around it.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const controlSymbol = (c: string): string => {
  const code = c.charCodeAt(0);
  return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? '\u2421' : '\ufffd';
};

/** The start of a text on one line: whitespace runs become one space, control characters visible symbols. */
export function oneLine(text: string, max: number): string {
  const flat = text.slice(0, max * 2 + 16).replace(/[\t\n\v\f\r ]+/g, ' ').trim().replace(CONTROLS, controlSymbol);
  return flat.length > max || text.length > max * 2 + 16 ? `${flat.slice(0, max)}…` : flat;
}

export class GridModel {
  readonly columns: GridColumn[];
  private readonly n: number;
  private readonly status: Uint8Array[];
  private readonly style: Uint16Array[];
  private readonly verdict: Int8Array[];
  private readonly hashes: (string | undefined)[][];
  private readonly baseCol: number;
  private haystacks: string[] | undefined;
  private readonly cache = new Map<string, number[]>();
  private cacheVersion = -1;

  constructor(private readonly data: ReviewData) {
    const base = data.baseline;
    this.columns = data.systems.map((s): GridColumn => ({ systemId: s.systemId, candidateId: s.candidateId, model: s.model, prompt: s.prompt,
      kind: s.isBaseline ? 'baseline' : base && s.prompt !== base.prompt ? 'variant' : 'candidate' }));
    this.baseCol = data.systems.findIndex((s) => s.isBaseline);
    this.n = data.examples.length;
    this.status = []; this.style = []; this.verdict = []; this.hashes = [];
    for (const s of data.systems) {
      const status = new Uint8Array(this.n), style = new Uint16Array(this.n), verdict = new Int8Array(this.n);
      const hashes: (string | undefined)[] = new Array(this.n);
      data.examples.forEach((e, i) => {
        const o = data.output(s.systemId, e.exampleId);
        const v = data.verdict(o);
        status[i] = S[cellStatus(o, v)];
        style[i] = Math.min(0xffff, o?.findings.length ?? 0);
        verdict[i] = v === 0 || v === 1 ? v : NO_VERDICT;
        hashes[i] = o?.outputHash;
      });
      this.status.push(status); this.style.push(style); this.verdict.push(verdict); this.hashes.push(hashes);
    }
  }

  /** Correct on the primary metric with no style finding. */
  private passes(c: number, i: number): boolean { return this.status[c]![i] === S.pass && this.style[c]![i] === 0; }

  /** Incorrect, unparsed, a request error, or a style finding on an answer (IDK and missing cells neither pass nor fail). */
  private fails(c: number, i: number): boolean {
    const s = this.status[c]![i];
    return s === S.fail || s === S.error || (this.style[c]![i]! > 0 && s !== S.idk && s !== S.missing);
  }

  private label(c: number, i: number): GridCell['label'] {
    const h = this.hashes[c]![i];
    return h === undefined ? undefined : this.data.labelOf(h);
  }

  private disagrees(c: number, i: number): boolean {
    const v = this.verdict[c]![i];
    if (v === NO_VERDICT) return false;
    const l = this.label(c, i);
    return (l === 'correct' && v === 0) || (l === 'incorrect' && v === 1);
  }

  private cellMatches(filter: GridFilter, c: number, i: number): boolean {
    switch (filter) {
      case 'all': return true;
      case 'failures': return this.fails(c, i);
      case 'disagreements': return this.disagrees(c, i);
      case 'idk': return this.status[c]![i] === S.idk;
      case 'regressions': return c !== this.baseCol && this.baseCol >= 0 && this.fails(c, i) && this.passes(this.baseCol, i);
    }
  }

  private rowMatches(filter: GridFilter, cols: readonly number[], i: number): boolean {
    for (const c of cols) if (this.cellMatches(filter, c, i)) return true;
    return false;
  }

  /** Lower-cased example id, question and outputs of each row, built on the first search. */
  private haystack(i: number): string {
    if (!this.haystacks) {
      this.haystacks = this.data.examples.map((e) => [e.exampleId, e.question,
        ...this.data.systems.map((s) => { const o = this.data.output(s.systemId, e.exampleId); return o ? `${o.text}\n${o.raw ?? ''}\n${o.error ?? ''}` : ''; })]
        .join('\n').toLowerCase());
    }
    return this.haystacks[i]!;
  }

  /** The focus column's index, or every column when there is no (known) focus. */
  private focus(systemId: string | undefined): number[] {
    const c = systemId === undefined ? -1 : this.columns.findIndex((x) => x.systemId === systemId);
    return c >= 0 ? [c] : this.columns.map((_, k) => k);
  }

  /** Example indexes (test-set order) matching the query. */
  rows(q: GridQuery): number[] {
    if (this.cacheVersion !== this.data.labelsVersion) { this.cache.clear(); this.cacheVersion = this.data.labelsVersion; }
    const search = (q.search ?? '').trim().toLowerCase();
    const key = `${q.filter}\u0000${q.systemId ?? ''}\u0000${search}`;
    let ix = this.cache.get(key);
    if (!ix) {
      const cols = this.focus(q.systemId);
      ix = [];
      for (let i = 0; i < this.n; i++) {
        if ((q.filter === 'all' || this.rowMatches(q.filter, cols, i)) && (!search || this.haystack(i).includes(search))) ix.push(i);
      }
      if (this.cache.size >= CACHED_QUERIES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, ix);
    }
    return ix;
  }

  private row(i: number): GridRow {
    const e = this.data.examples[i]!;
    return { index: i, exampleId: e.exampleId, question: oneLine(e.question, QUESTION_CHARS), cells: this.columns.map((col, c) => {
      const o = this.data.output(col.systemId, e.exampleId);
      const label = this.label(c, i);
      return { status: GRID_STATUSES[this.status[c]![i]!]!, style: this.style[c]![i]!, ...(label ? { label } : {}),
        ...(this.disagrees(c, i) ? { disagrees: true } : {}), text: oneLine(o?.error ?? o?.text ?? '', CELL_CHARS) };
    }) };
  }

  /**
   * The rows matching the query as CSV (the grid's own export: what the user filtered and searched, in grid order).
   * Per system: the outcome word, style findings, the human label and the whole answer (or the request's error).
   * Cells go through the report's CSV writer: quoted, and text a spreadsheet would run as a formula is neutralised.
   */
  csv(q: GridQuery): { text: string; rows: number } {
    const ix = this.rows({ filter: q.filter, ...(q.search ? { search: q.search } : {}), ...(q.systemId !== undefined ? { systemId: q.systemId } : {}) });
    const header = ['example', 'line', 'question', ...this.columns.flatMap((col) => [`${col.systemId}: result`, `${col.systemId}: style findings`, `${col.systemId}: label`, `${col.systemId}: answer`])];
    const lines = [header.map(csvField).join(',')];
    for (const i of ix) {
      const e = this.data.examples[i]!;
      const cells = this.columns.flatMap((col, c) => {
        const o = this.data.output(col.systemId, e.exampleId);
        return [GRID_STATUSES[this.status[c]![i]!]!, this.style[c]![i]!, this.label(c, i) ?? '', o?.error ?? o?.text ?? ''];
      });
      lines.push([e.exampleId, e.line, e.question, ...cells].map(csvField).join(','));
    }
    return { text: `${lines.join('\r\n')}\r\n`, rows: ix.length };
  }

  /** One page of the rows matching the query, with the count under each filter. */
  page(q: GridQuery, offset: number, limit: number): GridPage {
    const systemId = q.systemId !== undefined && this.columns.some((c) => c.systemId === q.systemId) ? q.systemId : undefined;
    const query: GridQuery = { filter: q.filter, ...(q.search ? { search: q.search } : {}), ...(systemId !== undefined ? { systemId } : {}) };
    const ix = this.rows(query);
    const counts = Object.fromEntries(GRID_FILTERS.map((f) => [f, this.rows({ ...query, filter: f }).length])) as Record<GridFilter, number>;
    return { ...query, testSetId: this.data.testSetId, total: ix.length, size: this.n, offset, columns: this.columns,
      rows: ix.slice(offset, offset + limit).map((i) => this.row(i)), counts };
  }
}

/** One grid per review model (a new model, after the runs changed, gets a new grid). */
const grids = new WeakMap<ReviewData, GridModel>();
export function gridOf(data: ReviewData): GridModel {
  let g = grids.get(data);
  if (!g) grids.set(data, (g = new GridModel(data)));
  return g;
}
