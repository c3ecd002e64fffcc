// Review: every example side by side (baseline vs the selected system) with verdicts, judge reasoning and style
// findings highlighted by offset. The list is virtualised and its rows come from the host a page at a time.
import type { ReviewFilter, ReviewOutput, ReviewPage, ReviewRow, ReviewSystem } from '../../src/protocol/messages';
import { REVIEW_FILTERS } from '../../src/protocol/messages';
import { h, highlighted, replace } from '../dom';
import { badge, button, select } from '../ui/controls';
import type { PromptPair } from '../../src/protocol/grid';
import { wordChanges } from '../wordDiff';
import type { ViewContext } from './context';
import { diffNodes, promptDiffView } from './diffView';
import { markerLegend, rowMarkers } from './markers';
import { PAGE_SIZE, PagedRows, VirtualList } from './virtualList';

const ROW_H = 26;

const FILTER_LABELS: Record<ReviewFilter, string> = {
  all: 'All examples', disagreements: 'Judge disagreements', failures: 'Failures', idk: 'IDK answers', style: 'Style violations', unlabelled: 'Unlabelled',
};

/** Pages of one (test set, system, filter) list, fetched on demand. */
export class ReviewPages extends PagedRows<ReviewRow, ReviewPage> {
  get systems(): ReviewSystem[] { return this.last?.systems ?? []; }
  get systemId(): string | undefined { return this.last?.systemId; }
}

/** `diffText`: the text as one side of a word diff, shown instead of the style highlights. */
function outputPanel(title: string, o: ReviewOutput | undefined, blind = false, diffText?: Node[]): HTMLElement {
  if (!o) return h('div', { class: 'output missing' }, h('h3', {}, title), h('p', { class: 'muted' }, 'No output.'));
  const badges = [
    o.error ? badge('request error', 'error') : null,
    !o.error && !o.schemaValid ? badge('schema failure', 'error') : null,
    o.idk ? badge('IDK', 'warning') : null,
    o.findings.length ? badge(`${o.findings.length} style finding${o.findings.length > 1 ? 's' : ''}`, 'warning') : null,
    o.label ? badge(`labelled ${o.label}`, 'ok') : null,
  ];
  return h('div', { class: 'output', 'data-system': o.systemId },
    h('h3', {}, title, h('span', { class: 'muted' }, ` ${o.systemId} · ${o.model}`)),
    h('div', { class: 'badges' }, ...badges),
    o.error ? h('pre', { class: 'text error-text' }, o.error) : h('pre', { class: diffText ? 'text output-text diffed' : 'text output-text' }, ...(diffText ?? highlighted(o.text, o.findings))),
    o.raw !== undefined ? h('details', {}, h('summary', {}, 'Raw output'), h('pre', { class: 'text raw' }, o.raw)) : null,
    o.findings.length ? h('ul', { class: 'findings' }, ...o.findings.map((f) => h('li', {}, h('code', {}, f.ruleId), ` ${f.message} (chars ${f.start}–${f.end})`))) : null,
    blind ? null : h('ul', { class: 'verdicts' }, ...o.verdicts.map((v) => h('li', { class: `verdict v${v.verdict ?? 'none'}` },
      h('strong', {}, `${v.metricId}: ${v.verdict === 1 ? 'correct' : v.verdict === 0 ? 'incorrect' : 'no verdict'}`),
      v.reason ? ` (${v.reason})` : '', v.judgeModel ? h('span', { class: 'muted' }, ` — ${v.judgeModel}`) : null,
      v.reasoning ? h('p', { class: 'reasoning' }, v.reasoning) : null))));
}

export function exampleFields(r: { question: string; context: string; groundTruth: string[] }): HTMLElement {
  return h('div', { class: 'example' },
    h('h3', {}, 'Question'), h('pre', { class: 'text question' }, r.question || '—'),
    r.context ? h('details', { open: true }, h('summary', {}, 'Context'), h('pre', { class: 'text context' }, r.context)) : null,
    h('h3', {}, 'Ground truth'), h('ul', { class: 'ground-truth' }, ...(r.groundTruth.length ? r.groundTruth : ['—']).map((g) => h('li', {}, h('pre', { class: 'text' }, g)))));
}

