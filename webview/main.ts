import { PROTOCOL_VERSION } from '../src/protocol/messages';
import { onHostMessage, post, restoreState, saveState } from './api';

let state = restoreState();
onHostMessage((m) => {
  if (m.type === 'init') { state = m.state; saveState(state); render(); }
});
function render(): void {
  const app = document.getElementById('app');
  if (app) app.textContent = `Prompt Adapt (${state.view})`;
}
render();
post({ type: 'ready', version: PROTOCOL_VERSION });
