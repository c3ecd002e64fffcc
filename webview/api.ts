// The only acquireVsCodeApi() call: the API object stays in this module (never on window).
import type { PanelState } from '../src/protocol/messages';
import { HostClient } from './host';

export function connect(): HostClient {
  return new HostClient(acquireVsCodeApi<PanelState>(), window);
}
