// Batch settings live with the user's endpoints: checked with a message naming the endpoint; the Runs tree's
// one-line description of a run's jobs.
import assert from 'node:assert/strict';
import { batchJobsState, describeBatchJobs, hasOpenBatchJobs, type BatchJob } from '../../../src/core/batch/types';
import { batchPriceOf, costOf } from '../../../src/core/runner/recorder';
import { parseEndpoints } from '../../../src/core/providers/registry';
import { batchFlags } from '../../../src/cli/commands/run';

suite('batch settings', () => {
  test('endpoint batch settings: true for OpenAI-compatible, bucket + role for Bedrock; anything else is named', () => {
    const { endpoints, problems } = parseEndpoints({
      oa: { kind: 'openai', baseURL: 'https://api.example.com/v1', batch: true },
      br: { kind: 'bedrock', region: 'us-east-1', batch: { s3Uri: 's3://my-bucket/pa/', roleArn: 'arn:aws:iam::123456789012:role/BedrockBatch' } },
      bad1: { kind: 'openai', baseURL: 'https://x/v1', batch: 'yes' },
      bad2: { kind: 'bedrock', batch: { s3Uri: 'https://bucket', roleArn: 'arn:aws:iam::123456789012:role/R' } },
      bad3: { kind: 'bedrock', batch: true },
    });
    assert.equal(endpoints.oa!.batch, true);
    assert.deepEqual(endpoints.br!.batch, { s3Uri: 's3://my-bucket/pa/', roleArn: 'arn:aws:iam::123456789012:role/BedrockBatch' });
    assert.equal(endpoints.bad1!.batch, undefined);
    assert.deepEqual(problems, [
      'bad1: batch must be true or false for an OpenAI-compatible endpoint',
      "bad2: batch.s3Uri 'https://bucket' is not an S3 URI like s3://my-bucket/prompt-adapt/",
      'bad3: batch must be { "s3Uri": "s3://bucket/prefix", "roleArn": "arn:aws:iam::…:role/…" } for a Bedrock endpoint',
    ]);
  });

  test('batch prices: the candidate\'s batchPrice, else half the live price', () => {
    const c = { id: 'a', endpoint: 'e', model: 'm', price: { inputPerMTok: 2, outputPerMTok: 8 } };
    assert.deepEqual(batchPriceOf(c), { inputPerMTok: 1, outputPerMTok: 4 });
    assert.equal(costOf(c, 1e6, 1e6, true), 5);
    assert.equal(costOf({ ...c, batchPrice: { inputPerMTok: 0.5, outputPerMTok: 1 } }, 1e6, 1e6, true), 1.5);
    assert.equal(costOf(c, 1e6, 1e6), 10);
  });

  test('the Runs tree line for a run\'s batch jobs', () => {
    const job = (state: BatchJob['state'], collected = false, n = 100): BatchJob => ({ backend: 'openai', endpointId: 'e', model: 'm', jobId: `b-${state}`, keys: Array.from({ length: n }, (_, i) => `k${i}`), submittedAt: '2026-12-03T14:05:09.000Z', state, counts: { total: n, completed: 0, failed: 0 }, collected });
    assert.equal(describeBatchJobs([job('running'), job('completed', true, 3100)]), 'batch: 1 running, 1 collected (3,200 requests; submitted 2026-12-03 14:05 UTC)');
    assert.equal(describeBatchJobs([]), undefined);
    assert.equal(hasOpenBatchJobs([job('completed', true)]), false);
    assert.equal(hasOpenBatchJobs([job('running')]), true);
  });

  test('a submission a crash interrupted shows as "submitting…" (tree, log and status bar) and keeps the run open to resume', () => {
    const job = (jobId: string, n: number, submittedAt: string): BatchJob => ({ backend: 'bedrock', endpointId: 'e', model: 'm', jobId, keys: Array.from({ length: n }, (_, i) => `k${i}`), submittedAt, state: 'submitted', counts: { total: n, completed: 0, failed: 0 } });
    const marker = job('submitting:0123456789abcdef', 200, '2026-12-04T08:01:00.000Z');
    assert.equal(describeBatchJobs([marker]), 'batch: 1 submitting… (200 requests; submitted 2026-12-04 08:01 UTC)');
    assert.equal(batchJobsState([marker]), '1 submitting…');
    assert.equal(batchJobsState([job('arn:aws:bedrock:us-east-1:1:model-invocation-job/x', 100, '2026-12-04T07:00:00.000Z'), marker]), '1 submitted, 1 submitting…');
    assert.equal(batchJobsState([]), undefined);
    assert.equal(hasOpenBatchJobs([marker]), true, 'reopening the editor resumes it');
  });

  test('--mode and --batch-threshold are checked', () => {
    assert.deepEqual(batchFlags({ mode: 'auto', 'batch-threshold': '500' }), { mode: 'auto', batchThreshold: 500 });
    assert.throws(() => batchFlags({ mode: 'cheap' }), /--mode must be live, batch or auto, not 'cheap'/);
    assert.throws(() => batchFlags({ 'batch-threshold': '-1' }), /whole number/);
  });
});
