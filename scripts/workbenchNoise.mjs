// What the VS Code workbench (code-server) logs about itself that is no fault of the extension under test
// and cannot be switched off; the test harnesses leave these messages out of their output.
//
// At startup every remote window (code-server always is one) asks for the sessions of the default account
// provider 'github' without awaiting the answer (DefaultAccountProvider.init), gives the extension host 5 s
// to register that provider and retries three times. It is created unconditionally: no setting, flag or
// product switch skips it (chat.disableAIFeatures does not). The GitHub authentication extension does
// register, but on a busy machine the remote extension host starts later than 5 s; disabling the extension
// makes the lookup fail every time. When the extension host exits after the tests, lookups still in flight
// are cancelled. Each entry below matches one message of that lookup exactly, never a whole level or source.
const GITHUB_LOOKUP_FAILED = String.raw`(Timed out waiting for authentication provider 'github' to register\.|Canceled)`;
const NOISE = [
  /^(Ignoring fetching additional builtin|\[AccountPolicyGate\]|Updating additional builtin)/,
  /^(Timed out waiting for authentication provider 'github' to register\.: )?Error: Timed out waiting for authentication provider 'github' to register\.(\n|$)/,
  new RegExp(String.raw`^\[DefaultAccount\] (Attempt \d+ to get sessions failed:|Failed to get default account for provider: github) ${GITHUB_LOOKUP_FAILED}$`),
  new RegExp(String.raw`^\[chat-stt\] could not refresh GitHub session state for cloud dictation Error: ${GITHUB_LOOKUP_FAILED}(\n|$)`),
  // requests to the extension host cancelled because it exited after the tests (the lookups above among them)
  /^Canceled: Canceled: Canceled\n(?=[^]*\b(_doStopExtensionHosts|initializeExtensionUsageCache)\b)/,
  // The Test Explorer's result store, persisting a first test run, lists its `testResults` folder in the
  // workspace storage before it exists (a fresh profile), logs the failure and goes on to create it.
  /^Unable to resolve nonexistent file 'vscode-remote:[^'\n]*\/workspaceStorage\/[^'\n]*\/testResults': Error: Unable to resolve nonexistent file '[^'\n]*'\n(?=[^]*\bcleanupDereferenced\b)/,
];
// The browser console shows the same messages behind the workbench's level badge: "%c  ERR color: #f33 …".
const CONSOLE_BADGE = /^%c\s+[A-Z]+ color: #[0-9a-f]+ /i;

// The workbench also fetches Microsoft's closed-source signing module (vsda), which code-server does not ship.
const MISSING_VSDA = /\/node_modules\/vsda\/rust\/web\/vsda(_bg\.wasm|\.js)$/;

/** Whether a workbench log or browser console message (from `url`, when known) is one of the known ones above. */
export const isWorkbenchNoise = (text, url = '') => {
  if (text.startsWith('Failed to load resource: the server responded with a status of 404') && MISSING_VSDA.test(url)) return true;
  const message = text.replace(CONSOLE_BADGE, '');
  return NOISE.some((re) => re.test(message));
};
