// The only place that talks to VS Code: typed postMessage, state persistence and the message loop.
import type { HostToWebview, PanelState, WebviewToHost } from '../src/protocol/messages';

const vscode = acquireVsCodeApi<PanelState>();
export const post = (m: WebviewToHost): void => vscode.postMessage(m);
export const saveState = (s: PanelState): void => void vscode.setState(s);
export const restoreState = (): PanelState => vscode.getState() ?? { view: 'comparison' };
export const onHostMessage = (fn: (m: HostToWebview) => void): void =>
  window.addEventListener('message', (e: MessageEvent<HostToWebview>) => fn(e.data));
