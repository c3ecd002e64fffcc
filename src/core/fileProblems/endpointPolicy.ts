// Workspace files (prompt-adapt.yml, the `adapt:` section of prompt files) are shared and committed, and may
// come from an untrusted repository. They name endpoint ids only: URLs, credentials, headers and commands
// live in user settings (extension) or the user config file (CLI). This check says so wherever one appears.
import { describePath, type Reporter } from './reporter';
import type { YamlNode } from '../yaml';

type Kind = 'url' | 'secret' | 'header' | 'command';

const SECRET_KEYS = new Set(['apikey', 'key', 'secret', 'secretkey', 'token', 'accesstoken', 'authtoken', 'bearertoken', 'password',
  'passwd', 'accesskeyid', 'secretaccesskey', 'sessiontoken', 'credential', 'credentials', 'authorization', 'auth', 'bearer']);
const COMMAND_KEYS = new Set(['command', 'commands', 'cmd', 'exec', 'execute', 'shell', 'script']);

/** Classifies a key name (case, `_` and `-` ignored); undefined when harmless. */
export function forbiddenKeyKind(key: string): Kind | undefined {
  const k = key.toLowerCase().replace(/[-_\s]/g, '');
  if (k === 'header' || k === 'headers' || k.endsWith('headers')) return 'header';
  if (SECRET_KEYS.has(k) || /(apikey|secret|secretkey|accesskey|accesskeyid|password|accesstoken|authtoken|sessiontoken)$/.test(k)) return 'secret';
  if (k === 'url' || k === 'uri' || k.endsWith('url') || k.endsWith('uri') || k === 'host' || k === 'hostname') return 'url';
  if (COMMAND_KEYS.has(k)) return 'command';
  return undefined;
}

/** Classifies a string value: a URL, or something shaped like a well-known API key. */
export function forbiddenValueKind(value: string): Kind | undefined {
  const v = value.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\/\S/i.test(v)) return 'url';
  if (/^(sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|Bearer\s+\S{8,}|ghp_[A-Za-z0-9]{30,}|xox[bp]-\S{10,})$/.test(v)) return 'secret';
  return undefined;
}

const WHY: Record<Kind, (what: string) => string> = {
  url: (what) => `${what} is a URL. Workspace files name endpoint ids only: define the endpoint's URL under 'promptAdapt.endpoints' in your user settings (CLI: the user config file) and refer to it here by its id.`,
  secret: (what) => `${what} looks like a credential. Keys and tokens never go in workspace files, which are shared and committed: keep them with the endpoint in user settings / secret storage (CLI: an environment variable) and refer to the endpoint here by its id.`,
  header: (what) => `${what} sets request headers, which can carry credentials. Headers belong with the endpoint definition in your user settings; workspace files name endpoint ids only.`,
  command: (what) => `${what} names a command to run. Prompt Adapt never runs commands from workspace files (an untrusted repository could run anything); workspace files name endpoint ids only.`,
};

const CODE: Record<Kind, string> = { url: 'url-in-workspace', secret: 'secret-in-workspace', header: 'header-in-workspace', command: 'command-in-workspace' };

/**
 * Reports every forbidden key or value under `node`. `freeKeys(path)` says whether the keys of the map at
 * `path` are user-chosen names that cannot carry anything (template variable names in a field mapping).
 * Returns the spans it reported, so schema errors on the same keys can be dropped.
 */
export function checkEndpointIdsOnly(node: YamlNode | null, rep: Reporter, where: string,
  freeKeys: (path: readonly (string | number)[]) => boolean = () => false): Set<string> {
  const reported = new Set<string>();
  const walk = (n: YamlNode | null, path: (string | number)[]): void => {
    if (!n) return;
    if (n.kind === 'map') {
      const free = freeKeys(path);
      for (const p of n.pairs) {
        const kind = free ? undefined : forbiddenKeyKind(p.key);
        if (kind) {
          const end = p.value ? p.value.span[1] : p.keySpan[1];
          rep.error([p.keySpan[0], end], CODE[kind], WHY[kind](`'${describePath([...path, p.key])}' in ${where}`));
          reported.add([...path, p.key].join('/'));
          continue;
        }
        walk(p.value, [...path, p.key]);
      }
    } else if (n.kind === 'seq') {
      n.items.forEach((item, i) => walk(item, [...path, i]));
    } else if (n.kind === 'scalar' && typeof n.value === 'string') {
      const kind = forbiddenValueKind(n.value);
      if (kind) {
        rep.error(n.span, CODE[kind], WHY[kind](`The value of '${describePath(path)}' in ${where}`));
        reported.add(path.join('/'));
      }
    }
  };
  walk(node, []);
  return reported;
}
