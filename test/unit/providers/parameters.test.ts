// Workspace files cannot reshape requests (issue 16 §1): only generation parameters leave a prompt, a candidate's
// or a judge's params; every other key is an error at its file:line:col naming the key; `run` refuses such files;
// and what reaches a (loopback) server holds only allowed keys. Judges get parameters too, and a retry after an
// unreadable judge reply never needs more context than the first request.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import { DEFAULT_JUDGE_PARAMS, providerJudgeBackend, runJudge, type MetricInput } from '../../../src/core/metrics';
import type { JudgeMetricSpec } from '../../../src/core/metrics/judge';
import { createProvider } from '../../../src/core/providers/registry';
import type { ModelProvider } from '../../../src/core/providers/provider';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { captureConsole } from '../helpers/console';

const HOSTILE_PROMPT = [
  'name: QA',
  'modelParameters:',
  '  temperature: 0',
  '  model: gpt-3.5-turbo',      // line 4
  '  n: 64',                     // line 5
  '  store: true',               // line 6
  '  service_tier: priority',    // line 7
  '  messages: []',              // line 8
  '  stream: true',              // line 9
  '  user: someone',             // line 10
  '  metadata: { team: x }',     // line 11
  '  tools: []',                 // line 12
  '  temprature: 1',             // line 13 (a typo is refused too)
  'messages:',
  '  - role: user',
  '    content: "{{question}}"',
  '',
].join('\n');

const HOSTILE_KEYS: [string, number][] = [
  ['model', 4], ['n', 5], ['store', 6], ['service_tier', 7], ['messages', 8], ['stream', 9], ['user', 10], ['metadata', 11], ['tools', 12], ['temprature', 13],
];

function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-params-'));
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data/set.jsonl'), '{"id":"a","q":"one?"}\n{"id":"b","q":"two?"}\n');
  fs.writeFileSync(path.join(dir, 'hostile.prompt.yml'), HOSTILE_PROMPT);
  fs.writeFileSync(path.join(dir, 'ok.prompt.yml'), 'name: OK\nmodelParameters: { temperature: 0, max_tokens: 50 }\nmessages:\n  - role: user\n    content: "{{question}}"\n');
  fs.writeFileSync(path.join(dir, 'hostile.prompty'), '---\nname: P\nmodel:\n  api: chat\n  parameters:\n    max_tokens: 20\n    n: 3\n---\nuser:\n{{question}}\n');
  fs.writeFileSync(path.join(dir, 'hostile.prompt'), '---\nmodel: x\nconfig:\n  temperature: 0.1\n  store: true\n---\n{{question}}\n');
  fs.writeFileSync(path.join(dir, 'prompt-adapt.yml'), [
    'candidates:',
    '  - id: one',
    '    endpoint: loop',
    '    model: model-one',
    '    params: { temperature: 0, n: 64 }',                       // line 5
    'testSets:',
    '  - { id: set, path: data/set.jsonl, fields: { id: id, question: q } }',
    'metrics:',
    '  - id: judged',
    '    kind: judge',
    '    rubric: context',
    '    judge: { endpoint: loop, model: judge-m, params: { maxTokens: 200, service_tier: flex } }', // line 12
    '',
  ].join('\n'));
  return dir;
}

