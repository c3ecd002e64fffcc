// Adopt: the candidate row pairing a model with a chosen variant is written into the project file as one new
// line (every other byte unchanged), and run, compare, the decision table and the selection treat it like
// any other candidate (run through the real openai SDK against the simulated server on 127.0.0.1).
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { runAdaptation } from '../../../src/core/adapt/adaptation';
import { adoptedCandidateId, adoptRowText, adoptVariant } from '../../../src/core/adapt/adopt';
import { compareProject } from '../../../src/core/compare/buildComparison';
import { Store } from '../../../src/core/store/store';
import { startSimulatedServer, type SimulatedServer } from '../../../scripts/demo/simulatedModelServer';
import { EXAMPLE, services, simProject } from './simProject';

const PROJECT = fs.readFileSync(path.join(EXAMPLE, 'prompt-adapt.yml'), 'utf8');

/** The text with one line removed. */
const without = (text: string, line: string): string => text.split('\n').filter((l) => l !== line).join('\n');

suite('adapt: adopting a variant writes one candidate row', () => {
  test('the row copies the target candidate, names the variant, and leaves every other line byte-identical', () => {
    const edit = adoptRowText(PROJECT, 'sim-verbose', 'prompts/support.style-1.prompt.yml');
    assert.equal(edit.candidateId, 'sim-verbose.support.style-1');
    assert.equal(edit.row, '{ id: sim-verbose.support.style-1, endpoint: demo, model: sim-verbose, regions: [us-east-1, eu-central-1, ap-southeast-2], '
      + 'price: { inputPerMTok: 0.15, outputPerMTok: 0.6 }, prompt: prompts/support.style-1.prompt.yml }');
    const added = edit.text.split('\n').filter((l) => !PROJECT.split('\n').includes(l));
    assert.deepEqual(added, [`  - ${edit.row}`]);
    assert.equal(without(edit.text, `  - ${edit.row}`), PROJECT);
    // Right after sim-verbose's two-line entry.
    const lines = edit.text.split('\n');
    assert.match(lines[lines.indexOf(`  - ${edit.row}`) - 1]!, /ap-southeast-2\], price: \{ inputPerMTok: 0\.15/u);
  });

  test('adopting twice changes nothing; a clash, an unknown candidate and a flow list are refused with the fix', () => {
    const once = adoptRowText(PROJECT, 'sim-verbose', 'prompts/support.style-1.prompt.yml');
    const twice = adoptRowText(once.text, 'sim-verbose', 'prompts/support.style-1.prompt.yml');
    assert.equal(twice.text, once.text);
    assert.equal(twice.row, undefined);
    assert.throws(() => adoptRowText(once.text, 'sim-verbose', 'prompts/other.prompt.yml', 'sim-verbose.support.style-1'), /already has a candidate 'sim-verbose\.support\.style-1' with another prompt/);
    assert.throws(() => adoptRowText(PROJECT, 'sim-nope', 'prompts/support.style-1.prompt.yml'), /no candidate 'sim-nope'/);
    const flow = 'baseline: { prompt: p.prompt.yml, candidate: a }\ncandidates: [{ id: a, endpoint: e, model: m }]\n';
    assert.throws(() => adoptRowText(flow, 'a', 'p.x.prompt.yml'), /flow\] list; add this row to it by hand: \{ id: a\.p\.x, endpoint: e, model: m, prompt: p\.x\.prompt\.yml \}/);
    assert.throws(() => adoptRowText('candidates: [', 'a', 'p.prompt.yml'), /not a valid YAML mapping/);
  });

  test('block candidates, CRLF line ends and a last entry without a final newline', () => {
    const text = 'candidates:\r\n  - id: a\r\n    endpoint: e\r\n    model: m\r\n    params: { temperature: 0 }';
    const edit = adoptRowText(text, 'a', 'prompts/p.v-1.prompt.yml');
    assert.equal(edit.text, `${text}\r\n  - { id: a.p.v-1, endpoint: e, model: m, params: { temperature: 0 }, prompt: prompts/p.v-1.prompt.yml }\r\n`);
    assert.equal(adoptedCandidateId('gpt-4.1', 'x/support reflect-2.prompt.yml'), 'gpt-4.1.support-reflect-2');
  });
});

suite('adapt: an adopted row in run, compare, the decision table and the selection (real openai SDK)', function () {
  this.timeout(300_000);
  let server: SimulatedServer;
  suiteSetup(async () => { server = await startSimulatedServer({ latencyScale: 0 }); });
  suiteTeardown(() => server.close());

  test('sim-verbose paired with its style variant is a candidate row that passes style and becomes the selection', async () => {
    const sim = simProject(server);
    const { dir, load, runAndJudge } = sim;
    const baselinePrompt = path.join(dir, 'prompts/support.prompt.yml');
    let project = await load();
    await runAndJudge(project, baselinePrompt);
    const before = await compareProject(project);
    assert.deepEqual(before.selection?.best?.candidates.slice().sort(), ['sim-cheap', 'sim-fast'], 'sim-verbose fails style');
    const record = await runAdaptation({ ...(await services(sim)), candidateId: 'sim-verbose', strategies: ['style'], rounds: 1, limits: {} });
    const variant = path.join(dir, record.variants[0]!.file);

    const edit = await adoptVariant({ project, store: Store.openForProject(project), variantPath: variant });
    assert.equal(edit.candidateId, 'sim-verbose.support.style-1', 'the candidate comes from the adaptation record');
    project = await load();
    const adopted = project.candidates.find((c) => c.id === edit.candidateId)!;
    assert.deepEqual([adopted.model, adopted.prompt], ['sim-verbose', 'prompts/support.style-1.prompt.yml']);
    // Running the baseline prompt on "every candidate" leaves the adopted row out; its own prompt runs it, from the cache.
    assert.deepEqual(await runAndJudge(project, baselinePrompt), ['sim-baseline', 'sim-fast', 'sim-cheap', 'sim-verbose', 'sim-loose', 'sim-slow', 'sim-tiny']);
    const served = Object.values(server.served).reduce((a, b) => a + b, 0);
    assert.deepEqual(await runAndJudge(project, variant, [edit.candidateId]), [edit.candidateId]);
    assert.equal(Object.values(server.served).reduce((a, b) => a + b, 0) - served, 0, 'the adaptation already ran this prompt on this model: no new request');

    const after = await compareProject(project);
    const t = after.testSets[0]!;
    const row = t.rows.find((r) => r.candidateId === edit.candidateId)!;
    assert.equal(row.prompt, 'prompts/support.style-1.prompt.yml');
    assert.equal(row.n, 72);
    assert.equal(row.badStyleRate, 0);
    assert.ok(t.rows.find((r) => r.candidateId === 'sim-verbose')!.badStyleRate > 0.3);
    const d = t.decisions.find((x) => x.candidateId === edit.candidateId)!;
    assert.equal(d.style.status, 'pass');
    assert.equal(d.overall, 'pass', JSON.stringify(d));
    assert.deepEqual(after.selection?.best?.candidates, [edit.candidateId]);
  });
});
