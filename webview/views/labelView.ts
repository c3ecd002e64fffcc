// Blind labelling: outputs from a stratified random sample (system × judge verdict), shown without the system
// or any verdict. Keys: c correct, i incorrect, u unsure, n note, z undo. Each label is appended by the host to
// the test set's labels file; progress is measured against the planner's target.
import { LABEL_DEFINITION } from '../../src/protocol/legend';
import type { HumanLabelName, LabelItem, LabelProgress } from '../../src/protocol/messages';
import { h, replace } from '../dom';
import { button, progress, textInput } from '../ui/controls';
import type { ViewContext } from './context';
import { exampleFields } from './reviewView';

const QUEUE = 20;

export class LabelView {
  readonly element: HTMLElement;
  private queue: LabelItem[] = [];
  private progressInfo: LabelProgress | undefined;
  private readonly note = textInput('Note (optional)', 'Note (optional, press n)', 'label-note');
  private readonly body = h('div', { class: 'label-body' });
  private readonly head = h('div', { class: 'label-head' });
  private loadedFor: string | undefined;
  private busy = false;
  private exhausted = false;

  constructor(private readonly ctx: ViewContext) {
    this.element = h('section', { class: 'labelling' }, this.head, this.body);
  }

  private get testSetId(): string | undefined { return this.ctx.testSet()?.testSetId ?? this.ctx.state.testSetId; }

  async show(): Promise<void> {
    const id = this.testSetId;
    if (!id) { replace(this.body, h('p', { class: 'muted' }, 'No test set.')); return; }
    if (this.loadedFor !== id) { this.loadedFor = id; this.queue = []; this.exhausted = false; }
    if (!this.queue.length && !this.exhausted) await this.refill();
    this.render();
  }

  private async refill(): Promise<void> {
    const id = this.testSetId!;
    try {
      const q = await this.ctx.host.request('getLabelQueue', { testSetId: id, size: QUEUE });
      const have = new Set(this.queue.map((x) => x.key));
      this.queue.push(...q.items.filter((x) => !have.has(x.key)));
      this.progressInfo = q.progress;
      this.exhausted = q.items.length === 0;
    } catch (err) { this.ctx.status(`Could not load outputs to label: ${(err as Error).message}`, 'error'); }
  }

  setProgress(p: LabelProgress): void { if (p.testSetId === this.testSetId) { this.progressInfo = p; this.renderHead(); } }

  private renderHead(): void {
    const p = this.progressInfo;
    replace(this.head,
      h('h2', {}, `Blind labelling${this.testSetId ? `: ${this.testSetId}` : ''}`),
      h('p', { class: 'muted' }, 'Outputs come in the planner\'s order (systems the judge is not yet checked on first, then spread over systems and verdicts); the system and the verdicts stay hidden. Keys: c correct · i incorrect · u unsure · n note · z undo.'),
      p ? progress(p.labelled, p.target || p.labelled, p.target ? `${p.labelled} of ${p.target} labels (planner's target)` : `${p.labelled} labels`) : null,
      p ? h('p', { class: 'muted label-definition', title: LABEL_DEFINITION }, 'Counted as in the calibration: answered outputs labelled correct or incorrect; IDK outputs are not offered.') : null,
      p?.message ? h('p', { class: 'planner', id: 'label-planner' }, p.message) : null);
  }

  render(): void {
    this.renderHead();
    const item = this.queue[0];
    if (!item) {
      replace(this.body, h('p', { class: 'muted' }, this.exhausted ? 'Every judged output of this test set is labelled.' : 'Loading…'));
      return;
    }
    replace(this.body,
      item.reason ? h('p', { class: 'muted label-reason', id: 'label-reason' }, `Why this one: ${item.reason}.`) : null,
      exampleFields(item),
      h('div', { class: 'output blind', 'data-key': item.key }, h('h3', {}, 'Output'), h('pre', { class: 'text output-text' }, item.output)),
      h('div', { class: 'label-actions' },
        button('Correct (c)', () => void this.label('correct'), { id: 'label-correct' }),
        button('Incorrect (i)', () => void this.label('incorrect'), { id: 'label-incorrect' }),
        button('Unsure (u)', () => void this.label('unsure'), { secondary: true, id: 'label-unsure' }),
        button('Undo (z)', () => void this.undo(), { secondary: true, id: 'label-undo' }),
        this.note));
  }

  async label(label: HumanLabelName): Promise<void> {
    const item = this.queue[0];
    const id = this.testSetId;
    if (!item || !id || this.busy) return;
    this.busy = true;
    try {
      const note = this.note.value.trim();
      this.progressInfo = await this.ctx.host.request('label', { testSetId: id, key: item.key, label, ...(note ? { note: note.slice(0, 4000) } : {}) });
      this.note.value = '';
      this.queue.shift();
      if (this.queue.length < 3 && !this.exhausted) await this.refill();
      this.ctx.status(`Labelled ${label}.`);
    } catch (err) { this.ctx.status(`Label not saved: ${(err as Error).message}`, 'error'); }
    finally { this.busy = false; }
    this.render();
  }

  async undo(): Promise<void> {
    const id = this.testSetId;
    if (!id || this.busy) return;
    this.busy = true;
    try {
      const r = await this.ctx.host.request('undoLabel', { testSetId: id });
      this.progressInfo = r.progress;
      // The withdrawn output comes back first, so it can be labelled again.
      if (r.item) { const back = r.item; this.queue = [back, ...this.queue.filter((x) => x.key !== back.key)]; this.exhausted = false; }
      this.ctx.status(r.item ? 'Last label withdrawn.' : 'Nothing to undo.');
    } catch (err) { this.ctx.status(`Undo failed: ${(err as Error).message}`, 'error'); }
    finally { this.busy = false; }
    this.render();
  }

  onKey(e: KeyboardEvent): boolean {
    if (e.ctrlKey || e.metaKey || e.altKey) return e.key === 'z' ? (void this.undo(), true) : false;
    switch (e.key) {
      case 'c': void this.label('correct'); return true;
      case 'i': void this.label('incorrect'); return true;
      case 'u': void this.label('unsure'); return true;
      case 'z': void this.undo(); return true;
      case 'n': this.note.focus(); return true;
      default: return false;
    }
  }
}