suite('parameters: workspace files cannot reshape requests', () => {
  let server: MockServer;
  let dir: string;
  let cwd: string;
  suiteSetup(async () => {
    server = await startMockServer('openai', { latencyMs: 1 });
    dir = workspace();
    cwd = process.cwd();
    fs.writeFileSync(path.join(dir, 'endpoints.json'), JSON.stringify({ loop: { kind: 'openai', baseURL: server.url } }));
    process.env.PROMPT_ADAPT_CONFIG = path.join(dir, 'endpoints.json');
    process.chdir(dir);
  });
  suiteTeardown(async () => { process.chdir(cwd); delete process.env.PROMPT_ADAPT_CONFIG; await server.close(); });
  setup(() => server.resetStats());

  test('validate: every hostile key of a prompt file is an error at its line and column, naming the key', async () => {
    const r = await captureConsole(() => main(['validate', 'hostile.prompt.yml']));
    assert.equal(r.code, 1);
    for (const [key, line] of HOSTILE_KEYS) {
      const re = new RegExp(`hostile\\.prompt\\.yml:${line}:3: error: '${key}' (cannot be set from a workspace file|is not a model parameter)`);
      assert.match(r.out + r.err, re, `${key} on line ${line}`);
    }
    assert.match(r.out + r.err, /'n' cannot be set from a workspace file: one answer per request/);
    assert.match(r.out + r.err, /'store' cannot be set from a workspace file: whether the provider keeps completions/);
  });

  test('validate: .prompty model.parameters, Dotprompt config, candidates[].params and judge params are checked the same way', async () => {
    const r = await captureConsole(() => main(['validate', 'hostile.prompty', 'hostile.prompt', 'prompt-adapt.yml']));
    const text = r.out + r.err;
    assert.equal(r.code, 1);
    assert.match(text, /hostile\.prompty:7:5: error: 'n' cannot be set from a workspace file/);
    assert.match(text, /hostile\.prompt:5:3: error: 'store' cannot be set from a workspace file/);
    assert.match(text, /prompt-adapt\.yml:5:31: error: 'n' cannot be set from a workspace file.*candidates\[0\]\.params/);
    assert.match(text, /prompt-adapt\.yml:12:72: error: 'service_tier' cannot be set from a workspace file.*metrics\[0\]\.judge\.params/);
  });

  test('validate: allowed parameters pass', async () => {
    const r = await captureConsole(() => main(['validate', 'ok.prompt.yml']));
    assert.equal(r.code, 0, r.out + r.err);
  });

  test('run refuses a prompt with hostile keys and sends nothing', async () => {
    const r = await captureConsole(() => main(['run', '--project', 'prompt-adapt.yml', '--prompt', 'hostile.prompt.yml', '--test-set', 'set']));
    assert.equal(r.code, 1);
    assert.match(r.err, /hostile\.prompt\.yml:5:3: error: 'n' cannot be set/);
    assert.equal(server.stats.requests, 0);
  });

  test('run refuses a project whose candidate params hold a hostile key and sends nothing', async () => {
    const r = await captureConsole(() => main(['run', '--project', 'prompt-adapt.yml', '--prompt', 'ok.prompt.yml', '--test-set', 'set']));
    assert.equal(r.code, 1);
    assert.match(r.err, /prompt-adapt\.yml:5:31: error: 'n' cannot be set/);
    assert.equal(server.stats.requests, 0);
  });

  test('what reaches the server holds only allowed keys: the prompt\'s parameters, overridden by the candidate\'s', async () => {
    fs.writeFileSync('clean.yml', 'candidates:\n  - { id: one, endpoint: loop, model: model-one, params: { temperature: 0.5, seed: 7 } }\ntestSets:\n  - { id: set, path: data/set.jsonl, fields: { id: id, question: q } }\n');
    const r = await captureConsole(() => main(['run', '--project', 'clean.yml', '--prompt', 'ok.prompt.yml', '--test-set', 'set']));
    assert.equal(r.code, 0, r.err);
    assert.equal(server.stats.bodies.length, 2);
    for (const body of server.stats.bodies) {
      assert.deepEqual(Object.keys(body).sort(), ['max_tokens', 'messages', 'model', 'seed', 'temperature']);
      assert.equal(body.model, 'model-one');
      assert.equal(body.temperature, 0.5);
      assert.equal(body.max_tokens, 50);
    }
    // The store records exactly the parameters sent.
    const runs = fs.readdirSync('.prompt-adapt/runs');
    const rows = runs.flatMap((id) => fs.readFileSync(path.join('.prompt-adapt/runs', id, 'responses.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)));
    assert.equal(rows.length, 2);
    for (const row of rows) assert.deepEqual(row.params, { temperature: 0.5, maxTokens: 50, seed: 7 });
  });

  test('run refuses, before sending anything, a parameter the candidate\'s endpoint kind does not take', async () => {
    fs.writeFileSync('endpoints2.json', JSON.stringify({ loop: { kind: 'openai', baseURL: server.url }, aws: { kind: 'bedrock', region: 'us-east-1', baseURL: server.url } }));
    fs.writeFileSync('mixed.yml', 'candidates:\n  - { id: one, endpoint: loop, model: m1, params: { seed: 3 } }\n  - { id: two, endpoint: aws, model: m2, params: { seed: 3 } }\ntestSets:\n  - { id: set, path: data/set.jsonl, fields: { id: id, question: q } }\n');
    process.env.PROMPT_ADAPT_CONFIG = path.join(dir, 'endpoints2.json');
    try {
      const r = await captureConsole(() => main(['run', '--project', 'mixed.yml', '--prompt', 'ok.prompt.yml', '--test-set', 'set']));
      assert.equal(r.code, 1);
      assert.match(r.err, /candidate 'two' \(endpoint 'aws'\): 'seed' is not sent to Amazon Bedrock endpoints; they take temperature, topP, maxTokens, stop, topK/);
      assert.doesNotMatch(r.err, /candidate 'one'/);
      assert.equal(server.stats.requests, 0);
    } finally { process.env.PROMPT_ADAPT_CONFIG = path.join(dir, 'endpoints.json'); }
  });

  test('a provider refuses a parameter outside its kind\'s list before sending (defence in depth)', async () => {
    const provider: ModelProvider = await createProvider('loop', { kind: 'openai', baseURL: server.url }, { secrets: { getKey: async () => 'k' } });
    const signal = new AbortController().signal;
    const msgs = [{ role: 'user' as const, content: 'hi' }];
    await assert.rejects(provider.complete({ model: 'm', messages: msgs, params: { n: 64 } }, signal), /'n' cannot be set from a workspace file/);
    await assert.rejects(provider.complete({ model: 'm', messages: msgs, params: { topK: 5 } }, signal), /'topK' is not sent to OpenAI-compatible endpoints/);
    assert.equal(server.stats.requests, 0);
    await provider.complete({ model: 'm', messages: msgs, params: { temperature: 0, responseFormat: { type: 'json_object' }, reasoningEffort: 'low' } }, signal);
    assert.deepEqual(server.stats.bodies[0], { model: 'm', messages: msgs, temperature: 0, response_format: { type: 'json_object' }, reasoning_effort: 'low' });
    provider.close?.();
  });

  test('Bedrock: Converse receives inferenceConfig and top_k only; a parameter Converse does not take is refused before sending', async () => {
    const bed = await startMockServer('bedrock', { latencyMs: 1 });
    const provider = await createProvider('aws', { kind: 'bedrock', region: 'us-east-1', baseURL: bed.url },
      { secrets: { getKey: async () => undefined }, awsCredentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
    const signal = new AbortController().signal;
    try {
      const msgs = [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'hi' }];
      await assert.rejects(provider.complete({ model: 'm', messages: msgs, params: { seed: 1 } }, signal), /'seed' is not sent to Bedrock endpoints; they take temperature, topP, maxTokens, stop, topK/);
      await assert.rejects(provider.complete({ model: 'm', messages: msgs, params: { additionalModelRequestFields: { anything: 1 } } }, signal), /'additionalModelRequestFields' cannot be set from a workspace file/);
      assert.equal(bed.stats.requests, 0);
      await provider.complete({ model: 'm', messages: msgs, params: { temperature: 0, maxTokens: 9, stop: ['END'], topK: 5 } }, signal);
      assert.deepEqual(Object.keys(bed.stats.bodies[0]!).sort(), ['additionalModelRequestFields', 'inferenceConfig', 'messages', 'system']);
      assert.deepEqual(bed.stats.bodies[0]!.inferenceConfig, { maxTokens: 9, temperature: 0, stopSequences: ['END'] });
      assert.deepEqual(bed.stats.bodies[0]!.additionalModelRequestFields, { top_k: 5 });
    } finally { provider.close?.(); await bed.close(); }
  });

  test('an unknown endpoint kind is an error naming it and the valid kinds, never a fallback', async () => {
    await assert.rejects(createProvider('x', { kind: 'azure' as never }, { secrets: { getKey: async () => undefined } }), /Unknown endpoint kind 'azure'; use one of 'openai', 'bedrock'/);
  });
});

suite('parameters: judges', () => {
  let server: MockServer;
  let provider: ModelProvider;
  suiteSetup(async () => {
    server = await startMockServer('openai', { latencyMs: 1 });
    provider = await createProvider('loop', { kind: 'openai', baseURL: server.url }, { secrets: { getKey: async () => 'k' } });
  });
  suiteTeardown(async () => { provider.close?.(); await server.close(); });
  setup(() => server.resetStats());

  const input: MetricInput = { exampleId: 'e1', candidateId: 'c', question: 'Capital of France?', context: 'Paris is the capital of France.', groundTruths: ['Paris'],
    parsed: { answer: 'Paris', idk: false, schemaValid: true } as MetricInput['parsed'] };
  const spec = (params?: Record<string, unknown>): JudgeMetricSpec => ({ id: 'ctx', kind: 'judge', rubric: 'context', judge: { endpoint: 'loop', model: 'judge', ...(params ? { params } : {}) } });

  test('a judge is sent its default parameters (temperature 0, a bounded reply), and its own params override them', async () => {
    server.setBehavior({ answers: { judge: 'Supported. <verdict>correct</verdict>' } });
    const results: unknown[] = [];
    await runJudge(spec(), [input], providerJudgeBackend(async () => provider), (_, r) => results.push(r));
    assert.deepEqual(server.stats.bodies[0], { model: 'judge', messages: server.stats.bodies[0]!.messages, temperature: 0, max_tokens: DEFAULT_JUDGE_PARAMS.maxTokens });
    server.resetStats();
    await runJudge(spec({ maxTokens: 300, seed: 1 }), [input], providerJudgeBackend(async () => provider), () => undefined);
    assert.equal(server.stats.bodies[0]!.max_tokens, 300);
    assert.equal((server.stats.bodies[0] as Record<string, unknown>).seed, 1);
    assert.equal(server.stats.bodies[0]!.temperature, 0);
    server.resetStats();
    await runJudge(spec({ maxCompletionTokens: 500 }), [input], providerJudgeBackend(async () => provider), () => undefined);
    assert.deepEqual(Object.keys(server.stats.bodies[0]!).sort(), ['max_completion_tokens', 'messages', 'model', 'temperature'], 'no max_tokens beside max_completion_tokens');
  });

  test('the retry after a long unreadable judge reply never needs more context than the first request', async () => {
    const long = 'I think about this at length. '.repeat(700); // ~21 000 characters, no verdict
    server.setBehavior({ answers: { judge: long } });
    const results: { verdict: unknown; reason?: string }[] = [];
    await runJudge(spec({ maxTokens: 2048 }), [input], providerJudgeBackend(async () => provider), (_, r) => results.push(r as never));
    assert.equal(server.stats.bodies.length, 2, 'first request and one retry');
    const [first, retry] = server.stats.bodies as { messages: { content: string }[]; max_tokens: number }[];
    const need = (b: { messages: { content: string }[]; max_tokens: number }): number =>
      b.messages.reduce((n, m) => n + Buffer.byteLength(m.content, 'utf8'), 0) + b.max_tokens;
    assert.ok(need(retry!) <= need(first!), `retry needs ${need(retry!)} (input bytes + reply tokens), first ${need(first!)}`);
    assert.ok(retry!.max_tokens < first!.max_tokens && retry!.max_tokens > 0);
    assert.ok(!JSON.stringify(retry).includes(long.slice(0, 2000)), 'the long reply is not quoted back whole');
    assert.equal(results[0]!.verdict, null);
  });

  test('with a reply budget too small for even the reminder there is no retry, and no verdict rather than a guess', async () => {
    server.setBehavior({ answers: { judge: 'hmm' } });
    const results: { verdict: unknown; reason?: string }[] = [];
    await runJudge(spec({ maxTokens: 40 }), [input], providerJudgeBackend(async () => provider), (_, r) => results.push(r as never));
    assert.equal(server.stats.bodies.length, 1);
    assert.equal(results[0]!.verdict, null);
    assert.match(results[0]!.reason!, /unparseable judge reply/);
  });
});
