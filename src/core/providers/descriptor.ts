// What every provider kind provides. One file per kind (openai.ts, bedrock.ts) exports its descriptor;
// registry.ts is the table that lists them.
import type { BedrockProviderOptions } from './bedrock';
import type { EndpointConfig, SecretSource } from './endpoints';
import type { ParameterName } from './parameters';
import type { ModelProvider } from './provider';

export interface ProviderDeps {
  secrets: SecretSource;
  /** Asked when an AWS profile needs an MFA code. */
  mfaCodeProvider?: (mfaSerial: string) => Promise<string>;
  /** Tests: dummy AWS credentials for a loopback Bedrock server. */
  awsCredentials?: BedrockProviderOptions['credentials'];
  /** A request time limit for endpoints that set no `timeoutMs` (tests; default 120 s). */
  timeoutMs?: number;
  /**
   * CLI only: OpenAI-compatible endpoints use node:http with a keep-alive agent of this many sockets instead of
   * global fetch (less CPU per request; no proxy support, which the editor gets from VS Code's patched fetch).
   */
  nodeHttpSockets?: number;
}

/** How an endpoint of a kind authenticates. */
export type CredentialStyle =
  /** An API key the user stores (editor: secret storage; CLI: an environment variable), sent only to the endpoint's origin. */
  | 'stored-key'
  /** Credentials the SDK finds itself (AWS profiles, SSO, environment, instance roles): nothing to store. */
  | 'ambient';

export interface ProviderDescriptor {
  kind: string;
  /** What the kind is called in pickers and messages. */
  displayName: string;
  credentials: CredentialStyle;
  /** For 'ambient' credentials: where they come from, shown instead of asking for a key. */
  credentialHelp(endpointId: string, cfg: EndpointConfig): string;
  /** One line describing an endpoint of this kind in the endpoint picker (its URL, its region…). */
  describe(cfg: EndpointConfig): string;
  /** Why a parsed endpoint of this kind cannot be used (e.g. a missing URL), or undefined. */
  check(cfg: EndpointConfig): string | undefined;
  /** Why an endpoint's `batch` setting is unusable for this kind, or undefined when it is fine. */
  batchProblem(batch: unknown): string | undefined;
  /** An endpoint definition for usage texts (without `kind`). */
  example: Omit<EndpointConfig, 'kind'>;
  /** The generation parameters this kind sends; any other parameter is refused before a request is made. */
  parameters: readonly ParameterName[];
  create(endpointId: string, cfg: EndpointConfig, deps: ProviderDeps): Promise<ModelProvider>;
}