export class ReviewView {
  readonly element: HTMLElement;
  private pages: ReviewPages | undefined;
  private readonly list: VirtualList;
  private readonly detail = h('div', { class: 'detail', 'aria-live': 'polite' });
  private readonly toolbar = h('div', { class: 'toolbar' });
  private readonly count = h('span', { class: 'count' });
  private readonly promptPairs = new Map<string, Promise<PromptPair>>();

  constructor(private readonly ctx: ViewContext) {
    this.list = new VirtualList(ROW_H, (i, sel) => this.renderRow(i, sel), 'Examples');
    this.list.element.addEventListener('click', (e) => {
      const row = (e.target as Element).closest('.vrow');
      if (row?.id.startsWith('row-')) this.select(Number(row.id.slice(4)));
    });
    this.element = h('section', { class: 'review' }, this.toolbar, h('div', { class: 'review-body' }, this.list.element, this.detail));
  }

  private get review(): NonNullable<ViewContext['state']['review']> { return this.ctx.state.review ?? { filter: 'all', index: 0 }; }

  /** (Re)binds to the current test set, system and filter; fetches the first page. */
  async show(): Promise<void> {
    const testSetId = this.ctx.testSet()?.testSetId ?? this.ctx.state.testSetId;
    if (!testSetId) { replace(this.detail, h('p', { class: 'muted' }, 'No test set.')); return; }
    const { filter, systemId } = this.review;
    const key = `${testSetId}\u0000${systemId ?? ''}\u0000${filter}`;
    if (this.pages?.key !== key) {
      this.pages = new ReviewPages(key, (offset, limit) => this.ctx.host.request('getReviewPage', { testSetId, systemId, filter, offset, limit }), () => this.refresh());
    }
    try { await this.pages.load(Math.floor(this.review.index / PAGE_SIZE)); } catch (err) { this.ctx.status(`Could not load the review: ${(err as Error).message}`, 'error'); }
  }

  /** Drops cached pages (labels changed) and reloads. */
  invalidate(): void { this.pages = undefined; void this.show(); }

  private renderToolbar(): void {
    const p = this.pages;
    const systems = p?.systems.filter((s) => !s.isBaseline) ?? [];
    replace(this.toolbar,
      systems.length ? select('System', systems.map((s) => ({ value: s.systemId, label: `${s.systemId} (${s.model})` })), p?.systemId,
        (v) => this.ctx.update({ review: { ...this.review, systemId: v, index: 0 } }), 'review-system') : null,
      select('Show', REVIEW_FILTERS.map((f) => ({ value: f, label: FILTER_LABELS[f] })), this.review.filter,
        (v) => this.ctx.update({ review: { ...this.review, filter: v, index: 0 } }), 'review-filter'),
      button(this.review.diff ? 'Hide differences' : 'Show differences', () => this.toggleDiff(),
        { secondary: true, id: 'review-diff', title: 'Mark the words that differ between the two outputs (d)' }),
      this.count,
      h('span', { class: 'keys muted' }, '↑/↓ or j/k move · PgUp/PgDn · Home/End · d differences · o open in test set'), markerLegend());
    this.count.textContent = p && p.total >= 0 ? `${p.total} example${p.total === 1 ? '' : 's'}` : 'loading…';
  }

  private refresh(): void {
    this.renderToolbar();
    const total = Math.max(0, this.pages?.total ?? 0);
    this.list.setTotal(total);
    const index = Math.min(this.review.index, Math.max(0, total - 1));
    this.list.setSelected(index);
    this.renderDetail(index);
  }

  private renderRow(i: number, selected: boolean): HTMLElement {
    const r = this.pages?.row(i);
    if (!r) return h('div', { class: 'row loading' }, '…');
    const c = r.candidate ?? r.baseline;
    const flags = rowMarkers(c);
    return h('div', { class: selected ? 'row selected' : 'row', title: r.question },
      h('span', { class: 'row-id' }, r.exampleId), h('span', { class: 'row-q' }, r.question.slice(0, 200)), h('span', { class: 'row-flags' }, flags));
  }

