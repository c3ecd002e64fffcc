// The only module that imports `@aws-sdk/*` and `@smithy/*`. Bedrock Converse over HTTP/1.1.
import type { ConverseCommandInput, Message, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { causeMessage, dnsFailureHost, isAbortError } from '../errors';
import { DEFAULT_TIMEOUT_MS, originOf, type BedrockBatchConfig } from './endpoints';
import type { ProviderDescriptor } from './descriptor';
import { parameterProblems, type ParameterName } from './parameters';
import { ProviderError, redact, type Completion, type CompletionRequest, type ModelProvider } from './provider';
import { emptyReplyError } from './replies';
import type { ErrorKind } from '../store/records';

export interface BedrockProviderOptions {
  region?: string;
  /** AWS profile (config + credentials); absent = the default chain (env, SSO, ini, process, container, IMDS). */
  profile?: string;
  /** Endpoint override (tests, VPC endpoints). User-level config only: credentials and prompts go there. */
  endpoint?: string;
  /** Asked when a profile needs an MFA code (the editor shows an input box). */
  mfaCodeProvider?: (mfaSerial: string) => Promise<string>;
  /** Explicit credentials (tests use dummy ones; SigV4 still signs). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Sockets per endpoint; should be at least the scheduler's concurrency. */
  maxSockets?: number;
  timeoutMs?: number;
}

type CredentialProviders = typeof import('@aws-sdk/credential-providers');

function awsCredentials(opts: Pick<BedrockProviderOptions, 'credentials' | 'profile' | 'mfaCodeProvider'>, creds: CredentialProviders): AwsCredentialIdentity | AwsCredentialIdentityProvider {
  return opts.credentials
    ?? (opts.profile ? creds.fromIni({ profile: opts.profile, mfaCodeProvider: opts.mfaCodeProvider }) : creds.fromNodeProviderChain({ mfaCodeProvider: opts.mfaCodeProvider }));
}

/** The AWS credential chain the Converse provider uses, for the other AWS calls of an endpoint (batch jobs, S3). */
export async function awsCredentialsFor(opts: Pick<BedrockProviderOptions, 'credentials' | 'profile' | 'mfaCodeProvider'>): Promise<AwsCredentialIdentity | AwsCredentialIdentityProvider> {
  return awsCredentials(opts, await import('@aws-sdk/credential-providers'));
}

/** Creates a Converse provider; loads the SDK on first use. Model ids may be foundation model ids, inference-profile ids (`us.…`) or ARNs. */
export async function createBedrockProvider(opts: BedrockProviderOptions): Promise<ModelProvider> {
  if (opts.endpoint) originOf(opts.endpoint);
  const [{ BedrockRuntimeClient, ConverseCommand }, { NodeHttpHandler }, creds] = await Promise.all([
    import('@aws-sdk/client-bedrock-runtime'), import('@smithy/node-http-handler'), import('@aws-sdk/credential-providers'),
  ]);
  const credentials = awsCredentials(opts, creds);
  const agent = { keepAlive: true, maxSockets: opts.maxSockets ?? 64 };
  const client = new BedrockRuntimeClient({
    region: opts.region, ...(opts.profile ? { profile: opts.profile } : {}), ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    credentials,
    maxAttempts: 1, // the runner's scheduler retries
    // HTTP/1.1: the default HTTP/2 handler breaks behind proxies and against local servers.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 10_000, requestTimeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, throwOnRequestTimeout: true, httpAgent: agent, httpsAgent: agent }),
  });

  return {
    kind: 'bedrock',
    async complete(req: CompletionRequest, signal: AbortSignal): Promise<Completion> {
      const start = performance.now();
      try {
        const out = await client.send(new ConverseCommand(toConverse(req)), { abortSignal: signal });
        const blocks = out.output?.message?.content ?? [];
        if (!blocks.some((b) => typeof b.text === 'string')) {
          throw emptyReplyError(out.stopReason, `no text in the reply's ${blocks.length} content blocks`, { inputTokens: out.usage?.inputTokens, outputTokens: out.usage?.outputTokens });
        }
        let text = '';
        for (const b of blocks) if (b.text) text += b.text;
        return {
          text, finishReason: out.stopReason, inputTokens: out.usage?.inputTokens, outputTokens: out.usage?.outputTokens,
          latencyMs: performance.now() - start, requestId: out.$metadata.requestId,
        };
      } catch (err) {
        if (signal.aborted || isAbortError(err) || err instanceof ProviderError) throw err;
        throw toProviderError(err, opts);
      }
    },
    close: () => client.destroy(),
  };
}

/** The generation parameters Converse is sent: its inferenceConfig fields, and top_k as a model field. */
const BEDROCK_PARAMETERS: readonly ParameterName[] = ['temperature', 'topP', 'maxTokens', 'stop', 'topK'];

/** Converse wants system text apart and strictly alternating user/assistant turns: adjacent same-role messages are merged. */
function toConverse(req: CompletionRequest): ConverseCommandInput {
  const system: SystemContentBlock[] = [];
  const messages: Message[] = [];
  for (const m of req.messages) {
    if (m.role === 'system') { system.push({ text: m.content }); continue; }
    const last = messages[messages.length - 1];
    if (last && last.role === m.role) last.content!.push({ text: m.content });
    else messages.push({ role: m.role, content: [{ text: m.content }] });
  }
  const p = req.params ?? {};
  const problems = parameterProblems(p, BEDROCK_PARAMETERS, 'Bedrock');
  if (problems.length) throw new ProviderError('bad-request', `not sent: ${problems.join(' ')}`);
  const inferenceConfig: ConverseCommandInput['inferenceConfig'] = {};
  if (typeof p.maxTokens === 'number') inferenceConfig.maxTokens = p.maxTokens;
  if (typeof p.temperature === 'number') inferenceConfig.temperature = p.temperature;
  if (typeof p.topP === 'number') inferenceConfig.topP = p.topP;
  if (Array.isArray(p.stop)) inferenceConfig.stopSequences = p.stop as string[];
  return {
    modelId: req.model, messages, ...(system.length ? { system } : {}), inferenceConfig,
    // top_k is a model-specific field (Anthropic, Mistral and Meta models on Bedrock name it so).
    ...(typeof p.topK === 'number' ? { additionalModelRequestFields: { top_k: p.topK } } : {}),
  };
}

const byName: Record<string, ErrorKind> = {
  AccessDeniedException: 'auth', UnrecognizedClientException: 'auth', ExpiredTokenException: 'auth', InvalidSignatureException: 'auth',
  CredentialsProviderError: 'auth', ResourceNotFoundException: 'model-not-found', ThrottlingException: 'rate-limit',
  TooManyRequestsException: 'rate-limit', ServiceQuotaExceededException: 'quota', ModelTimeoutException: 'transient',
  ModelNotReadyException: 'transient', ModelErrorException: 'transient', ServiceUnavailableException: 'transient',
  InternalServerException: 'transient', TimeoutError: 'transient',
};

function toProviderError(err: unknown, where: Pick<BedrockProviderOptions, 'region' | 'endpoint'>): ProviderError {
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number; requestId?: string }; $response?: { headers?: Record<string, string> } };
  const message = redact(causeMessage(err)).slice(0, 500);
  // A wrong region names a host that does not exist: a setting to fix, not a fault to retry.
  const dns = dnsFailureHost(err);
  if (dns) return new ProviderError('config', `the host name '${dns.host}' does not resolve (${message}); check the endpoint's ${where.endpoint ? 'baseURL and ' : ''}region${where.region ? ` ('${where.region}')` : ''}`, { code: dns.code });
  const status = e.$metadata?.httpStatusCode;
  let kind: ErrorKind | undefined = status === 401 || status === 403 ? 'auth' : e.name ? byName[e.name] : undefined;
  if (e.name === 'ValidationException' && !kind) {
    kind = /model identifier is invalid|model.*not (?:found|supported)|inference profile/i.test(message) ? 'model-not-found'
      : /too long|too many tokens|context|max(?:imum)? (?:input )?tokens/i.test(message) ? 'context-length' : 'bad-request';
  }
  if (!kind) {
    if (status === 401 || status === 403) kind = 'auth';
    else if (status === 429) kind = 'rate-limit';
    else if (status === 400) kind = 'bad-request';
    else if (status === 404) kind = 'model-not-found';
    else kind = 'transient'; // 5xx, resets, socket timeouts, unparseable bodies
  }
  const headers = e.$response?.headers ?? {};
  const ra = headers['retry-after-ms'] ?? headers['retry-after'];
  const retryAfterMs = ra === undefined ? undefined : headers['retry-after-ms'] !== undefined ? Number(ra) : Number(ra) * 1000;
  return new ProviderError(kind, `${e.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${message}`, {
    status, code: e.name, requestId: e.$metadata?.requestId, retryAfterMs: Number.isFinite(retryAfterMs) ? retryAfterMs : undefined,
  });
}

