// The results grid: a row per example, a column per system (baseline, candidates, prompt variants), each cell the
// output's outcome on the primary metric and style, by icon and word as well as colour. Search, filters and a
// focus column are answered by the host a page at a time (the grid lives there); the rows are virtualised.
// Arrow keys move the focused cell, Enter (or a click) opens that example side by side in the review.
import type { GridCell, GridColumn, GridFilter, GridPage, GridRow, GridStatus } from '../../src/protocol/grid';
import { GRID_FILTERS } from '../../src/protocol/grid';
import { counted } from '../../src/protocol/legend';
import type { PanelState } from '../../src/protocol/messages';
import { h, replace } from '../dom';
import { button, select, textInput, type TextInput } from '../ui/controls';
import type { ViewContext } from './context';
import { PAGE_SIZE, PagedRows, VirtualList } from './virtualList';

const ROW_H = 30;
const SEARCH_DELAY_MS = 200;

const FILTER_LABELS: Record<GridFilter, string> = {
  all: 'All examples', failures: 'Failures', disagreements: 'Judge and human label disagree', idk: 'IDK answers', regressions: 'Fails where the baseline passes',
};

export const STATUS_SHOWN: Record<GridStatus, { icon: string; word: string }> = {
  pass: { icon: '✓', word: 'pass' }, fail: { icon: '✗', word: 'fail' }, idk: { icon: '?', word: 'IDK' },
  error: { icon: '⚠', word: 'error' }, unjudged: { icon: '–', word: 'no verdict' }, missing: { icon: '·', word: 'no output' },
};

type GridState = NonNullable<PanelState['grid']>;

/** A cell's description for its tooltip and screen readers. */
function cellTitle(col: GridColumn, c: GridCell): string {
  return [`${col.systemId}: ${STATUS_SHOWN[c.status].word}`, c.style ? `${c.style} style finding${c.style === 1 ? '' : 's'}` : '',
    c.label ? `labelled ${c.label}${c.disagrees ? ' (the judge disagrees)' : ''}` : ''].filter(Boolean).join(', ');
}

function cellView(col: GridColumn, c: GridCell, id: string, row: number, k: number, focused: boolean): HTMLElement {
  const shown = STATUS_SHOWN[c.status];
  const styleFail = c.style > 0 && c.status === 'pass';
  return h('div', { class: `gcell s-${c.status}${styleFail ? ' style-fail' : ''}${focused ? ' focused' : ''}`, role: 'gridcell', id, 'data-row': row, 'data-col': k,
    'aria-selected': focused ? 'true' : 'false', title: cellTitle(col, c) },
  h('span', { class: 'gicon', 'aria-hidden': 'true' }, shown.icon), h('span', { class: 'gword' }, shown.word),
  c.style ? h('span', { class: 'gstyle', 'aria-hidden': 'true' }, `✎${c.style}`) : null,
  c.disagrees ? h('span', { class: 'gdis', 'aria-hidden': 'true' }, '≠') : null,
  h('span', { class: 'gtext' }, c.text));
}

export class GridView {
  readonly element: HTMLElement;
  private pages: PagedRows<GridRow, GridPage> | undefined;
  private readonly list: VirtualList;
  private readonly head = h('div', { class: 'grid-head', role: 'row', 'aria-rowindex': 1 });
  private readonly selectors = h('span', { class: 'grid-selectors' });
  private readonly count = h('span', { class: 'count', id: 'grid-count' });
  private readonly search: TextInput;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private columns: GridColumn[] = [];
  private template = '';
  private shownKey = '';

