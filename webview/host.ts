// The webview's side of the protocol: typed requests with ids (each answered once by a `response`), host
// notifications, and state persistence. Takes the VS Code API as a parameter so tests can pass a fake.
import type { HostToWebview, Method, PanelState, Requests, WebviewToHost } from '../src/protocol/messages';

/** The part of `acquireVsCodeApi()` the panel uses. */
export interface VsCodeApiLike {
  postMessage(m: unknown): void;
  getState(): unknown;
  setState(s: PanelState): void;
}

export type Notification = Exclude<HostToWebview, { type: 'response' }>;

export class HostClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private listener: ((m: Notification) => void) | undefined;

  constructor(private readonly api: VsCodeApiLike, target: Pick<Window, 'addEventListener'>) {
    target.addEventListener('message', (e: Event) => this.receive((e as MessageEvent).data));
  }

  onNotification(fn: (m: Notification) => void): void { this.listener = fn; }

  post(m: WebviewToHost): void { this.api.postMessage(m); }

  request<M extends Method>(method: M, params: Requests[M]['params']): Promise<Requests[M]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ type: 'request', id, method, params } as WebviewToHost);
    });
  }

  saveState(s: PanelState): void { this.api.setState(s); }
  restoredState(): unknown { return this.api.getState(); }

  private receive(data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    const m = data as HostToWebview;
    if (m.type === 'response') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(m.error)); else p.resolve(m.result);
      return;
    }
    if (m.type === 'init' || m.type === 'comparison' || m.type === 'labels') this.listener?.(m);
  }
}
