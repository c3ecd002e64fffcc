// The one reader of the extension's `promptAdapt.*` settings. Defaults are declared once, in package.json's
// `contributes.configuration` (VS Code returns them when a setting is unset); a value of the wrong type or out
// of its declared range (settings.json is hand-edited) falls back to that declared default too.
import * as vscode from 'vscode';

const SECTION = 'promptAdapt';

/** An integer setting within [min, max], else its package.json default. */
function integerSetting(key: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const config = vscode.workspace.getConfiguration(SECTION);
  const value = config.get<unknown>(key);
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  const declared = config.inspect<unknown>(key)?.defaultValue;
  if (typeof declared === 'number') return declared;
  throw new Error(`package.json declares no default for ${SECTION}.${key}`);
}

export const settings = {
  /** Requests in flight per endpoint unless the endpoint sets its own limit. */
  maxConcurrency: (): number => integerSetting('runs.maxConcurrency', 1, 256),
  /** Runs with more requests than this ask for confirmation with an estimate first. */
  confirmAboveRequests: (): number => integerSetting('runs.confirmAboveRequests', 0),
  /** Delay after the last keystroke before prompt files are checked again. */
  diagnosticsDelayMs: (): number => integerSetting('diagnostics.delayMs', 0, 5000),

  /**
   * `promptAdapt.endpoints` from user settings only (a workspace could otherwise point a key at any server),
   * and whether a workspace or folder tried to set it (it is then ignored).
   */
  userEndpoints(): { value: unknown; setInWorkspace: boolean } {
    const inspected = vscode.workspace.getConfiguration(SECTION).inspect<unknown>('endpoints');
    return { value: inspected?.globalValue, setInWorkspace: inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined };
  },

  /** Writes `promptAdapt.endpoints` in user settings. */
  async updateUserEndpoints(value: Record<string, unknown>): Promise<void> {
    await vscode.workspace.getConfiguration(SECTION).update('endpoints', value, vscode.ConfigurationTarget.Global);
  },
};
