// Builds providers from endpoint definitions. Each SDK is loaded only when an endpoint of its kind is used.
import { UserError } from '../errors';
import { createBedrockProvider, type BedrockProviderOptions } from './bedrock';
import { originOf, type EndpointConfig, type SecretSource } from './endpoints';
import { createOpenAIProvider } from './openai';
import type { ModelProvider } from './provider';

export interface ProviderDeps {
  secrets: SecretSource;
  /** Asked when an AWS profile needs an MFA code. */
  mfaCodeProvider?: (mfaSerial: string) => Promise<string>;
  /** Tests: dummy AWS credentials for a loopback Bedrock server. */
  awsCredentials?: BedrockProviderOptions['credentials'];
  timeoutMs?: number;
  /**
   * CLI only: OpenAI-compatible endpoints use node:http with a keep-alive agent of this many sockets instead of
   * global fetch (less CPU per request; no proxy support, which the editor gets from VS Code's patched fetch).
   */
  nodeHttpSockets?: number;
}

/** Creates the provider for one endpoint. The key is looked up for (endpoint id, the URL's origin) only. */
export async function createProvider(endpointId: string, cfg: EndpointConfig, deps: ProviderDeps): Promise<ModelProvider> {
  if (cfg.kind === 'openai') {
    if (!cfg.baseURL) throw new UserError(`Endpoint '${endpointId}' has no baseURL.`);
    const apiKey = await deps.secrets.getKey(endpointId, originOf(cfg.baseURL));
    return createOpenAIProvider({ baseURL: cfg.baseURL, apiKey, timeoutMs: deps.timeoutMs, nodeHttpSockets: deps.nodeHttpSockets });
  }
  return createBedrockProvider({
    region: cfg.region, profile: cfg.profile, endpoint: cfg.baseURL, mfaCodeProvider: deps.mfaCodeProvider,
    credentials: deps.awsCredentials, maxSockets: Math.max(64, cfg.maxConcurrency ?? 16), timeoutMs: deps.timeoutMs,
  });
}
