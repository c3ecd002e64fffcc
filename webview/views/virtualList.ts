// A virtualised list: only the rows in view (plus a margin) exist in the DOM, positioned over a spacer as tall
// as the whole list, so 10k rows cost the same as 30. Rows whose data is not loaded yet ask `renderRow` anyway
// (it shows a placeholder and requests the page). `PagedRows` fetches those pages from the host on demand.
import { h } from '../dom';

export const PAGE_SIZE = 100;

export interface VirtualListOptions {
  /** ARIA roles of the list and its rows (a listbox of options by default; the results grid is a grid of rows). */
  role?: 'listbox' | 'grid';
  rowRole?: 'option' | 'row';
  /** Prefix of the row elements' ids (`row-` by default). */
  idPrefix?: string;
  /** Shown above the rows inside the scrolling element (sticky column headers scroll sideways with the rows). */
  header?: HTMLElement;
}

export class VirtualList {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowRole: string;
  private readonly idPrefix: string;
  private total = 0;
  private selected = -1;
  private frame = 0;

  constructor(private readonly rowHeight: number, private readonly renderRow: (i: number, selected: boolean) => HTMLElement, label: string, opts: VirtualListOptions = {}) {
    this.spacer = h('div', { class: 'vlist-spacer' });
    this.rowRole = opts.rowRole ?? 'option';
    this.idPrefix = opts.idPrefix ?? 'row-';
    this.element = h('div', { class: 'vlist', role: opts.role ?? 'listbox', tabindex: 0, 'aria-label': label }, opts.header, this.spacer);
    this.element.addEventListener('scroll', () => {
      if (this.frame) return;
      this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
    });
  }

  setTotal(n: number): void { this.setSize(n); this.render(); }

  private setSize(n: number): void { this.total = n; this.spacer.style.height = `${n * this.rowHeight}px`; }

  setSelected(i: number): void {
    this.selected = i;
    if (this.rowRole === 'option') this.element.setAttribute('aria-activedescendant', `${this.idPrefix}${i}`);
    this.scrollIntoView(i);
    this.render();
  }

  /** Both at once, with one render. */
  setTotalAndSelected(n: number, i: number): void { this.setSize(n); this.setSelected(i); }

  /** Height of what sits above the rows (the header, which stays stuck over them); the list is their offset parent. */
  private get headHeight(): number { return this.spacer.offsetTop || 0; }

  private scrollIntoView(i: number): void {
    const head = this.headHeight;
    const top = head + i * this.rowHeight;
    const view = this.element.clientHeight;
    if (!view) return;
    if (top - head < this.element.scrollTop) this.element.scrollTop = top - head;
    else if (top + this.rowHeight > this.element.scrollTop + view) this.element.scrollTop = top + this.rowHeight - view;
  }

  /** Indexes of the rows currently in the DOM. */
  visibleRange(): [number, number] {
    // Before layout (and in DOM tests) clientHeight is 0: render a screenful anyway.
    const view = this.element.clientHeight || 30 * this.rowHeight;
    const first = Math.max(0, Math.floor((this.element.scrollTop - this.headHeight) / this.rowHeight) - 5);
    return [first, Math.min(this.total, first + Math.ceil(view / this.rowHeight) + 10)];
  }

  render(): void {
    const [a, b] = this.visibleRange();
    while (this.spacer.firstChild) this.spacer.removeChild(this.spacer.firstChild);
    for (let i = a; i < b; i++) {
      const row = this.renderRow(i, i === this.selected);
      row.id = `${this.idPrefix}${i}`;
      row.classList.add('vrow');
      row.setAttribute('role', this.rowRole);
      if (this.rowRole === 'option') row.setAttribute('aria-selected', i === this.selected ? 'true' : 'false');
      else row.setAttribute('aria-rowindex', String(i + 2)); // the header is row 1
      row.style.transform = `translateY(${i * this.rowHeight}px)`;
      row.style.height = `${this.rowHeight}px`;
      this.spacer.appendChild(row);
    }
  }
}

/** Pages of one list (one key: test set, filter, …) fetched from the host on demand; `last` is the latest page received. */
export class PagedRows<R, P extends { rows: R[]; total: number }> {
  total = -1;
  last: P | undefined;
  private readonly pages = new Map<number, R[] | Promise<void>>();
  constructor(readonly key: string, private readonly fetch: (offset: number, limit: number) => Promise<P>, private readonly changed: () => void) {}

  /** The row if its page is loaded; otherwise starts loading it and returns undefined. */
  row(i: number): R | undefined {
    const p = Math.floor(i / PAGE_SIZE);
    const page = this.pages.get(p);
    if (Array.isArray(page)) return page[i - p * PAGE_SIZE];
    if (!page) this.load(p).catch(() => undefined);
    return undefined;
  }

  load(p: number): Promise<void> {
    const existing = this.pages.get(p);
    if (existing) return Array.isArray(existing) ? Promise.resolve() : existing;
    const loading = this.fetch(p * PAGE_SIZE, PAGE_SIZE).then((page) => {
      this.pages.set(p, page.rows);
      this.total = page.total;
      this.last = page;
      this.changed();
    }, (err: unknown) => { this.pages.delete(p); throw err; });
    this.pages.set(p, loading);
    return loading;
  }
}
