// Endpoint definitions (user-level only: settings in the editor, a config file for the CLI) and the port
// through which hosts hand out API keys.
import { UserError } from '../errors';
import type { ProviderKind } from './registry';

/** One model endpoint, keyed by id. Workspace files refer to the id only; everything here is user-level. */
export interface EndpointConfig {
  /** A row of the provider table (registry.ts). */
  kind: ProviderKind;
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
  /** How long one request may take before it is abandoned and retried, ms (default 120 000; see `timeoutProblem`). */
  timeoutMs?: number;
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

/** A request's time limit when the endpoint sets none. */
export const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Why a value cannot be a request time limit, or undefined: whole milliseconds from a second (below that a
 * loaded server times out on everything) to an hour (a slow CPU server with a long answer).
 */
export function timeoutProblem(v: unknown): string | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1000 && v <= 3_600_000 ? undefined
    : `must be a whole number of milliseconds from 1000 to 3600000 (default ${DEFAULT_TIMEOUT_MS}), not ${JSON.stringify(v)}`;
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
