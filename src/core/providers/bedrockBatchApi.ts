// The only module that imports `@aws-sdk/client-bedrock` (the control plane) and `@aws-sdk/client-s3`. The
// bundles ship it as its own file (dist/bedrockBatchApi.js), loaded the first time a Bedrock batch runs, so the
// editor's activation never pays for these SDKs.
import { BedrockClient, CreateModelInvocationJobCommand, GetModelInvocationJobCommand, ListModelInvocationJobsCommand, StopModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { BedrockBatchApi } from '../batch/bedrockBatch';
import { originOf } from './endpoints';

export interface BedrockBatchApiOptions {
  region?: string;
  /** Endpoint override for both services (tests, VPC endpoints); S3 is then addressed path-style. */
  endpoint?: string;
  /** From providers/bedrock.ts (`awsCredentials`), so every AWS call uses one credential chain. */
  credentials?: S3ClientConfig['credentials'];
}

export function createBedrockBatchApi(opts: BedrockBatchApiOptions): BedrockBatchApi {
  if (opts.endpoint) originOf(opts.endpoint);
  const common = { region: opts.region, credentials: opts.credentials, maxAttempts: 3, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) };
  const s3 = new S3Client({ ...common, forcePathStyle: Boolean(opts.endpoint) });
  const bedrock = new BedrockClient(common);
  return {
    async putObject(bucket, key, body, signal) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/jsonl' }), { abortSignal: signal });
    },
    async listKeys(bucket, prefix, signal) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }), { abortSignal: signal });
        for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    async *objectLines(bucket, key, signal) {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      const decoder = new TextDecoder();
      let rest = '';
      for await (const chunk of out.Body as AsyncIterable<Uint8Array>) {
        rest += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = rest.indexOf('\n')) >= 0) { yield rest.slice(0, nl); rest = rest.slice(nl + 1); }
      }
      rest += decoder.decode();
      if (rest) yield rest;
    },
    async createJob(input, signal) {
      const out = await bedrock.send(new CreateModelInvocationJobCommand({
        jobName: input.jobName, clientRequestToken: input.clientRequestToken, roleArn: input.roleArn, modelId: input.modelId,
        inputDataConfig: { s3InputDataConfig: { s3Uri: input.inputUri, s3InputFormat: 'JSONL' } },
        outputDataConfig: { s3OutputDataConfig: { s3Uri: input.outputUri } },
      }), { abortSignal: signal });
      return out.jobArn!;
    },
    async getJob(jobArn, signal) {
      const out = await bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }), { abortSignal: signal });
      return { status: out.status ?? 'InProgress', message: out.message };
    },
    async findJob(jobName, signal) {
      // nameContains matches substrings: keep exact names, newest first.
      let token: string | undefined;
      do {
        const page = await bedrock.send(new ListModelInvocationJobsCommand({ nameContains: jobName, sortBy: 'CreationTime', sortOrder: 'Descending', maxResults: 100, nextToken: token }), { abortSignal: signal });
        const job = page.invocationJobSummaries?.find((j) => j.jobName === jobName);
        if (job) return { jobArn: job.jobArn!, status: job.status ?? 'InProgress', message: job.message, submitTime: job.submitTime };
        token = page.nextToken;
      } while (token);
      return undefined;
    },
    async stopJob(jobArn) { await bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn })); },
    async deleteObject(bucket, key, signal) { await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }); },
  };
}
