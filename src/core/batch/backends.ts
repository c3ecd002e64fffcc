// The batch backend of an endpoint, from its user-level settings: OpenAI-compatible endpoints with
// `batch: true`, Bedrock endpoints with `batch: { s3Uri, roleArn }`. Undefined when the endpoint has none.
import { UserError } from '../errors';
import { awsCredentialsFor } from '../providers/bedrock';
import { originOf, type EndpointConfig } from '../providers/endpoints';
import { createOpenAIBatchApi } from '../providers/openai';
import type { ProviderDeps } from '../providers/registry';
import { createBedrockBatchBackend } from './bedrockBatch';
import { createOpenAIBatchBackend } from './openaiBatch';
import type { BatchBackend } from './types';

export async function createBatchBackend(endpointId: string, cfg: EndpointConfig, deps: Pick<ProviderDeps, 'secrets' | 'mfaCodeProvider' | 'awsCredentials'>): Promise<BatchBackend | undefined> {
  if (!cfg.batch) return undefined;
  if (cfg.kind === 'openai') {
    if (!cfg.baseURL) throw new UserError(`Endpoint '${endpointId}' has no baseURL.`);
    const apiKey = await deps.secrets.getKey(endpointId, originOf(cfg.baseURL));
    return createOpenAIBatchBackend(await createOpenAIBatchApi({ baseURL: cfg.baseURL, apiKey }));
  }
  if (typeof cfg.batch !== 'object') return undefined;
  const credentials = await awsCredentialsFor({ profile: cfg.profile, mfaCodeProvider: deps.mfaCodeProvider, credentials: deps.awsCredentials });
  const { createBedrockBatchApi } = await loadBedrockBatchApi();
  return createBedrockBatchBackend(createBedrockBatchApi({ region: cfg.region, endpoint: cfg.baseURL, credentials }), cfg.batch);
}

/**
 * The S3 and Bedrock control-plane SDKs are big and rarely needed: the bundles ship them as their own file
 * (dist/bedrockBatchApi.js; esbuild.mjs turns this import into a load of that file), so they load only here.
 */
function loadBedrockBatchApi(): Promise<typeof import('../providers/bedrockBatchApi')> {
  return import('../providers/bedrockBatchApi');
}
