import { strict as assert } from 'node:assert';
import { parseProjectFile } from '../../../src/core/project/parseProject';

const base = `baseline: { prompt: p.prompt.yml, candidate: a }
candidates:
  - { id: a, endpoint: e, model: m }
  - { id: a.p.style-1, endpoint: e, model: m, prompt: p.style-1.prompt.yml }
testSets:
  - { id: t, path: t.jsonl, sealed: true }
`;

suite('adapt: project keys', () => {
  test('candidates[].prompt, testSets[].sealed and the adapt section are read', () => {
    const { project, problems, links } = parseProjectFile(`${base}adapt: { rewriter: { endpoint: e, model: r }, seal: 0.4 }\n`, '/p/prompt-adapt.yml');
    assert.deepEqual(problems, []);
    assert.equal(project.candidates[1]!.prompt, 'p.style-1.prompt.yml');
    assert.equal(project.testSets[0]!.sealed, true);
    assert.deepEqual(project.adapt, { rewriter: { endpoint: 'e', model: 'r' }, seal: 0.4 });
    assert.ok(links.some((l) => l.target === '/p/p.style-1.prompt.yml' && l.kind === 'prompt'), 'a candidate prompt is a document link');
  });

  test('a bad seal share is an error at its place and the adapt section is left out', () => {
    const text = `${base}adapt: { seal: 1.5 }\n`;
    const { project, problems } = parseProjectFile(text, '/p/prompt-adapt.yml');
    assert.equal(project.adapt, undefined);
    const p = problems.find((x) => x.severity === 'error');
    assert.ok(p, 'an error');
    assert.equal(p.range.start.line, text.split('\n').findIndex((l) => l.startsWith('adapt:')));
  });
});
