// The provider table: one row per endpoint kind. The kind union, the settings enum in package.json
// (`npm run sync:enums`; a unit test fails while it disagrees), the endpoint picker, the CLI usage text and the
// endpoints-file validation all come from here. Adding a kind: a file like openai.ts that exports its
// descriptor, and a row below. Each SDK is loaded only when an endpoint of its kind is used.
import { UserError } from '../errors';
import { bedrockKind } from './bedrock';
import type { ProviderDeps, ProviderDescriptor } from './descriptor';
import { originOf, timeoutProblem, type EndpointConfig, type EndpointsConfig } from './endpoints';
import { openaiKind } from './openai';
import type { Candidate } from '../project/types';
import type { ModelParameters } from '../prompt/types';
import { parameterProblems } from './parameters';
import type { ModelProvider } from './provider';

export type { ProviderDeps, ProviderDescriptor } from './descriptor';

const table = {
  openai: openaiKind,
  bedrock: bedrockKind,
} as const satisfies Record<string, ProviderDescriptor>;

export type ProviderKind = keyof typeof table;
export const PROVIDER_KINDS = Object.keys(table) as ProviderKind[];

export function isProviderKind(x: unknown): x is ProviderKind {
  return typeof x === 'string' && Object.hasOwn(table, x);
}

const validKinds = (): string => PROVIDER_KINDS.map((k) => `'${k}'`).join(', ');

/** The descriptor of a kind; an unknown kind is an error naming it and the valid ones, never a fallback. */
export function providerKindOf(kind: string): ProviderDescriptor {
  if (!isProviderKind(kind)) throw new UserError(`Unknown endpoint kind '${kind}'; use one of ${validKinds()}.`);
  return table[kind];
}

/** Creates the provider for one endpoint. The key is looked up for (endpoint id, the URL's origin) only. */
export async function createProvider(endpointId: string, cfg: EndpointConfig, deps: ProviderDeps): Promise<ModelProvider> {
  return providerKindOf(cfg.kind).create(endpointId, cfg, deps);
}

/** Validates an untyped endpoints object (settings or a JSON file) and returns the valid entries plus problems. */
export function parseEndpoints(raw: unknown): { endpoints: EndpointsConfig; problems: string[] } {
  const endpoints: EndpointsConfig = {};
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { endpoints, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { endpoints, problems: ['endpoints must be an object keyed by endpoint id'] };
  for (const [id, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!v || typeof v !== 'object') { problems.push(`${id}: must be an object`); continue; }
    const e = v as Record<string, unknown>;
    if (!isProviderKind(e.kind)) { problems.push(`${id}: kind must be one of ${validKinds()}${e.kind === undefined ? '' : `, not ${JSON.stringify(e.kind)}`}`); continue; }
    const cfg: EndpointConfig = { kind: e.kind };
    for (const k of ['baseURL', 'region', 'profile'] as const) {
      if (e[k] === undefined) continue;
      if (typeof e[k] === 'string') cfg[k] = e[k]; else problems.push(`${id}: ${k} must be a string`);
    }
    for (const k of ['maxConcurrency', 'requestsPerMinute', 'tokensPerMinute'] as const) {
      if (e[k] === undefined) continue;
      if (typeof e[k] === 'number' && e[k] > 0) cfg[k] = e[k]; else problems.push(`${id}: ${k} must be a positive number`);
    }
    if (e.timeoutMs !== undefined) {
      const problem = timeoutProblem(e.timeoutMs);
      if (problem) problems.push(`${id}: timeoutMs ${problem}`); else cfg.timeoutMs = e.timeoutMs as number;
    }
    if (e.batch !== undefined) {
      const problem = table[cfg.kind].batchProblem(e.batch);
      if (problem) problems.push(`${id}: ${problem}`); else cfg.batch = e.batch as EndpointConfig['batch'];
    }
    if (cfg.baseURL) { try { originOf(cfg.baseURL); } catch (err) { problems.push(`${id}: ${(err as Error).message}`); continue; } }
    const unusable = table[cfg.kind].check(cfg);
    if (unusable) { problems.push(`${id}: ${unusable}`); continue; }
    endpoints[id] = cfg;
  }
  return { endpoints, problems };
}

/**
 * Why candidates cannot be sent their parameters (the prompt's, overridden by each candidate's): one line per
 * parameter that the candidate's endpoint kind does not take, so a run is refused before anything is sent.
 * Candidates whose endpoint is not defined are left to the caller's own check.
 */
export function candidateParameterProblems(candidates: readonly Pick<Candidate, 'id' | 'endpoint' | 'params'>[], promptParams: Readonly<ModelParameters>,
  endpoints: EndpointsConfig): string[] {
  const out: string[] = [];
  for (const c of candidates) {
    const cfg = endpoints[c.endpoint];
    if (!cfg || !isProviderKind(cfg.kind)) continue;
    const d = table[cfg.kind];
    for (const p of parameterProblems({ ...promptParams, ...c.params }, d.parameters, d.displayName)) out.push(`candidate '${c.id}' (endpoint '${c.endpoint}'): ${p}`);
  }
  return out;
}

/** The CLI's description of the endpoints file: one example endpoint per kind, and how each kind authenticates. */
export function endpointsUsage(indent: string): string {
  const example = Object.fromEntries(PROVIDER_KINDS.map((k) => [`my-${k}`, { kind: k, ...table[k].example }]));
  const lines = [`e.g. ${JSON.stringify(example)}`, 'kinds:'];
  for (const k of PROVIDER_KINDS) {
    const d = table[k];
    const auth = d.credentials === 'stored-key' ? 'key: PROMPT_ADAPT_KEY_<ENDPOINT_ID> (upper case, non-alphanumerics as _), or OPENAI_API_KEY for \'openai\''
      : 'AWS credentials: the endpoint\'s profile, else the default chain';
    lines.push(`  ${k.padEnd(Math.max(...PROVIDER_KINDS.map((x) => x.length)))}  ${d.displayName}; ${auth}; parameters: ${d.parameters.join(', ')}`);
  }
  return lines.map((l) => indent + l).join('\n');
}
