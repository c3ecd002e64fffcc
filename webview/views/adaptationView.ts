// The Adaptation view: per stored adaptation, what was written and whether it beat the parent. Each variant
// shows its figures on the optimisation part (what the rewriter learned from) next to the sealed part (what
// acceptance used), so a variant that only looks better where it was tuned is visible; then ΔIDK, Δstyle and
// Δschema on the sealed part, its length against the parent's, and the Diff and Adopt actions. The rewriter's
// rationale is model output: it is shown as text only.
import type { AdaptationView, AdaptOptimisationFigures, AdaptSealedFigures, AdaptVariantView } from '../../src/protocol/adaptation';
import { h, replace } from '../dom';
import { num, pct, pp, usd } from '../format';
import { button } from '../ui/controls';
import type { ViewContext } from './context';
import { statusMark } from './decisionView';
import { paretoPlot, VERDICT_STATUS } from './paretoPlot';

const VERDICT_TEXT: Record<AdaptVariantView['verdict'], string> = {
  accepted: 'beats the parent', inconclusive: 'no evidence either way', 'no-gain': 'no measurable gain', rejected: 'worse on a rule', 'not-evaluated': 'not evaluated on the sealed part',
};

/** One line per test set (the test set named only when there are several). */
function perSet<T extends { testSetId: string }>(xs: readonly T[], line: (x: T) => string): HTMLElement {
  if (!xs.length) return h('span', { class: 'muted' }, '—');
  return h('div', {}, ...xs.map((x) => h('div', { 'data-testset': x.testSetId }, xs.length > 1 ? `${x.testSetId}: ${line(x)}` : line(x))));
}

const correctness = (f: AdaptOptimisationFigures | AdaptSealedFigures): string => `${pct(f.variant.correctness)} vs ${pct(f.parent.correctness)}`;
const interval = (d: { mean: number; lo: number; hi: number }): string => `${pp(d.mean)} [${pp(d.lo)}, ${pp(d.hi)}]`;
const sealedText = (f: AdaptSealedFigures): string => `${correctness(f)} (n = ${f.variant.n})${f.difference ? `\nΔ ${interval(f.difference)}` : ''}`;
const delta = (key: 'idkRate' | 'badStyleRate' | 'schemaFailureRate') => (f: AdaptSealedFigures): string => pp(f.variant[key] - f.parent[key]);

/** USD per 1000 requests of a prompt on the candidate over the selected test set, from the comparison (when it has that row). */
function costPer1k(ctx: ViewContext, candidateId: string, prompt: string): number | undefined {
  const ts = ctx.testSet();
  const same = (r: { candidateId: string; prompt: string }): boolean => r.candidateId === candidateId && r.prompt === prompt;
  return (ts?.rows.find(same) ?? ts?.variants.find(same))?.costPer1k;
}

function costText(ctx: ViewContext, a: AdaptationView, v: AdaptVariantView): string {
  const mine = costPer1k(ctx, a.candidateId, v.file);
  return mine === undefined ? '—' : `${usd(mine)} vs ${usd(costPer1k(ctx, a.candidateId, a.prompt))}`;
}

function variantRow(ctx: ViewContext, a: AdaptationView, v: AdaptVariantView, refresh: () => void): HTMLTableRowElement {
  const parentChars = a.parentObjectives?.promptChars;
  const chars = v.objectives?.promptChars;
  const adopt = v.adoptedAs ? h('span', { class: 'adopted muted' }, `adopted as ${v.adoptedAs}`)
    : button('Adopt', () => void adoptVariant(ctx, a, v, refresh), { title: `Add a candidate row pairing ${a.candidateId} with this variant to prompt-adapt.yml`, id: `adopt-${a.id}-${v.tag}` });
  return h('tr', { 'data-tag': v.tag, 'data-verdict': v.verdict, class: `overall-${VERDICT_STATUS[v.verdict]}` },
    h('th', { scope: 'row' }, v.tag, h('div', { class: 'muted' }, `${v.strategy}, round ${v.round}${v.onFront ? ', on the Pareto front' : ''}`),
      h('div', { class: 'muted variant-file' }, v.file),
      v.rules.length ? h('div', { class: 'muted variant-rules' }, `rules: ${v.rules.join(', ')}`) : null,
      v.rationale ? h('details', { class: 'rationale' }, h('summary', {}, 'Why this edit'), h('p', { class: 'rationale-text' }, v.rationale)) : null),
    h('td', { class: 'verdict-cell', 'data-status': VERDICT_STATUS[v.verdict] }, statusMark(VERDICT_STATUS[v.verdict]), ' ', h('strong', {}, v.verdict),
      h('div', { class: 'muted' }, VERDICT_TEXT[v.verdict]), v.why ? h('div', { class: 'why-text' }, v.why) : null),
    h('td', { class: 'num opt-figures' }, perSet(v.optimisation, correctness)),
    h('td', { class: 'num sealed-figures' }, perSet(v.sealed, sealedText)),
    h('td', { class: 'num delta-idk' }, perSet(v.sealed, delta('idkRate'))),
    h('td', { class: 'num delta-style' }, perSet(v.sealed, delta('badStyleRate'))),
    h('td', { class: 'num delta-schema' }, perSet(v.sealed, delta('schemaFailureRate'))),
    h('td', { class: 'num prompt-length' }, chars === undefined ? '—' : `${num(chars)}${parentChars ? ` (${chars >= parentChars ? '+' : '−'}${num(Math.abs(chars - parentChars))})` : ''}`),
    h('td', { class: 'num cost' }, costText(ctx, a, v)),
    h('td', { class: 'row-actions' }, button('Diff', () => void openDiff(ctx, a, v), { secondary: true, title: `Open ${v.file} beside ${a.prompt}` }), adopt));
}

