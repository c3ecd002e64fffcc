// The stored adaptations as the panel's Adaptation view shows them (src/protocol/adaptation.ts): newest first,
// each variant with both parts' figures and whether the project file already pairs it with the target.
import * as path from 'node:path';
import type { AdaptationView, AdaptSealedFigures, AdaptVariantView } from '../../protocol/adaptation';
import type { ProjectFile } from '../project/types';
import type { Store } from '../store/store';
import type { AdaptationRecord, VariantVerdict } from './record';

const isRecord = (x: unknown): x is AdaptationRecord =>
  typeof x === 'object' && x !== null && (x as AdaptationRecord).version === 1 && Array.isArray((x as AdaptationRecord).variants) && typeof (x as AdaptationRecord).id === 'string';

/** Every readable adaptation record of the store, newest first (unreadable ones are skipped and named). */
export async function readAdaptations(store: Store, onSkip: (id: string, why: string) => void = () => undefined): Promise<AdaptationRecord[]> {
  const out: AdaptationRecord[] = [];
  for (const id of store.adaptationIds()) {
    try {
      const r = await store.readAdaptation(id);
      if (isRecord(r)) out.push(r); else if (r !== undefined) onSkip(id, 'not an adaptation record');
    } catch (err) { onSkip(id, (err as Error).message); }
  }
  return out.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/** The id of the candidate row that pairs `candidateId` with the variant file, if the project has one. */
function adoptedAs(project: ProjectFile, candidateId: string, variantFile: string): string | undefined {
  const base = project.candidates.find((c) => c.id === candidateId);
  const target = path.resolve(path.dirname(project.path), variantFile);
  return project.candidates.find((c) => c.prompt !== undefined && path.resolve(path.dirname(project.path), c.prompt) === target
    && c.endpoint === base?.endpoint && c.model === base.model)?.id;
}

const sealedOf = (x: VariantVerdict | undefined): AdaptSealedFigures[] =>
  (x?.sealed ?? []).map((s) => ({ testSetId: s.testSetId, ...(s.difference ? { difference: s.difference } : {}), variant: s.variant, parent: s.parent }));

/** The variant whose smallest sealed difference is largest: the one "nothing beat the parent" is measured by. */
function bestOf(variants: readonly AdaptVariantView[]): AdaptationView['best'] {
  const scored = variants.filter((v) => v.sealed.some((s) => s.difference))
    .map((v) => ({ v, score: Math.min(...v.sealed.filter((s) => s.difference).map((s) => s.difference!.mean)) }));
  if (!scored.length) return undefined;
  const top = scored.reduce((a, b) => (b.score > a.score ? b : a));
  return { tag: top.v.tag, sealed: top.v.sealed };
}

/** One record as the view shows it. */
export function adaptationView(project: ProjectFile, r: AdaptationRecord): AdaptationView {
  const verdicts = new Map((r.acceptance?.verdicts ?? []).map((v) => [v.tag, v]));
  const variants: AdaptVariantView[] = r.variants.map((v) => {
    const x = verdicts.get(v.tag);
    const owner = adoptedAs(project, r.candidateId, v.file);
    return {
      tag: v.tag, file: v.file, strategy: v.strategy, round: v.round, rationale: v.rationale, rules: v.rules, onFront: v.onFront === true,
      ...(v.objectives ? { objectives: v.objectives } : {}), verdict: x?.verdict ?? 'not-evaluated', why: x?.why ?? (r.acceptance ? '' : 'acceptance has not run yet'),
      optimisation: x?.optimisation ?? [], sealed: sealedOf(x), ...(owner ? { adoptedAs: owner } : {}),
    };
  });
  const anyAccepted = variants.some((v) => v.verdict === 'accepted');
  const best = anyAccepted ? undefined : bestOf(variants);
  return {
    id: r.id, prompt: r.prompt, candidateId: r.candidateId, strategies: r.strategies, ...(r.rewriter ? { rewriter: r.rewriter } : {}), spent: r.spent,
    ...(r.parentObjectives ? { parentObjectives: r.parentObjectives } : {}), variants,
    notWritten: [...r.rejected.map((x) => ({ strategy: x.strategy, round: x.round, reason: `${x.guard}: ${x.reason}` })), ...r.skipped],
    ...(r.acceptance ? { headline: r.acceptance.headline } : {}), anyAccepted, ...(best ? { best } : {}), ...(r.stopped ? { stopped: r.stopped } : {}), updatedAt: r.updatedAt,
  };
}

/** Every stored adaptation of the project as views, newest first. */
export async function adaptationViews(project: ProjectFile, store: Store, onSkip?: (id: string, why: string) => void): Promise<AdaptationView[]> {
  return (await readAdaptations(store, onSkip)).map((r) => adaptationView(project, r));
}