  private renderDetail(i: number): void {
    const r = this.pages?.row(i);
    if (!r) { replace(this.detail, this.pages?.total === 0 ? h('p', { class: 'muted' }, 'No example matches this filter.') : h('p', { class: 'muted' }, 'Loading…')); return; }
    const testSetId = this.ctx.testSet()?.testSetId ?? this.ctx.state.testSetId ?? '';
    replace(this.detail,
      h('div', { class: 'detail-head' }, h('h2', {}, `Example ${r.exampleId}`),
        button(`Open in test set (line ${r.line})`, () => void this.ctx.host.request('openInTestSet', { testSetId, exampleId: r.exampleId }), { secondary: true, id: 'open-in-test-set' })),
      exampleFields(r),
      this.sideBySide(r),
      this.promptSection());
  }

  private toggleDiff(): void { this.ctx.update({ review: { ...this.review, diff: !this.review.diff } }); }

  /** The two outputs; with differences on, each shows its side of a word diff (removed words in the baseline, added in the candidate). */
  private sideBySide(r: ReviewRow): HTMLElement {
    const [b, c] = [r.baseline, r.candidate];
    const changes = this.review.diff && b && c && !b.error && !c.error ? wordChanges(b.text, c.text) : undefined;
    const note = this.review.diff && b && c && !changes ? h('p', { class: 'muted diff-none' }, b.error || c.error ? 'No word differences: a request failed.' : 'The outputs are too different to compare word by word.') : null;
    return h('div', {}, note, h('div', { class: 'side-by-side' },
      outputPanel('Baseline', b, false, changes && diffNodes(changes, 'before')), outputPanel('Candidate', c, false, changes && diffNodes(changes, 'after'))));
  }

  /** For a prompt variant: its messages against its parent's, loaded once per system. */
  private promptSection(): HTMLElement | null {
    const systemId = this.pages?.systemId;
    const system = this.pages?.systems.find((s) => s.systemId === systemId);
    const base = this.pages?.systems.find((s) => s.isBaseline);
    if (!system || !base || system.prompt === base.prompt) return null;
    const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    const testSetId = this.ctx.testSet()?.testSetId ?? this.ctx.state.testSetId ?? '';
    let pair = this.promptPairs.get(system.systemId);
    if (!pair) this.promptPairs.set(system.systemId, (pair = this.ctx.host.request('getPromptPair', { testSetId, systemId: system.systemId })));
    pair.then((p) => replace(body, promptDiffView(p)), (err: unknown) => {
      this.promptPairs.delete(system.systemId);
      replace(body, h('p', { class: 'status error' }, `Could not read the prompts: ${(err as Error).message}`));
    });
    return h('details', { class: 'prompt-changes', open: true }, h('summary', {}, `Prompt: ${system.prompt} against its parent`), body);
  }

  select(i: number): void {
    const total = this.pages?.total ?? 0;
    if (total <= 0) return;
    const index = Math.max(0, Math.min(total - 1, i));
    this.ctx.update({ review: { ...this.review, index } });
  }

  /** Re-render after a state change (index moved). */
  render(): void {
    if (!this.pages || this.pages.key !== `${this.ctx.testSet()?.testSetId ?? this.ctx.state.testSetId}\u0000${this.review.systemId ?? ''}\u0000${this.review.filter}`) { void this.show(); return; }
    this.refresh();
  }

  onKey(e: KeyboardEvent): boolean {
    const i = this.review.index;
    const moves: Record<string, number> = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1, PageDown: 10, PageUp: -10 };
    if (e.key in moves) { this.select(i + moves[e.key]!); return true; }
    if (e.key === 'Home') { this.select(0); return true; }
    if (e.key === 'End') { this.select((this.pages?.total ?? 1) - 1); return true; }
    if (e.key === 'd') { this.toggleDiff(); return true; }
    if (e.key === 'o' || e.key === 'Enter') { (this.detail.querySelector('#open-in-test-set') as HTMLButtonElement | null)?.click(); return true; }
    return false;
  }
}
