// A happy-dom window installed as the globals the webview code uses (document, window, performance, …).
import { Window } from 'happy-dom';
import { useControls } from '../../../webview/ui/controls';

export function installDom(): Window {
  const win = new Window({ url: 'http://localhost/' });
  const g = globalThis as Record<string, unknown>;
  for (const k of ['window', 'document', 'XMLSerializer', 'MessageEvent', 'KeyboardEvent', 'HTMLElement', 'Node', 'requestAnimationFrame', 'getComputedStyle']) {
    g[k] = k === 'window' ? win : (win as unknown as Record<string, unknown>)[k];
  }
  // happy-dom cannot run the toolkit's FAST elements: DOM tests use the native controls (the panel's fallback);
  // the toolkit path is covered in Chromium by test/e2e/webviewBrowser.mjs.
  useControls('native');
  return win;
}

/**
 * Waits until `ok()` holds (the webview answers through timers and messages). The deadline is generous and only
 * fails a test whose behaviour is really missing: a loaded machine makes happy-dom slow, not wrong.
 */
export async function until(ok: () => boolean, what: string, deadlineMs = 15_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`still not so after ${deadlineMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
