// Endpoints and their keys in the editor. Endpoint definitions come from USER settings only (a workspace's
// .vscode/settings.json could otherwise point a key at any server); keys live in SecretStorage under
// (endpoint id, URL origin), so a changed URL never receives a key stored for another origin.
import * as vscode from 'vscode';
import { builtInEndpoints, originOf, type EndpointsConfig, type SecretSource } from '../core/providers/endpoints';
import { parseEndpoints, providerKindOf } from '../core/providers/registry';
import type { Log } from './log';
import { settings } from './settings';

const secretKey = (endpointId: string, origin: string): string => `promptAdapt.key/${endpointId}/${origin}`;
/** globalState: endpoint id -> origins a key was stored for (SecretStorage cannot be listed). */
const ORIGINS_STATE = 'promptAdapt.keyOrigins';

/** The user's endpoints (built-ins plus user settings), ignoring any workspace or folder value. */
export function readEndpoints(log?: Log): EndpointsConfig {
  const user = settings.userEndpoints();
  if (user.setInWorkspace) log?.warn('promptAdapt.endpoints is set in workspace settings; ignored: endpoints are read from user settings only.');
  const { endpoints, problems } = parseEndpoints(user.value ?? {});
  for (const p of problems) log?.warn(`promptAdapt.endpoints: ${p}`);
  return { ...builtInEndpoints, ...endpoints };
}

export class EndpointSecrets implements SecretSource {
  constructor(private readonly context: vscode.ExtensionContext) {}

  async getKey(endpointId: string, origin: string): Promise<string | undefined> {
    return this.context.secrets.get(secretKey(endpointId, origin));
  }

  /** Origins other than `origin` that hold a key for this endpoint (the URL changed since the key was stored). */
  otherOrigins(endpointId: string, origin: string): string[] {
    const all = this.context.globalState.get<Record<string, string[]>>(ORIGINS_STATE, {});
    return (all[endpointId] ?? []).filter((o) => o !== origin);
  }

  async store(endpointId: string, origin: string, key: string): Promise<void> {
    await this.context.secrets.store(secretKey(endpointId, origin), key);
    const all = { ...this.context.globalState.get<Record<string, string[]>>(ORIGINS_STATE, {}) };
    all[endpointId] = [...new Set([...(all[endpointId] ?? []), origin])];
    await this.context.globalState.update(ORIGINS_STATE, all);
  }
}

/**
 * "Configure endpoint": pick an endpoint from user settings and store its key for the URL's origin.
 * Storing a key for an origin the endpoint has never had a key for needs explicit confirmation.
 * Arguments (tests, walkthrough): endpoint id and key skip the prompts; the confirmation is still asked
 * unless `confirmNewOrigin` is true.
 */
export async function configureEndpoint(secrets: EndpointSecrets, log: Log, endpointId?: string, key?: string, confirmNewOrigin = false): Promise<boolean> {
  const endpoints = readEndpoints(log);
  const id = endpointId ?? (await vscode.window.showQuickPick(
    [...Object.entries(endpoints).map(([id, e]) => ({ label: id, description: providerKindOf(e.kind).describe(e) })),
      { label: '$(gear) Add an endpoint in user settings…', description: '', id: 'settings' }],
    { title: 'Configure endpoint', placeHolder: 'Which endpoint?' }))?.label;
  if (!id) return false;
  if (id.startsWith('$(gear)')) {
    await vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'promptAdapt.endpoints' } });
    return false;
  }
  const endpoint = endpoints[id];
  if (!endpoint) throw new Error(`No endpoint '${id}' in your user settings (promptAdapt.endpoints).`);
  const kind = providerKindOf(endpoint.kind);
  if (kind.credentials === 'ambient') {
    void vscode.window.showInformationMessage(kind.credentialHelp(id, endpoint));
    return false;
  }
  const origin = originOf(endpoint.baseURL!);
  if (secrets.otherOrigins(id, origin).length > 0 || !confirmNewOrigin) {
    const previous = secrets.otherOrigins(id, origin);
    const question = previous.length
      ? `Endpoint '${id}' now points at ${origin} (its key was stored for ${previous.join(', ')}). Store a key for ${origin}?`
      : `Store an API key for endpoint '${id}' at ${origin}? The key is sent only to this origin.`;
    if (!confirmNewOrigin && (await vscode.window.showWarningMessage(question, { modal: true }, 'Store Key')) !== 'Store Key') return false;
  }
  const value = key ?? await vscode.window.showInputBox({ title: `API key for ${id}`, prompt: `Sent only to ${origin}`, password: true, ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? null : 'Enter the key, or press Escape to cancel.') });
  if (!value) return false;
  await secrets.store(id, origin, value.trim());
  log.info(`stored a key for endpoint '${id}' (${origin})`);   // never the key itself
  return true;
}
