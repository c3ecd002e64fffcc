// The panel's HTML: a CSP with `default-src 'none'` and a fresh crypto nonce for the one script, assets
// through asWebviewUri from dist/webview only. No inline script or style; data arrives by postMessage.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** A CSP nonce: 16 bytes from the CSPRNG (Math.random() is not one). */
export const newNonce = (): string => randomBytes(16).toString('base64');

export function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce = newNonce()): string {
  const asset = (f: string): vscode.Uri => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', f));
  const csp = [`default-src 'none'`, `img-src ${webview.cspSource} data:`, `font-src ${webview.cspSource}`, `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`, `base-uri 'none'`, `form-action 'none'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('main.css').toString()}">
<title>Prompt Adapt: Comparison</title></head>
<body><div id="app"></div><script nonce="${nonce}" src="${asset('main.js').toString()}"></script></body></html>`;
}

/** Webview options: scripts on, command URIs off, resources only from the bundle and media. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}
