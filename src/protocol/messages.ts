// Messages between the extension host and the webview. Leaf module: imports nothing, so both sides
// (Node and the browser bundle) share exactly these shapes.

export const PROTOCOL_VERSION = 1;

/** What the panel needs to redraw itself; also what the webview persists with setState. */
export interface PanelState {
  /** Which view of the panel is showing. */
  view: 'comparison' | 'calibration' | 'review';
}

export type WebviewToHost =
  | { type: 'ready'; version: number };

export type HostToWebview =
  | { type: 'init'; state: PanelState };

export function assertNever(x: never): never {
  throw new Error(`unhandled message ${JSON.stringify(x)}`);
}
