// Endpoint definitions (user-level only: settings in the editor, a config file for the CLI) and the port
// through which hosts hand out API keys.
import { UserError } from '../errors';

/** One model endpoint, keyed by id. Workspace files refer to the id only; everything here is user-level. */
export interface EndpointConfig {
  kind: 'openai' | 'bedrock';
  /** OpenAI-compatible: the API root, e.g. `https://api.openai.com/v1`. Bedrock: an endpoint override (tests, VPC endpoints). */
  baseURL?: string;
  /** Bedrock region (falls back to the profile's region, then the SDK's). */
  region?: string;
  /** AWS profile in ~/.aws/config; absent = the default credential chain. */
  profile?: string;
  /** Requests in flight (default 16); lowered on 429s and raised again (AIMD). */
  maxConcurrency?: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  /**
   * The provider's batch service. OpenAI-compatible: `true` when the server has the Files and Batches API
   * (OpenAI, Azure OpenAI; not vLLM or llama.cpp). Bedrock: where the job files go and the role Bedrock uses.
   */
  batch?: boolean | BedrockBatchConfig;
}

/** Bedrock batch inference settings (user-level only: the bucket and role are the user's account). */
export interface BedrockBatchConfig { s3Uri: string; roleArn: string }

export type EndpointsConfig = Record<string, EndpointConfig>;

/** Where API keys come from. A key is bound to (endpoint id, URL origin): a changed URL never reuses a key. */
export interface SecretSource {
  getKey(endpointId: string, origin: string): Promise<string | undefined>;
}

/** Built-in endpoints that need no configuration. */
export const builtInEndpoints: EndpointsConfig = { openai: { kind: 'openai', baseURL: 'https://api.openai.com/v1', batch: true } };

/** `scheme://host:port` of a URL; throws a UserError for anything that is not http(s). */
export function originOf(url: string): string {
  let u: URL;
  try { u = new URL(url); } catch { throw new UserError(`'${url}' is not a valid URL.`); }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UserError(`'${url}' must be an http(s) URL.`);
  if (u.username || u.password) throw new UserError('Endpoint URLs must not contain credentials.');
  return u.origin;
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
    if (e.kind !== 'openai' && e.kind !== 'bedrock') { problems.push(`${id}: kind must be 'openai' or 'bedrock'`); continue; }
    const cfg: EndpointConfig = { kind: e.kind };
    for (const k of ['baseURL', 'region', 'profile'] as const) {
      if (e[k] === undefined) continue;
      if (typeof e[k] === 'string') cfg[k] = e[k]; else problems.push(`${id}: ${k} must be a string`);
    }
    for (const k of ['maxConcurrency', 'requestsPerMinute', 'tokensPerMinute'] as const) {
      if (e[k] === undefined) continue;
      if (typeof e[k] === 'number' && e[k] > 0) cfg[k] = e[k]; else problems.push(`${id}: ${k} must be a positive number`);
    }
    if (e.batch !== undefined) {
      const problem = batchProblem(cfg.kind, e.batch);
      if (problem) problems.push(`${id}: ${problem}`); else cfg.batch = e.batch as EndpointConfig['batch'];
    }
    if (cfg.baseURL) { try { originOf(cfg.baseURL); } catch (err) { problems.push(`${id}: ${(err as Error).message}`); continue; } }
    if (cfg.kind === 'openai' && !cfg.baseURL) { problems.push(`${id}: an openai endpoint needs baseURL`); continue; }
    endpoints[id] = cfg;
  }
  return { endpoints, problems };
}

/** Why an endpoint's `batch` setting is unusable, or undefined when it is fine. */
function batchProblem(kind: EndpointConfig['kind'], v: unknown): string | undefined {
  if (kind === 'openai') return typeof v === 'boolean' ? undefined : 'batch must be true or false for an OpenAI-compatible endpoint';
  const b = v as Partial<BedrockBatchConfig> | null;
  if (!b || typeof b !== 'object' || typeof b.s3Uri !== 'string' || typeof b.roleArn !== 'string') return 'batch must be { "s3Uri": "s3://bucket/prefix", "roleArn": "arn:aws:iam::…:role/…" } for a Bedrock endpoint';
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/|$)/.test(b.s3Uri)) return `batch.s3Uri '${b.s3Uri}' is not an S3 URI like s3://my-bucket/prompt-adapt/`;
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\//.test(b.roleArn)) return `batch.roleArn '${b.roleArn}' is not an IAM role ARN`;
  return undefined;
}