/** The `bedrock` kind: Amazon Bedrock's Converse API with AWS credentials from a profile or the default chain. */
export const bedrockKind: ProviderDescriptor = {
  kind: 'bedrock',
  displayName: 'Amazon Bedrock',
  credentials: 'ambient',
  credentialHelp: (id, cfg) => `Endpoint '${id}' uses AWS credentials (${cfg.profile ? `profile '${cfg.profile}'` : 'the default credential chain'}); there is no key to store. Sign in with 'aws sso login' if your profile uses SSO.`,
  describe: (cfg) => `Bedrock ${cfg.region ?? ''}`.trim(),
  check: () => undefined,
  batchProblem: bedrockBatchProblem,
  example: { region: 'us-east-1' },
  parameters: BEDROCK_PARAMETERS,
  create: (_endpointId, cfg, deps) => createBedrockProvider({
    region: cfg.region, profile: cfg.profile, endpoint: cfg.baseURL, mfaCodeProvider: deps.mfaCodeProvider,
    credentials: deps.awsCredentials, maxSockets: Math.max(64, cfg.maxConcurrency ?? 16), timeoutMs: cfg.timeoutMs ?? deps.timeoutMs,
  }),
};

function bedrockBatchProblem(v: unknown): string | undefined {
  const b = v as Partial<BedrockBatchConfig> | null;
  if (!b || typeof b !== 'object' || typeof b.s3Uri !== 'string' || typeof b.roleArn !== 'string') return 'batch must be { "s3Uri": "s3://bucket/prefix", "roleArn": "arn:aws:iam::…:role/…" } for a Bedrock endpoint';
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/|$)/.test(b.s3Uri)) return `batch.s3Uri '${b.s3Uri}' is not an S3 URI like s3://my-bucket/prompt-adapt/`;
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\//.test(b.roleArn)) return `batch.roleArn '${b.roleArn}' is not an IAM role ARN`;
  return undefined;
}
