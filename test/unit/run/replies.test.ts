// Replies that are not answers (issue 16 §6): `content: null`, an empty reply the token limit ended, and usage a
// server cannot have meant (negative, 1e301, missing). Through the CLI against the loopback server: the rows are
// errors of their own kind (counted in the comparison), impossible usage is dropped with a warning, and a reply
// without usage has an unknown cost, never $0.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import { ProviderError } from '../../../src/core/providers/provider';
import { createProvider } from '../../../src/core/providers/registry';
import type { ResponseRecord } from '../../../src/core/store/records';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { captureConsole } from '../helpers/console';

suite('replies that are not answers (issue 16 §6)', function () {
  this.timeout(60_000);
  let server: MockServer;
  let dir: string;

  suiteSetup(async () => { server = await startMockServer('openai'); });
  suiteTeardown(async () => { delete process.env.PROMPT_ADAPT_CONFIG; await server.close(); });

  setup(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-replies-'));
    fs.writeFileSync(path.join(dir, 'qa.prompt.yml'), 'messages:\n  - role: user\n    content: "{{question}}"\n');
    fs.writeFileSync(path.join(dir, 't.jsonl'), ['null-content', 'empty-at-limit', 'absurd-usage', 'no-usage', 'fine-1', 'fine-2']
      .map((q) => JSON.stringify({ id: q, question: `about ${q}`, answer: `answer about ${q}` })).join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'prompt-adapt.yml'), [
      'baseline: { prompt: qa.prompt.yml, candidate: base }',
      'candidates:',
      '  - { id: base, endpoint: loop, model: mb, price: { inputPerMTok: 1, outputPerMTok: 2 } }',
      '  - { id: cand, endpoint: loop, model: mc, price: { inputPerMTok: 1, outputPerMTok: 2 } }',
      'testSets:', '  - { id: t, path: t.jsonl, fields: { id: id, question: question, groundTruth: answer } }',
      'metrics:', '  - { id: f1, kind: token-f1, threshold: 0.5 }', ''].join('\n'));
    fs.writeFileSync(path.join(dir, 'endpoints.json'), JSON.stringify({ loop: { kind: 'openai', baseURL: server.url } }));
    process.env.PROMPT_ADAPT_CONFIG = path.join(dir, 'endpoints.json');
    server.resetStats();
    server.setBehavior({ faults: [
      { contentIncludes: 'null-content', fault: { kind: 'reply', content: null } },
      { contentIncludes: 'empty-at-limit', fault: { kind: 'reply', content: '', finishReason: 'length', usage: { completion_tokens: 300 } } },
      { contentIncludes: 'absurd-usage', fault: { kind: 'reply', usage: { prompt_tokens: -5, completion_tokens: 1e301 } } },
      { contentIncludes: 'no-usage', fault: { kind: 'reply', usage: null } },
    ] });
  });

  const project = (): string => path.join(dir, 'prompt-adapt.yml');
  const rows = (): ResponseRecord[] => {
    const runs = path.join(dir, '.prompt-adapt', 'runs');
    const [id] = fs.readdirSync(runs);
    return fs.readFileSync(path.join(runs, id!, 'responses.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ResponseRecord);
  };
  const byExample = (id: string): ResponseRecord[] => rows().filter((r) => r.exampleId === id);

  test('content: null and an empty reply at the token limit are error rows of their own kind, not empty answers; a resume does not ask again', async () => {
    const r = await captureConsole(() => main(['run', '--project', project(), '--prompt', path.join(dir, 'qa.prompt.yml'), '--test-set', 't']));
    assert.equal(r.value, 1, 'four pairs have no answer');
    for (const row of byExample('null-content')) {
      assert.equal(row.output, undefined);
      assert.equal(row.error?.kind, 'empty-output');
      assert.match(row.error!.message, /the reply holds no answer \(content: null, finish reason 'stop'\)/);
    }
    for (const row of byExample('empty-at-limit')) {
      assert.equal(row.output, undefined);
      assert.equal(row.error?.kind, 'truncated');
      assert.match(row.error!.message, /cut at the token limit before any answer text \(finish reason 'length'.*raise maxTokens/);
      assert.equal(row.outputTokens, 300, 'the tokens the truncated reply spent are kept');
      assert.ok(row.cost! > 0);
    }
    assert.match(r.out, /4 errors/);
    const requests = server.stats.requests;
    const again = await captureConsole(() => main(['run', '--project', project(), '--prompt', path.join(dir, 'qa.prompt.yml'), '--test-set', 't']));
    assert.equal(server.stats.requests, requests, `a final error is not asked again on resume: ${again.err}`);
  });

  test('impossible usage is dropped with a warning; missing usage is an unknown cost, never $0', async () => {
    const r = await captureConsole(() => main(['run', '--project', project(), '--prompt', path.join(dir, 'qa.prompt.yml'), '--test-set', 't']));
    for (const row of [...byExample('absurd-usage'), ...byExample('no-usage')]) {
      assert.equal(typeof row.output, 'string');
      assert.equal(row.inputTokens, undefined);
      assert.equal(row.outputTokens, undefined);
      assert.equal(row.cost, undefined, `${row.exampleId}/${row.candidateId}: no cost rather than $0 or $1e295`);
    }
    for (const row of byExample('fine-1')) assert.ok(row.cost! > 0 && row.cost! < 1e-3);
    assert.match(r.err, /warning: loop\/base: the server reported impossible usage \(input tokens -5, output tokens 1e\+301\); it was dropped/);
    assert.match(r.out, /\$0\.\d{4} \+ 4 rows of unknown cost/);
    assert.doesNotMatch(r.out, /e\+29\d/);
  });

  test('compare counts the rows without an answer by kind and says which outputs have an unknown cost', async () => {
    await captureConsole(() => main(['run', '--project', project(), '--prompt', path.join(dir, 'qa.prompt.yml'), '--test-set', 't']));
    await captureConsole(() => main(['judge', '--project', project(), '--run', fs.readdirSync(path.join(dir, '.prompt-adapt', 'runs'))[0]!]));
    const c = await captureConsole(() => main(['compare', '--project', project(), '--draws', '2000']));
    assert.match(c.out, /n = 4; 4 rows without a usable output \(base: 1 empty reply, 1 cut at the token limit before any answer; cand: 1 empty reply, 1 cut at the token limit before any answer\) are counted as errors/);
    assert.match(c.out, /Outputs of unknown cost \(the server reported no usable token counts\): base 2 of 4, cand 2 of 4/);
    const json = await captureConsole(() => main(['report', '--project', project(), '--draws', '2000', '--format', 'json']));
    const rowsOut = JSON.parse(json.out).testSets[0].rows as { candidateId: string; errors: number; costPer1k: number }[];
    for (const row of rowsOut) {
      assert.equal(row.errors, 2);
      // Two outputs of known cost, each (≈ 4 input + 6 output tokens at $1/$2 per MTok): never averaged with $0 rows.
      assert.ok(row.costPer1k > 0.01 && row.costPer1k < 0.05, `${row.candidateId}: ${row.costPer1k}`);
    }
  });

  test('Bedrock: a reply without a text block is an empty output, or truncated when the stop reason is max_tokens', async () => {
    const bed = await startMockServer('bedrock');
    const provider = await createProvider('aws', { kind: 'bedrock', region: 'us-east-1', baseURL: bed.url },
      { secrets: { getKey: async () => undefined }, awsCredentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
    const ask = (content: string) => provider.complete({ model: 'm', messages: [{ role: 'user', content }] }, new AbortController().signal);
    try {
      bed.setBehavior({ faults: [
        { contentIncludes: 'none', fault: { kind: 'reply', content: null } },
        { contentIncludes: 'cut', fault: { kind: 'reply', content: null, finishReason: 'max_tokens' } },
      ] });
      const kindOf = (p: Promise<unknown>) => p.then(() => 'answer', (e: unknown) => (e instanceof ProviderError ? e.kind : String(e)));
      assert.equal(await kindOf(ask('none')), 'empty-output');
      assert.equal(await kindOf(ask('cut')), 'truncated');
      assert.equal((await ask('fine')).text, 'answer:m:fine');
    } finally { provider.close?.(); await bed.close(); }
  });
});
