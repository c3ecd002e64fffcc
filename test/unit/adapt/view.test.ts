import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AdaptationRecord, PartFigures, VariantVerdict } from '../../../src/core/adapt/record';
import { adaptationViews } from '../../../src/core/adapt/view';
import type { ProjectFile } from '../../../src/core/project/types';
import { Store } from '../../../src/core/store/store';

const figs = (correctness: number): PartFigures => ({ n: 30, correctness, idkRate: 0.1, badStyleRate: 0, schemaFailureRate: 0 });
const verdict = (tag: string, v: VariantVerdict['verdict'], means: number[]): VariantVerdict => ({
  tag, verdict: v, why: `${tag} why`, optimisation: [{ testSetId: 'a', variant: figs(0.8), parent: figs(0.7) }],
  sealed: means.map((mean, i) => ({ testSetId: i ? 'b' : 'a', difference: { mean, lo: mean - 0.1, hi: mean + 0.1 }, cells: {}, variant: figs(0.7 + mean), parent: figs(0.7) })),
});

function record(id: string, updatedAt: string, verdicts: VariantVerdict[]): AdaptationRecord {
  return {
    version: 1, id, prompt: 'prompts/p.prompt.yml', parentHash: 'h', candidateId: 'cand', seed: 's', seal: 0.5, strategies: ['guide', 'style'], rounds: 1,
    splits: [], spent: { calls: 10, usd: 0.5 }, updatedAt,
    variants: verdicts.map((v) => ({ tag: v.tag, file: `prompts/p.${v.tag}.prompt.yml`, strategy: 'style', round: 1, parent: 'prompts/p.prompt.yml', rules: [], rationale: 'r' })),
    rejected: [{ strategy: 'guide', round: 1, guard: 'variables', reason: 'dropped {{question}}' }], skipped: [{ strategy: 'style', round: 2, reason: 'no findings' }],
    acceptance: { verdicts, headline: 'h' },
  };
}

suite('adapt: the Adaptation view data', () => {
  test('newest first; "best" is the variant whose worst sealed difference is highest; adopted rows are recognised; refusals listed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adapt-view-'));
    try {
      const project = { path: path.join(dir, 'prompt-adapt.yml'), candidates: [
        { id: 'cand', endpoint: 'e', model: 'm' },
        { id: 'cand.p.style-2', endpoint: 'e', model: 'm', prompt: 'prompts/p.style-2.prompt.yml' },
        // The same prompt on another model is not an adoption for this candidate.
        { id: 'other.p.style-1', endpoint: 'e', model: 'other', prompt: 'prompts/p.style-1.prompt.yml' },
      ] } as unknown as ProjectFile;
      const store = Store.openForProject(project);
      // style-1 has the larger mean on one set but the smaller worst case; style-2 is steadier.
      store.writeAdaptation('older', record('older', '2026-01-01T00:00:00.000Z', [verdict('style-1', 'inconclusive', [0.09, -0.05]), verdict('style-2', 'no-gain', [0.02, 0.01])]));
      store.writeAdaptation('newer', record('newer', '2026-02-01T00:00:00.000Z', [verdict('style-1', 'accepted', [0.05])]));
      fs.mkdirSync(path.join(dir, '.prompt-adapt', 'adaptations', 'broken'), { recursive: true });
      fs.writeFileSync(path.join(dir, '.prompt-adapt', 'adaptations', 'broken', 'adaptation.json'), '{"version": 7}');
      const skipped: string[] = [];
      const views = await adaptationViews(project, store, (id) => skipped.push(id));
      assert.deepEqual(views.map((v) => v.id), ['newer', 'older']);
      assert.deepEqual(skipped, ['broken']);
      const [newer, older] = views as [typeof views[0], typeof views[0]];
      assert.equal(newer.anyAccepted, true);
      assert.equal(newer.best, undefined, 'no "best" when something was accepted');
      assert.equal(older.anyAccepted, false);
      assert.equal(older.best?.tag, 'style-2');
      assert.deepEqual(older.variants.map((v) => v.adoptedAs), [undefined, 'cand.p.style-2']);
      assert.deepEqual(older.notWritten.map((x) => x.reason), ['variables: dropped {{question}}', 'no findings']);
      assert.deepEqual(older.variants[0]!.sealed.map((x) => x.difference?.mean), [0.09, -0.05]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
