// The rewriter on Amazon Bedrock: the real AWS SDK (Converse, SigV4) against a protocol-faithful loopback
// server on 127.0.0.1, with the answering models and the judge on the simulated OpenAI-compatible server.
// A readable rewrite becomes a variant with the Bedrock rewriter in its provenance (and a rerun asks Bedrock
// nothing: the reply is cached); a rewriter that replies with prose is asked once more, then skipped.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { runAdaptation, type AdaptOptions } from '../../../src/core/adapt/adaptation';
import { parsePromptYml } from '../../../src/core/prompt/parsePromptYml';
import type { ModelProvider } from '../../../src/core/providers/provider';
import { createProvider } from '../../../src/core/providers/registry';
import { startSimulatedServer, type SimulatedServer } from '../../../scripts/demo/simulatedModelServer';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { services, simProject, twoCandidates } from './simProject';

const REWRITER = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
const ADDED = 'Start with the answer itself, in plain sentences.';

suite('adapt: a rewriter on Bedrock (real AWS SDK against a loopback Converse server)', function () {
  this.timeout(300_000);
  let sim: SimulatedServer;
  let bed: MockServer;
  suiteSetup(async () => { sim = await startSimulatedServer({ latencyScale: 0 }); bed = await startMockServer('bedrock', { latencyMs: 1 }); });
  suiteTeardown(async () => { await sim.close(); await bed.close(); });

  async function options(): Promise<{ dir: string; opts: AdaptOptions }> {
    const p = simProject(sim, twoCandidates);
    await p.runAndJudge(await p.load(), path.join(p.dir, 'prompts/support.prompt.yml'));
    const base = await services(p);
    const endpoints = { ...p.endpoints, aws: { kind: 'bedrock' as const, region: 'us-east-1', baseURL: bed.url } };
    let aws: Promise<ModelProvider> | undefined;
    const getProvider = (id: string): Promise<ModelProvider> => (id === 'aws'
      ? (aws ??= createProvider('aws', endpoints.aws, { secrets: { getKey: async () => undefined }, awsCredentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } }))
      : p.getProvider(id));
    return { dir: p.dir, opts: { ...base, endpoints, getProvider, candidateId: 'sim-verbose', strategies: ['guide'], rounds: 1, rewriter: { endpoint: 'aws', model: REWRITER }, limits: {} } };
  }

  test('a readable Bedrock rewrite is a guarded variant with the rewriter in its provenance; a rerun asks Bedrock nothing', async () => {
    const { dir, opts } = await options();
    const parent = parsePromptYml(fs.readFileSync(opts.promptPath, 'utf8'), opts.promptPath).prompt;
    const reply = ['<rationale>Claude follows a direct first sentence well.</rationale>', '<rules_applied>general.direct-start</rules_applied>',
      ...parent.messages.map((m, i) => `<message index="${i + 1}">${m.role === 'system' ? `${m.content}\n${ADDED}` : m.content}</message>`)].join('\n');
    bed.setBehavior({ latencyMs: 1, answers: { [REWRITER]: reply } });
    bed.resetStats();
    const record = await runAdaptation(opts);
    assert.equal(bed.stats.byModel[REWRITER], 1);
    assert.match(bed.stats.authHeaders[0]!, /^AWS4-HMAC-SHA256 Credential=AKIDTEST\//u);
    const body = JSON.stringify(bed.stats.bodies[0]);
    assert.match(body, /<rule id=\\"general\.direct-start\\">/u, 'the guidance pack was sent through Converse');
    const v = record.variants.find((x) => x.tag === 'guide-1')!;
    const file = parsePromptYml(fs.readFileSync(path.join(dir, v.file), 'utf8'), path.join(dir, v.file)).prompt;
    assert.equal(file.adapt.provenance?.rewriter, `aws:${REWRITER}`);
    assert.deepEqual(file.adapt.provenance?.rules, ['general.direct-start']);
    assert.ok(file.messages.find((m) => m.role === 'system')!.content.includes(ADDED));
    assert.ok(v.objectives, 'the variant was measured on the optimisation part');
    const again = await runAdaptation(opts);
    assert.equal(bed.stats.byModel[REWRITER], 1, 'the rewriter reply comes from the cache');
    assert.deepEqual(again.variants.map((x) => x.tag), record.variants.map((x) => x.tag));
  });

  test('a Bedrock rewriter replying with prose is asked once more, then the rewrite is skipped and counted', async () => {
    const { dir, opts } = await options();
    bed.setBehavior({ latencyMs: 1, answers: { [REWRITER]: 'Your prompt looks great to me; I would not change a thing.' } });
    bed.resetStats();
    const record = await runAdaptation(opts);
    assert.equal(bed.stats.byModel[REWRITER], 2);
    assert.deepEqual(record.rejected.map((r) => [r.strategy, r.guard]), [['guide', 'unreadable']]);
    assert.equal(record.variants.length, 0);
    assert.ok(!fs.existsSync(path.join(dir, 'prompts/support.guide-1.prompt.yml')));
    assert.match(record.acceptance!.headline, /^Nothing beat the parent/u);
  });
});
