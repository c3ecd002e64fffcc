// A virtualised list: only the rows in view (plus a margin) exist in the DOM, positioned over a spacer as tall
// as the whole list, so 10k rows cost the same as 30. Rows whose data is not loaded yet ask `renderRow` anyway
// (it shows a placeholder and requests the page).
import { h } from '../dom';

export class VirtualList {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private total = 0;
  private selected = -1;
  private frame = 0;

  constructor(private readonly rowHeight: number, private readonly renderRow: (i: number, selected: boolean) => HTMLElement, label: string) {
    this.spacer = h('div', { class: 'vlist-spacer' });
    this.element = h('div', { class: 'vlist', role: 'listbox', tabindex: 0, 'aria-label': label }, this.spacer);
    this.element.addEventListener('scroll', () => {
      if (this.frame) return;
      this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
    });
  }

  setTotal(n: number): void { this.total = n; this.spacer.style.height = `${n * this.rowHeight}px`; this.render(); }

  setSelected(i: number): void {
    this.selected = i;
    this.element.setAttribute('aria-activedescendant', `row-${i}`);
    this.scrollIntoView(i);
    this.render();
  }

  private scrollIntoView(i: number): void {
    const top = i * this.rowHeight;
    const view = this.element.clientHeight;
    if (!view) return;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + this.rowHeight > this.element.scrollTop + view) this.element.scrollTop = top + this.rowHeight - view;
  }

  /** Indexes of the rows currently in the DOM. */
  visibleRange(): [number, number] {
    // Before layout (and in DOM tests) clientHeight is 0: render a screenful anyway.
    const view = this.element.clientHeight || 30 * this.rowHeight;
    const first = Math.max(0, Math.floor(this.element.scrollTop / this.rowHeight) - 5);
    return [first, Math.min(this.total, first + Math.ceil(view / this.rowHeight) + 10)];
  }

  render(): void {
    const [a, b] = this.visibleRange();
    while (this.spacer.firstChild) this.spacer.removeChild(this.spacer.firstChild);
    for (let i = a; i < b; i++) {
      const row = this.renderRow(i, i === this.selected);
      row.id = `row-${i}`;
      row.classList.add('vrow');
      row.setAttribute('role', 'option');
      row.setAttribute('aria-selected', i === this.selected ? 'true' : 'false');
      row.style.transform = `translateY(${i * this.rowHeight}px)`;
      row.style.height = `${this.rowHeight}px`;
      this.spacer.appendChild(row);
    }
  }
}