async function adoptVariant(ctx: ViewContext, a: AdaptationView, v: AdaptVariantView, refresh: () => void): Promise<void> {
  ctx.status(`Adopting ${v.tag}…`);
  try {
    const r = await ctx.host.request('adoptVariant', { adaptationId: a.id, tag: v.tag });
    ctx.status(r.added ? `Added candidate ${r.candidateId} to prompt-adapt.yml.` : `${r.candidateId} was already a candidate.`);
    refresh();
  } catch (err) { ctx.status(`Could not adopt ${v.tag}: ${(err as Error).message}`, 'error'); }
}

async function openDiff(ctx: ViewContext, a: AdaptationView, v: AdaptVariantView): Promise<void> {
  try { await ctx.host.request('openVariantDiff', { adaptationId: a.id, tag: v.tag }); } catch (err) { ctx.status(`Could not open the diff: ${(err as Error).message}`, 'error'); }
}

/** The outcome in one place: what beat the parent, or plainly that nothing did, with the best variant's interval. */
function outcome(a: AdaptationView): HTMLElement {
  if (!a.headline) return h('p', { class: 'adapt-outcome muted' }, a.stopped ? 'Acceptance has not run: the adaptation stopped first.' : 'Acceptance has not run yet.');
  if (a.anyAccepted) return h('p', { class: 'adapt-outcome accepted' }, statusMark('pass'), ' ', a.headline);
  const best = a.best;
  return h('div', { class: 'adapt-outcome nothing' },
    h('p', {}, statusMark('fail'), ' ', h('strong', {}, 'Nothing beat the parent on the sealed part.')),
    best ? h('p', { class: 'best-interval' }, `The best variant, ${best.tag}: `,
      ...best.sealed.filter((x) => x.difference).map((x, i) => `${i ? '; ' : ''}${x.testSetId} ${interval(x.difference!)} in correctness`), '.') : null,
    h('p', { class: 'muted' }, a.headline));
}

function adaptationSection(ctx: ViewContext, a: AdaptationView, refresh: () => void): HTMLElement {
  const head = ['Variant', 'Verdict (sealed part)', 'Correct: optimisation part', 'Correct: sealed part', 'ΔIDK', 'Δ bad style', 'Δ schema', 'Prompt length', 'Cost / 1k requests', ''];
  return h('section', { class: 'adaptation-record', 'data-adaptation': a.id },
    h('h2', {}, `${a.prompt} for ${a.candidateId}`),
    h('p', { class: 'muted meta' }, `Strategies: ${a.strategies.join(', ')}${a.rewriter ? ` · rewriter ${a.rewriter}` : ''} · spent ${a.spent.calls} model calls, ${usd(a.spent.usd)} · updated ${a.updatedAt}`),
    outcome(a),
    a.stopped ? h('p', { class: 'status error' }, `Stopped early: ${a.stopped}. Run it again to resume.`) : null,
    a.variants.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid adaptation-variants' },
      h('caption', {}, `Variants of ${a.prompt} on ${a.candidateId}, each against the parent (variant vs parent): learned on the optimisation part, judged on the sealed part; the Δ columns are on the sealed part; the cost is over the whole test set in the comparison`),
      h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...a.variants.map((v) => variantRow(ctx, a, v, refresh))))) : h('p', { class: 'muted' }, 'No variant was written.'),
    paretoPlot(a),
    a.notWritten.length ? h('details', { class: 'not-written' }, h('summary', {}, `${a.notWritten.length} round(s) wrote no variant`),
      h('ul', {}, ...a.notWritten.map((x) => h('li', {}, `${x.strategy} round ${x.round}: ${x.reason}`)))) : null);
}

export class AdaptationTab {
  readonly element = h('div', { class: 'adaptation' });
  private data: AdaptationView[] | undefined;

  constructor(private readonly ctx: ViewContext) {}

  /** Renders what it has, then asks the host for the stored adaptations (they change outside the comparison). */
  async show(): Promise<void> {
    if (this.data) this.render(); else replace(this.element, h('p', { class: 'muted' }, 'Reading the adaptations…'));
    try {
      this.data = await this.ctx.host.request('getAdaptations', {});
      this.render();
    } catch (err) { replace(this.element, h('p', { class: 'status error' }, `Could not read the adaptations: ${(err as Error).message}`)); }
  }

  private render(): void {
    const list = this.data ?? [];
    if (!list.length) {
      replace(this.element, h('p', { class: 'muted adapt-empty' }, 'No adaptation yet. Use "Adapt for…" at the top of a prompt file, or "Adapt the prompt for …" on a failing candidate in the Decision view.'));
      return;
    }
    replace(this.element, ...list.map((a) => adaptationSection(this.ctx, a, () => void this.show())));
  }
}
