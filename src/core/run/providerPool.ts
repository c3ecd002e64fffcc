// One provider per endpoint for the life of a session (a run, its judging, several runs of an adaptation):
// built on first use, shared by every run and judge of the session, closed once at the end.
import { UserError } from '../errors';
import type { EndpointConfig, EndpointsConfig } from '../providers/endpoints';
import type { ModelProvider } from '../providers/provider';
import { createProvider, type ProviderDeps } from '../providers/registry';

export interface ProviderPoolOptions {
  endpoints: EndpointsConfig;
  deps: Omit<ProviderDeps, 'nodeHttpSockets'>;
  /** CLI: the node:http transport's socket count for an endpoint (see ProviderDeps.nodeHttpSockets); unset = global fetch. */
  nodeHttpSockets?(cfg: EndpointConfig): number;
}

export class ProviderPool {
  private readonly made = new Map<string, Promise<ModelProvider>>();

  constructor(private readonly opts: ProviderPoolOptions) {}

  /**
   * The endpoint's provider. Runs close the providers they were given when they end; the pool hands out
   * views whose `close` does nothing, so the next run or judge of the session reuses the same sockets.
   */
  readonly get = (endpointId: string): Promise<ModelProvider> => {
    let p = this.made.get(endpointId);
    if (!p) {
      const cfg = this.opts.endpoints[endpointId];
      if (!cfg) return Promise.reject(new UserError(`unknown endpoint '${endpointId}'; define it with the other endpoints`));
      const sockets = this.opts.nodeHttpSockets?.(cfg);
      p = createProvider(endpointId, cfg, { ...this.opts.deps, ...(sockets ? { nodeHttpSockets: sockets } : {}) });
      this.made.set(endpointId, p);
    }
    return p.then((provider) => ({ kind: provider.kind, complete: (req, signal) => provider.complete(req, signal) }));
  };

  /** Closes every provider built so far (a failed build is ignored: there is nothing to close). */
  close(): void {
    for (const p of this.made.values()) void p.then((x) => x.close?.(), () => undefined);
    this.made.clear();
  }
}
