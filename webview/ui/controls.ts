// The panel's controls, in one folder so the component library can be swapped without touching the views.
//
// Two implementations behind the same functions:
// - 'toolkit' (what the panel uses): @vscode/webview-ui-toolkit 1.4 elements (vscode-button, vscode-dropdown +
//   vscode-option, vscode-text-field), registered once by ui/toolkit.ts before the first render. They style
//   themselves from VS Code's theme variables through FAST design tokens held in constructed stylesheets
//   (adoptedStyleSheets) and CSSOM property writes, which the panel's CSP (`style-src` the bundle only, no
//   'unsafe-inline') allows; test/e2e/webviewBrowser.mjs checks this in Chromium and fails on any CSP violation.
//   FAST's one <style> probe at load (:focus-visible) is answered at build time (esbuild.mjs) for the same reason.
// - 'native' (the fallback): plain <button>/<select>/<input>/<span> styled by main.css. Used when registration
//   fails (no custom elements, a registry clash, the library throwing), when the page sets
//   <body data-controls="native">, and in the happy-dom unit tests, which cannot run FAST.
// Not from the toolkit on purpose: badges (vscode-tag) and a busy spinner (vscode-progress-ring), whose templates
// carry a style="" attribute that the CSP reports (style-src-attr); the tabs (vscode-panels wants to own the tab
// content; our router renders the views itself); the determinate progress bar (the toolkit has none); every table
// and the virtualised review list (vscode-data-grid has no caption/row headers and would fight the virtual scroller).
//
// Why keep the seam: the toolkit is archived upstream (deprecated 2025-01-01, built on the deprecated FAST
// Foundation). To move to @vscode-elements/elements: import its elements in ui/toolkit.ts instead (they register
// themselves on import; no design system call), map the tags below (vscode-button -> vscode-button,
// vscode-dropdown/vscode-option -> vscode-single-select/vscode-option, vscode-text-field -> vscode-textfield,
// and badges may then move to vscode-badge), update the toolkit rules in main.css, drop the esbuild.mjs plugin,
// keep these signatures and re-run test:webview (it checks the CSP and the theme colours). Views never change.
// Toolkit elements are created through dom.ts's h(), so attributes keep its allow-list and every string
// stays text; the one extra attribute, `appearance`, is a constant.
import { h, type Attrs, type Child } from '../dom';

export type ControlKit = 'toolkit' | 'native';
let kit: ControlKit = 'native';

/** Chooses the implementation for controls created from now on (ui/toolkit.ts at start-up; unit tests). */
export function useControls(k: ControlKit): void { kit = k; }
export function controlKit(): ControlKit { return kit; }

type ToolkitTag = 'vscode-button' | 'vscode-dropdown' | 'vscode-option' | 'vscode-text-field';
/** A toolkit element built like h() builds native ones (the tag is not in lib.dom's map, hence the cast). */
const tk = (tag: ToolkitTag, attrs: Attrs = {}, ...children: Child[]): HTMLElement => h(tag as unknown as 'span', attrs, ...children);

/**
 * Keys typed into a toolkit field stay there. The app's single-key shortcuts skip events whose target is an
 * INPUT or SELECT, but an event leaving a shadow root is retargeted to the host (VSCODE-TEXT-FIELD), so without
 * this, typing "c" into the note would label the output. Escape leaves the field, as it does for native fields.
 */
function keepKeys(el: HTMLElement, isOpen: () => boolean = () => false): void {
  el.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !isOpen()) el.blur();
    e.stopPropagation();
  });
}

export function button(label: string, onClick: () => void, opts: { title?: string; secondary?: boolean; id?: string } = {}): HTMLElement {
  let b: HTMLElement;
  if (kit === 'toolkit') {
    b = tk('vscode-button', { type: 'button', class: 'tk-button', title: opts.title, id: opts.id }, label);
    if (opts.secondary) b.setAttribute('appearance', 'secondary');
  } else {
    b = h('button', { type: 'button', class: opts.secondary ? 'btn secondary' : 'btn', title: opts.title, id: opts.id }, label);
  }
  b.addEventListener('click', onClick);
  return b;
}

export function select<T extends string>(label: string, options: readonly { value: T; label: string; title?: string }[], value: T | undefined,
  onChange: (v: T) => void, id?: string): HTMLLabelElement {
  const opts = options.map((o) => (kit === 'toolkit' ? tk('vscode-option', { value: o.value, selected: o.value === value, title: o.title || undefined }, o.label)
    : h('option', { value: o.value, selected: o.value === value, title: o.title || undefined }, o.label)));
  const sel = kit === 'toolkit' ? tk('vscode-dropdown', { id, 'aria-label': label }, ...opts) : h('select', { id, 'aria-label': label }, ...opts);
  const read = (): string => (sel as HTMLElement & { value: string }).value;
  if (kit === 'toolkit') keepKeys(sel, () => sel.hasAttribute('open'));
  let last = value as string | undefined;
  sel.addEventListener('change', () => {
    const v = read();
    if (v === last) return;
    last = v;
    onChange(v as T);
  });
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

/** A single-line text field; read and clear it through `value`. */
export type TextInput = HTMLElement & { value: string };

export function textInput(label: string, placeholder: string, id?: string): TextInput {
  if (kit === 'native') return h('input', { type: 'text', class: 'text-input', 'aria-label': label, placeholder, id });
  const f = tk('vscode-text-field', { class: 'tk-text-field', 'aria-label': label, placeholder, id }) as TextInput;
  keepKeys(f);
  return f;
}

/** A determinate progress bar (value/max) with a text label. Native in both kits (the toolkit has only a spinner). */
export function progress(value: number, max: number, label: string): HTMLElement {
  const bar = h('progress', { value: Math.min(value, Math.max(max, 1)), max: Math.max(max, 1), 'aria-label': label });
  return h('div', { class: 'progress' }, bar, h('span', { class: 'progress-label' }, label));
}

/** Native in both kits: vscode-tag's template carries a style="" attribute, which the CSP reports (style-src-attr). */
export function badge(text: string, kind: 'info' | 'warning' | 'error' | 'ok' = 'info'): HTMLElement {
  return h('span', { class: `badge ${kind}` }, text);
}
