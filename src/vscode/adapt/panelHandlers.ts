// The comparison panel's requests about adaptations: the Adaptation view's data, a variant's diff, Adopt, and
// the decision view's "Adapt the prompt for <candidate>". The webview names a record and a variant tag; the
// host finds the files itself (never a path from the webview).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { adoptVariant } from '../../core/adapt/adopt';
import type { AdaptationRecord, VariantEntry } from '../../core/adapt/record';
import { adaptationViews } from '../../core/adapt/view';
import { UserError } from '../../core/errors';
import type { ReviewSession } from '../../core/review/session';
import { candidatePromptPath } from '../../core/runner/projectPlan';
import type { Handlers } from '../../protocol/messages';
import { CommandId } from '../commands/ids';
import type { Log } from '../log';
import type { ReviewService } from '../panel/reviewService';
import type { AdaptArgs } from './adaptCommand';
import { openVariantDiff } from './variantDiff';

export type AdaptationHandlers = Pick<Handlers, 'getAdaptations' | 'openVariantDiff' | 'adoptVariant' | 'adaptFor'>;

async function variantOf(session: ReviewSession, adaptationId: string, tag: string): Promise<{ record: AdaptationRecord; variant: VariantEntry }> {
  if (!session.store.adaptationIds().includes(adaptationId)) throw new UserError(`No adaptation '${adaptationId}' in this project's store.`);
  const record = (await session.store.readAdaptation(adaptationId)) as AdaptationRecord | undefined;
  const variant = record?.variants.find((v) => v.tag === tag);
  if (!record || !variant) throw new UserError(`Adaptation '${adaptationId}' has no variant '${tag}'.`);
  return { record, variant };
}

export function adaptationHandlers(review: ReviewService, log: Log): AdaptationHandlers {
  return {
    getAdaptations: async () => {
      const s = await review.session();
      return adaptationViews(s.project, s.store, (id, why) => log.warn(`adaptation ${id} not shown: ${why}`));
    },
    openVariantDiff: async (p) => {
      const s = await review.session();
      const { variant } = await variantOf(s, p.adaptationId, p.tag);
      await openVariantDiff(path.dirname(s.project.path), variant);
      return true;
    },
    adoptVariant: async (p) => {
      const s = await review.session();
      const { record, variant } = await variantOf(s, p.adaptationId, p.tag);
      const edit = await adoptVariant({ project: s.project, store: s.store, variantPath: path.resolve(path.dirname(s.project.path), variant.file), candidateId: record.candidateId });
      log.info(edit.row ? `adopted ${variant.file} for ${record.candidateId}: added candidate ${edit.candidateId} to ${path.basename(s.project.path)}: ${edit.row}`
        : `${path.basename(s.project.path)} already has candidate ${edit.candidateId} with ${variant.file}`);
      void vscode.window.showInformationMessage(edit.row ? `Prompt Adapt: added candidate ${edit.candidateId} (${record.candidateId} with ${path.basename(variant.file)}). Run the variant on it to compare it with the others.`
        : `Prompt Adapt: ${edit.candidateId} is already a candidate.`);
      return { candidateId: edit.candidateId, added: edit.row !== undefined };
    },
    adaptFor: async (p) => {
      const s = await review.session();
      const candidate = s.project.candidates.find((c) => c.id === p.candidateId);
      const prompt = candidate && candidatePromptPath(s.project, candidate);
      if (!prompt) throw new UserError(`No candidate '${p.candidateId}' with a prompt in ${path.basename(s.project.path)}.`);
      const args: AdaptArgs = { candidate: p.candidateId };
      void vscode.commands.executeCommand(CommandId.adapt, vscode.Uri.file(prompt), args);
      return true;
    },
  };
}
