// A happy-dom window installed as the globals the webview code uses (document, window, performance, …).
import { Window } from 'happy-dom';

export function installDom(): Window {
  const win = new Window({ url: 'http://localhost/' });
  const g = globalThis as Record<string, unknown>;
  for (const k of ['window', 'document', 'XMLSerializer', 'MessageEvent', 'KeyboardEvent', 'HTMLElement', 'Node', 'requestAnimationFrame', 'getComputedStyle']) {
    g[k] = k === 'window' ? win : (win as unknown as Record<string, unknown>)[k];
  }
  return win;
}
