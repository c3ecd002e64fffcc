// The panel's controls, in one folder so the component library can be swapped without touching the views.
// Plain native elements styled with VS Code's theme variables (main.css): @vscode/webview-ui-toolkit is
// archived upstream, its FAST custom elements render in shadow DOM (no styling from our CSS, no happy-dom tests)
// and cost first-paint time; native controls are keyboard-accessible and theme-aware as they are.
import { h } from '../dom';

export function button(label: string, onClick: () => void, opts: { title?: string; secondary?: boolean; id?: string } = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', class: opts.secondary ? 'btn secondary' : 'btn', title: opts.title, id: opts.id }, label);
  b.addEventListener('click', onClick);
  return b;
}

export function select<T extends string>(label: string, options: readonly { value: T; label: string }[], value: T | undefined,
  onChange: (v: T) => void, id?: string): HTMLLabelElement {
  const sel = h('select', { id, 'aria-label': label }, ...options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)));
  sel.addEventListener('change', () => onChange(sel.value as T));
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), sel);
}

export function tabs<T extends string>(items: readonly { value: T; label: string }[], current: T, onSelect: (v: T) => void): HTMLElement {
  const bar = h('div', { class: 'tabs', role: 'tablist' });
  for (const it of items) {
    const t = h('button', { type: 'button', role: 'tab', class: it.value === current ? 'tab active' : 'tab', 'aria-selected': it.value === current ? 'true' : 'false', 'data-view': it.value }, it.label);
    t.addEventListener('click', () => onSelect(it.value));
    bar.appendChild(t);
  }
  return bar;
}

export function textInput(label: string, placeholder: string, id?: string): HTMLInputElement {
  return h('input', { type: 'text', class: 'text-input', 'aria-label': label, placeholder, id });
}

/** A determinate progress bar (value/max) with a text label. */
export function progress(value: number, max: number, label: string): HTMLElement {
  const bar = h('progress', { value: Math.min(value, Math.max(max, 1)), max: Math.max(max, 1), 'aria-label': label });
  return h('div', { class: 'progress' }, bar, h('span', { class: 'progress-label' }, label));
}

export function badge(text: string, kind: 'info' | 'warning' | 'error' | 'ok' = 'info'): HTMLElement {
  return h('span', { class: `badge ${kind}` }, text);
}
