// The quick side-by-side check view: pick a test-set row or type the input, tick candidates, Run; each
// candidate's reply appears in its own column as it streams, then its time to first token, latency, tokens and
// cost. Replies are untrusted: they only ever become text nodes (textContent), never HTML.
import type { QuickCheckCandidateInfo, QuickCheckHostMessage, QuickCheckResultInfo, QuickCheckRowInfo, QuickCheckViewMessage } from '../../src/protocol/quickCheck';

interface Api { postMessage(m: QuickCheckViewMessage): void }
type Init = Extract<QuickCheckHostMessage, { type: 'init' }>;

/** An element with a class and text (text only: nothing here parses HTML). */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const ms = (v: number | undefined): string => (v === undefined ? '–' : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(2)} s`);
const usd = (v: number | undefined): string => (v === undefined ? 'no price' : v < 0.01 ? `$${v.toFixed(5)}` : `$${v.toFixed(4)}`);

/** The figures line of a finished candidate. */
export function figures(r: QuickCheckResultInfo): string {
  if (r.error) return `failed: ${r.error}`;
  const tokens = r.inputTokens === undefined && r.outputTokens === undefined ? 'tokens not reported' : `${r.inputTokens ?? '?'} in / ${r.outputTokens ?? '?'} out tokens`;
  const first = r.streamed === false ? `whole reply ${ms(r.latencyMs)} (not streamed)` : `first token ${ms(r.firstTokenMs)} · total ${ms(r.latencyMs)}`;
  return `${first} · ${tokens} · ${usd(r.cost)}${r.idk ? ' · IDK' : ''}${r.schemaValid === false ? ' · not in the output format' : ''}`;
}

export class QuickCheckView {
  private init: Init | undefined;
  private check = 0;
  private readonly columns = new Map<string, { box: HTMLElement; out: HTMLElement; figs: HTMLElement }>();
  private readonly inputs = new Map<string, HTMLTextAreaElement>();
  private readonly picks = new Map<string, HTMLInputElement>();
  private row: { testSetId: string; id: string } | undefined;
  private readonly status = el('div', 'status');
  private readonly results = el('div', 'qc-results');
  private readonly runBtn = el('button', 'btn', 'Run');
  private readonly stopBtn = el('button', 'btn secondary', 'Stop');
  private readonly saveBtn = el('button', 'btn secondary', 'Save…');

  constructor(private readonly root: HTMLElement, private readonly api: Api) {
    this.runBtn.id = 'qc-run';
    this.stopBtn.id = 'qc-stop';
    this.saveBtn.id = 'qc-save';
    this.runBtn.addEventListener('click', () => this.run());
    this.stopBtn.addEventListener('click', () => this.api.postMessage({ type: 'stop' }));
    this.saveBtn.addEventListener('click', () => this.api.postMessage({ type: 'save' }));
    this.stopBtn.disabled = true;
    this.saveBtn.disabled = true;
    this.saveBtn.title = 'Nothing is stored unless you save: writes the input and every reply to a JSON file.';
  }

  receive(m: QuickCheckHostMessage): void {
    switch (m.type) {
      case 'init': this.init = m; this.render(m); return;
      case 'started': this.started(m.check, m.candidateIds); return;
      case 'text': if (m.check === this.check) for (const p of m.pieces) this.columns.get(p.candidateId)?.out.append(p.text); return;
      case 'done': if (m.check === this.check) this.done(m.result); return;
      case 'finished': if (m.check === this.check) { this.runBtn.disabled = false; this.stopBtn.disabled = true; this.saveBtn.disabled = false; this.say('Done. Nothing was stored; Save keeps this check.'); } return;
      case 'error': this.say(m.message, true); return;
      case 'saved': this.say(`Saved to ${m.path}.`); return;
    }
  }

  private say(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle('error', error);
  }

  private render(m: Init): void {
    this.root.replaceChildren();
    const head = el('div', 'qc-head');
    head.append(el('h2', undefined, `Quick check: ${m.promptName}`), el('p', 'muted', 'Run one input on several candidates at once. Nothing is stored unless you save.'));
    const source = el('div', 'controls');
    const setSel = el('select');
    setSel.id = 'qc-testset';
    setSel.setAttribute('aria-label', 'Test set');
    for (const t of m.testSets) setSel.append(new Option(`${t.id} (${t.rows.length} row${t.rows.length === 1 ? '' : 's'})`, t.id));
    const rowSel = el('select');
    rowSel.id = 'qc-row';
    rowSel.setAttribute('aria-label', 'Row');
    const fillRows = (): void => {
      const rows = m.testSets.find((t) => t.id === setSel.value)?.rows ?? [];
      rowSel.replaceChildren(new Option('(type the input)', ''), ...rows.map((r) => new Option(r.label, r.id)));
    };
    setSel.addEventListener('change', () => { fillRows(); this.pickRow(undefined); });
    rowSel.addEventListener('change', () => this.pickRow(m.testSets.find((t) => t.id === setSel.value)?.rows.find((r) => r.id === rowSel.value), setSel.value));
    source.append(labelled('Test set', setSel), labelled('Row', rowSel));
    const vars = el('div', 'qc-vars');
    for (const v of m.variables) {
      const area = el('textarea', 'text-input qc-var');
      area.id = `qc-var-${v}`;
      area.rows = v === 'context' ? 5 : 2;
      area.addEventListener('input', () => { this.row = undefined; rowSel.value = ''; });
      this.inputs.set(v, area);
      vars.append(labelled(`{{${v}}}`, area));
    }
    const cands = el('fieldset', 'qc-candidates');
    cands.append(el('legend', undefined, 'Candidates'));
    for (const c of m.candidates) cands.append(this.candidateBox(c, m.selected?.candidateIds));
    const actions = el('div', 'figure-actions');
    actions.append(this.runBtn, this.stopBtn, this.saveBtn);
    this.root.append(head, source, vars, cands, actions, this.status, this.results);
    if (m.selected?.testSetId) setSel.value = m.selected.testSetId;
    fillRows();
    if (m.selected?.rowId) { rowSel.value = m.selected.rowId; rowSel.dispatchEvent(new Event('change')); }
  }

  private candidateBox(c: QuickCheckCandidateInfo, selected: string[] | undefined): HTMLElement {
    const box = el('input');
    box.type = 'checkbox';
    box.id = `qc-cand-${c.id}`;
    box.checked = selected ? selected.includes(c.id) : true;
    this.picks.set(c.id, box);
    const label = el('label', 'qc-cand');
    label.append(box, el('span', undefined, ` ${c.id}`), el('span', 'muted', ` ${c.model} on ${c.endpoint}${c.priced ? '' : ' · no price'}`));
    return label;
  }

  private pickRow(row: QuickCheckRowInfo | undefined, testSetId?: string): void {
    this.row = row && testSetId ? { testSetId, id: row.id } : undefined;
    for (const [v, area] of this.inputs) area.value = row?.values[v] ?? '';
  }

  private run(): void {
    const candidateIds = [...this.picks].filter(([, b]) => b.checked).map(([id]) => id);
    if (!candidateIds.length) { this.say('Tick at least one candidate.', true); return; }
    const values = Object.fromEntries([...this.inputs].map(([v, a]) => [v, a.value]));
    this.api.postMessage({ type: 'run', values, candidateIds, ...(this.row ? { row: this.row } : {}) });
  }

  private started(check: number, candidateIds: string[]): void {
    this.check = check;
    this.columns.clear();
    this.results.replaceChildren();
    const models = new Map(this.init?.candidates.map((c) => [c.id, c.model]));
    for (const id of candidateIds) {
      const box = el('section', 'qc-col');
      box.dataset.candidate = id;
      const out = el('pre', 'qc-out');
      out.setAttribute('aria-live', 'polite');
      const figs = el('div', 'qc-figs muted', 'waiting for the first token…');
      box.append(el('h3', undefined, id), el('div', 'muted', models.get(id) ?? ''), out, figs);
      this.columns.set(id, { box, out, figs });
      this.results.append(box);
    }
    this.runBtn.disabled = true;
    this.stopBtn.disabled = false;
    this.saveBtn.disabled = true;
    this.say(`Running on ${candidateIds.length} candidate${candidateIds.length === 1 ? '' : 's'}…`);
  }

  private done(r: QuickCheckResultInfo): void {
    const col = this.columns.get(r.candidateId);
    if (!col) return;
    // The streamed pieces already show the reply; the final text is authoritative (a provider that cannot stream sends it only here).
    col.out.textContent = r.text;
    col.figs.textContent = figures(r);
    col.box.classList.toggle('failed', !!r.error);
    col.box.dataset.done = 'true';
  }
}

function labelled(text: string, control: HTMLElement): HTMLElement {
  const l = el('label', 'field');
  l.append(el('span', 'muted', text), control);
  return l;
}

/** Entry point in the webview: wires the view to VS Code's API (kept in this closure, never on window) and tells the host it is ready. */
export function start(): QuickCheckView | undefined {
  const root = document.getElementById('app');
  if (!root || typeof acquireVsCodeApi !== 'function') return undefined;
  const vscodeApi = acquireVsCodeApi();
  const view = new QuickCheckView(root, { postMessage: (m) => vscodeApi.postMessage(m) });
  window.addEventListener('message', (e: MessageEvent) => {
    const m = e.data as QuickCheckHostMessage | undefined;
    if (m && typeof m === 'object' && typeof m.type === 'string') view.receive(m);
  });
  vscodeApi.postMessage({ type: 'ready' });
  return view;
}

start();
