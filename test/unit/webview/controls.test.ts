import { strict as assert } from 'node:assert';
import type { Window } from 'happy-dom';
import { installDom } from './setup';
import { badge, button, controlKit, select, textInput, useControls } from '../../../webview/ui/controls';

// The toolkit's elements are not registered in happy-dom (FAST does not run there), so these tests check what
// controls.ts builds and wires in each kit; rendering and styling of the toolkit are checked in Chromium.
suite('webview controls (both kits)', () => {
  let win: Window;
  setup(() => { win = installDom(); });
  teardown(async () => { useControls('native'); await win.happyDOM.abort(); win.close(); });

  test('DOM tests run on the native kit', () => {
    assert.equal(controlKit(), 'native');
    assert.equal(button('Go', () => {}).tagName, 'BUTTON');
    assert.equal(select('Pick', [{ value: 'a', label: 'A' }], 'a', () => {}).querySelector('select')?.tagName, 'SELECT');
    assert.equal(textInput('Note', 'n').tagName, 'INPUT');
  });

  test('toolkit kit: vscode-* elements with text children, secondary appearance, click handler', () => {
    useControls('toolkit');
    let clicks = 0;
    const b = button('<img src=x onerror=alert(1)>', () => { clicks++; }, { secondary: true, id: 'b1', title: 't' });
    assert.equal(b.tagName, 'VSCODE-BUTTON');
    assert.equal(b.getAttribute('appearance'), 'secondary');
    assert.equal(b.id, 'b1');
    assert.equal(b.childNodes.length, 1);
    assert.equal(b.firstChild!.nodeType, 3, 'the label is a text node');
    b.click();
    assert.equal(clicks, 1);
    assert.equal(button('Go', () => {}).hasAttribute('appearance'), false, 'primary is the default appearance');
    assert.equal(badge('IDK', 'warning').tagName, 'SPAN', 'badges stay native (vscode-tag trips the CSP)');
  });

  test('toolkit kit: the dropdown marks the current option and reports each new value once', () => {
    useControls('toolkit');
    const seen: string[] = [];
    const label = select('Estimator', [{ value: 'paper', label: 'paper' }, { value: 'naive', label: '<b>naive</b>' }], 'paper', (v) => seen.push(v), 'est');
    const dd = label.querySelector('#est') as HTMLElement & { value: string };
    assert.equal(dd.tagName, 'VSCODE-DROPDOWN');
    assert.equal(dd.getAttribute('aria-label'), 'Estimator');
    const opts = [...dd.children];
    assert.deepEqual(opts.map((o) => [o.tagName, o.getAttribute('value'), o.hasAttribute('selected'), o.textContent]),
      [['VSCODE-OPTION', 'paper', true, 'paper'], ['VSCODE-OPTION', 'naive', false, '<b>naive</b>']]);
    const change = (): void => { dd.dispatchEvent(new (globalThis as any).window.Event('change')); };
    dd.value = 'paper'; change();
    dd.value = 'naive'; change(); change();
    assert.deepEqual(seen, ['naive']);
  });

  test('toolkit kit: keys typed into a field or dropdown do not reach the panel shortcuts; Escape leaves it', () => {
    useControls('toolkit');
    const f = textInput('Note', 'note', 'n1');
    assert.equal(f.tagName, 'VSCODE-TEXT-FIELD');
    assert.equal(f.getAttribute('placeholder'), 'note');
    const sel = select('Show', [{ value: 'a', label: 'A' }], 'a', () => {}).querySelector('vscode-dropdown') as HTMLElement;
    document.body.append(f, sel);
    const reached: string[] = [];
    document.addEventListener('keydown', (e) => reached.push((e as KeyboardEvent).key));
    let blurred = 0;
    f.blur = () => { blurred++; };
    const key = (el: HTMLElement, k: string): void => { el.dispatchEvent(new (globalThis as any).window.KeyboardEvent('keydown', { key: k, bubbles: true })); };
    key(f, 'c'); key(sel, 'i'); key(f, 'Escape');
    assert.deepEqual(reached, []);
    assert.equal(blurred, 1);
    key(document.body, 'c');
    assert.deepEqual(reached, ['c']);
  });
});