  constructor(private readonly ctx: ViewContext) {
    this.list = new VirtualList(ROW_H, (i) => this.renderRow(i), 'Results grid', { role: 'grid', rowRole: 'row', idPrefix: 'grow-', header: this.head });
    this.list.element.classList.add('grid-list');
    this.list.element.addEventListener('click', (e) => {
      const cell = (e.target as Element).closest('.gcell');
      if (cell) this.open(Number(cell.getAttribute('data-row')), Number(cell.getAttribute('data-col')));
    });
    this.search = textInput('Search', 'Search questions and outputs (/)', 'grid-search');
    this.search.addEventListener('input', () => {
      if (this.searchTimer) clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => this.setQuery({ search: this.search.value.slice(0, 200) || undefined }), SEARCH_DELAY_MS);
    });
    this.element = h('section', { class: 'results-grid' },
      h('div', { class: 'toolbar grid-toolbar' }, this.search, this.selectors, this.count,
        button('Export CSV', () => void this.exportCsv(), { secondary: true, id: 'grid-export', title: 'The rows shown (this filter, search and column), one column group per system' }),
        h('span', { class: 'keys muted' }, 'arrows move · PgUp/PgDn · Home/End first/last column · Ctrl+Home/End first/last row · Enter opens the review · / search')),
      h('p', { class: 'legend muted', id: 'grid-legend' }, ...Object.values(STATUS_SHOWN).map((s) => h('span', { class: 'legend-item' }, `${s.icon} ${s.word}`)),
        h('span', { class: 'legend-item' }, '✎ style findings (a correct answer with findings fails on style)'), h('span', { class: 'legend-item' }, '≠ the human label disagrees with the judge')),
      this.list.element);
  }

  private get grid(): GridState { return this.ctx.state.grid ?? { filter: 'all', row: 0, col: 0 }; }

  private key(): string {
    const g = this.grid;
    return `${this.ctx.testSet()?.testSetId ?? this.ctx.state.testSetId ?? ''}\u0000${g.filter}\u0000${g.systemId ?? ''}\u0000${g.search ?? ''}`;
  }

  private setQuery(patch: Partial<GridState>): void { this.ctx.update({ grid: { ...this.grid, ...patch, row: 0 } }); }

  /** (Re)binds to the current test set and query; fetches the page of the focused row. */
  async show(): Promise<void> {
    const testSetId = this.ctx.testSet()?.testSetId ?? this.ctx.state.testSetId;
    if (!testSetId) { replace(this.count, 'No test set.'); return; }
    if (this.search.value !== (this.grid.search ?? '')) this.search.value = this.grid.search ?? '';
    const key = this.key();
    if (this.pages?.key !== key) {
      const { filter, search, systemId } = this.grid;
      this.pages = new PagedRows(key, (offset, limit) => this.ctx.host.request('getGridPage', { testSetId, filter, offset, limit,
        ...(search ? { search } : {}), ...(systemId ? { systemId } : {}) }), () => this.refresh());
    }
    try { await this.pages.load(Math.floor(this.grid.row / PAGE_SIZE)); } catch (err) { this.ctx.status(`Could not load the grid: ${(err as Error).message}`, 'error'); }
  }

  /** The grid's own export: the rows the current filter, search and focus column show, as CSV. */
  async exportCsv(): Promise<void> {
    const testSetId = this.ctx.testSet()?.testSetId ?? this.ctx.state.testSetId;
    if (!testSetId) return;
    const { filter, search, systemId } = this.grid;
    try {
      const r = await this.ctx.host.request('exportGrid', { testSetId, filter, ...(search ? { search } : {}), ...(systemId ? { systemId } : {}) });
      this.ctx.status(r.path ? `Exported ${counted(r.rows ?? 0, 'row')} to ${r.path}.` : 'Export cancelled.');
    } catch (err) { this.ctx.status(`Export failed: ${(err as Error).message}`, 'error'); }
  }

  /** Labels changed: the host's answers (disagreements) may differ. */
  invalidate(): void { this.pages = undefined; void this.show(); }

  /** After a state change: a new query loads again, a moved focus only redraws. */
  render(): void {
    if (this.pages?.key !== this.key()) void this.show(); else this.refresh();
  }

  private renderSelectors(page: GridPage): void {
    const key = JSON.stringify([page.counts, page.filter, page.systemId, page.columns.map((c) => c.systemId)]);
    if (key === this.shownKey) return;
    this.shownKey = key;
    replace(this.selectors,
      select('Show', GRID_FILTERS.map((f) => ({ value: f, label: `${FILTER_LABELS[f]} (${page.counts[f]})` })), page.filter, (v) => this.setQuery({ filter: v }), 'grid-filter'),
      select('In', [{ value: '', label: 'any column' }, ...page.columns.map((c) => ({ value: c.systemId, label: c.systemId }))], page.systemId ?? '',
        (v) => this.setQuery({ systemId: v || undefined }), 'grid-focus'));
  }

  private renderHead(columns: GridColumn[]): void {
    this.columns = columns;
    // Example column, then one per system; the widths are set through the CSSOM (the CSP allows no style attributes).
    this.template = `minmax(220px, 1.4fr) repeat(${columns.length}, minmax(170px, 1fr))`;
    this.head.style.gridTemplateColumns = this.template;
    this.head.style.minWidth = `${220 + 170 * columns.length}px`;
    replace(this.head, h('div', { class: 'ghead', role: 'columnheader' }, 'Example'), ...columns.map((c) => h('div', { class: `ghead k-${c.kind}`, role: 'columnheader', title: `${c.systemId} · ${c.model} · ${c.prompt}` },
      h('span', { class: 'ghead-name' }, c.systemId), h('span', { class: 'tag' }, c.kind === 'baseline' ? 'baseline' : c.kind === 'variant' ? 'variant' : c.model))));
  }

  private refresh(): void {
    const page = this.pages?.last;
    if (!page) return;
    if (page.columns.map((c) => c.systemId).join('\u0000') !== this.columns.map((c) => c.systemId).join('\u0000') || !this.template) this.renderHead(page.columns);
    // The filter and column selectors (toolkit dropdowns, the slowest part to build) come after the rows are painted.
    setTimeout(() => { if (this.pages?.last === page) this.renderSelectors(page); }, 0);
    this.count.textContent = `${page.total} of ${page.size} example${page.size === 1 ? '' : 's'}`;
    this.list.element.setAttribute('aria-rowcount', String(page.total + 1));
    this.list.element.setAttribute('aria-colcount', String(page.columns.length + 1));
    const { row, col } = this.clamped(page.total);
    this.list.setTotalAndSelected(page.total, row);
    this.list.element.setAttribute('aria-activedescendant', `gcell-${row}-${col}`);
    if (!page.total) this.count.textContent = 'No example matches.';
  }

  private clamped(total = Math.max(0, this.pages?.total ?? 0)): { row: number; col: number } {
    return { row: Math.min(this.grid.row, Math.max(0, total - 1)), col: Math.min(this.grid.col, Math.max(0, this.columns.length - 1)) };
  }

  private renderRow(i: number): HTMLElement {
    const r = this.pages?.row(i);
    const el = r ? h('div', { class: 'grid-row' },
      h('div', { class: 'gex', role: 'rowheader', title: r.question }, h('span', { class: 'gex-id' }, r.exampleId), h('span', { class: 'gex-q' }, r.question)),
      ...r.cells.map((c, k) => cellView(this.columns[k]!, c, `gcell-${i}-${k}`, i, k, i === this.clamped().row && k === this.clamped().col)))
      : h('div', { class: 'grid-row loading' }, h('div', { class: 'gex' }, '…'));
    el.style.gridTemplateColumns = this.template;
    el.style.minWidth = this.head.style.minWidth;
    return el;
  }

  /** The example behind a cell, side by side with the baseline in the review (the baseline's own column shows the first candidate). */
  open(row: number, col: number): void {
    const r = this.pages?.row(row);
    const column = this.columns[col];
    if (!r || !column) return;
    const review = this.ctx.state.review;
    this.ctx.update({ grid: { ...this.grid, row, col }, view: 'review', review: { filter: 'all', index: r.index, systemId: column.kind === 'baseline' ? review?.systemId : column.systemId, ...(review?.diff ? { diff: true } : {}) } });
  }

  private move(dRow: number, dCol: number, absolute?: { row?: number; col?: number }): void {
    const total = this.pages?.total ?? 0;
    if (total <= 0) return;
    const cur = this.clamped();
    const row = Math.max(0, Math.min(total - 1, absolute?.row ?? cur.row + dRow));
    const col = Math.max(0, Math.min(this.columns.length - 1, absolute?.col ?? cur.col + dCol));
    this.ctx.update({ grid: { ...this.grid, row, col } });
  }

  onKey(e: KeyboardEvent): boolean {
    const last = { row: (this.pages?.total ?? 1) - 1, col: this.columns.length - 1 };
    switch (e.key) {
      case 'ArrowDown': case 'j': this.move(1, 0); return true;
      case 'ArrowUp': case 'k': this.move(-1, 0); return true;
      case 'ArrowRight': case 'l': this.move(0, 1); return true;
      case 'ArrowLeft': case 'h': this.move(0, -1); return true;
      case 'PageDown': this.move(10, 0); return true;
      case 'PageUp': this.move(-10, 0); return true;
      case 'Home': this.move(0, 0, e.ctrlKey || e.metaKey ? { row: 0 } : { col: 0 }); return true;
      case 'End': this.move(0, 0, e.ctrlKey || e.metaKey ? { row: last.row } : { col: last.col }); return true;
      case 'Enter': case 'o': { const { row, col } = this.clamped(); this.open(row, col); return true; }
      case '/': this.search.focus(); return true;
      default: return false;
    }
  }
}
