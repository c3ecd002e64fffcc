import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import * as vscode from 'vscode';
import type { AdaptationRecord } from '../../../src/core/adapt/record';
import type { RunResult } from '../../../src/core/runner/runner';
import type { Api } from '../../../src/extension';
import type { AdaptationView } from '../../../src/protocol/adaptation';
import type { HostToWebview } from '../../../src/protocol/messages';
import { CommandId } from '../../../src/vscode/commands/ids';
import { extensionId, waitFor, workspaceUri } from '../suite/helpers';

type Response = Extract<HostToWebview, { type: 'response' }>;

// "Adapt for…" in a real VS Code on the bundled example, against the simulated server (its simulated rewriter
// and sim-verbose, which stops opening with "according to" when told): the CodeLens starts the flow, variants
// are written next to the prompt and open in diff editors, the panel's Adaptation view has them with their
// sealed-part figures, and Adopt writes the candidate row into prompt-adapt.yml.
suite('Adapt for… on the bundled example', () => {
  let api: Api;
  suiteSetup(async () => { api = await vscode.extensions.getExtension<Api>(extensionId)!.activate(); });

  test('CodeLens → variants written → diffs open → Adaptation view → Adopt writes the candidate row', async function () {
    this.timeout(300_000);
    await vscode.commands.executeCommand<string>(CommandId.startSimulatedServer, false);
    await waitFor(() => Boolean(vscode.workspace.getConfiguration('promptAdapt').get<Record<string, { baseURL?: string }>>('endpoints')?.demo?.baseURL),
      () => 'endpoint demo was not set in user settings');
    const prompt = workspaceUri('prompts/support.prompt.yml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(prompt));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', prompt);
    const lens = lenses.find((l) => l.command?.command === CommandId.adapt);
    assert.ok(lens?.command, `an "Adapt for…" lens on the prompt (lenses: ${lenses.map((l) => l.command?.title).join(', ')})`);
    assert.match(lens.command.title, /Adapt for…/u);

    // The lens's own command and arguments; the choices the pickers would ask for are passed (confirm: false skips the modal).
    const record = await vscode.commands.executeCommand<AdaptationRecord | undefined>(lens.command.command, ...(lens.command.arguments ?? []),
      { candidate: 'sim-verbose', strategies: ['guide', 'style'], rewriter: 'demo:sim-rewriter', confirm: false });
    assert.ok(record, 'the command returned the adaptation record');
    assert.equal(record.stopped, undefined, `the adaptation ran to the end (${record.stopped})`);
    const tags = record.variants.map((v) => v.tag).sort();
    assert.ok(tags.includes('style-1'), `the style strategy wrote a variant (${tags.join(', ')})`);
    for (const v of record.variants) assert.ok(fs.existsSync(workspaceUri(v.file).fsPath), `${v.file} was written`);
    const style = record.variants.find((v) => v.tag === 'style-1')!;
    assert.ok(record.acceptance?.verdicts.find((x) => x.tag === 'style-1')?.sealed.length, 'style-1 was measured on the sealed part');

    // Each variant is open in a diff editor against its parent.
    const diffs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.input).filter((i): i is vscode.TabInputTextDiff => i instanceof vscode.TabInputTextDiff);
    for (const v of record.variants) {
      assert.ok(diffs.some((d) => d.original.fsPath === prompt.fsPath && d.modified.fsPath === workspaceUri(v.file).fsPath), `a diff of ${v.file} against the parent is open`);
    }

    // The panel opened on the Adaptation view, which lists the variants with both parts' figures.
    const panel = api.comparePanel();
    assert.ok(panel, 'the comparison panel opened');
    let requestId = 1_000_000; // far above the webview's own request ids
    const ask = async <T>(method: string, params: object): Promise<T> => {
      const r = (await panel.handleMessage({ type: 'request', id: ++requestId, method, params })) as Response;
      assert.equal(r.error, undefined, `${method}: ${r.error}`);
      return r.result as T;
    };
    const views = await ask<AdaptationView[]>('getAdaptations', {});
    const view = views.find((x) => x.id === record.id);
    assert.ok(view, 'the Adaptation view has the adaptation');
    assert.deepEqual(view.variants.map((v) => v.tag).sort(), tags);
    const styleView = view.variants.find((v) => v.tag === 'style-1')!;
    assert.ok(styleView.sealed[0] && styleView.optimisation[0], 'style-1 shows sealed and optimisation figures side by side');
    assert.equal(styleView.adoptedAs, undefined);

    // Adopt: one new candidate row with the variant as its prompt.
    const before = fs.readFileSync(workspaceUri('prompt-adapt.yml').fsPath, 'utf8');
    const adopted = await ask<{ candidateId: string; added: boolean }>('adoptVariant', { adaptationId: record.id, tag: 'style-1' });
    assert.deepEqual(adopted, { candidateId: 'sim-verbose.support.style-1', added: true });
    const after = fs.readFileSync(workspaceUri('prompt-adapt.yml').fsPath, 'utf8');
    const added = after.split('\n').filter((l) => !before.split('\n').includes(l));
    assert.equal(added.length, 1, `one line added: ${added.join(' | ')}`);
    assert.match(added[0]!, /^ {2}- \{ id: sim-verbose\.support\.style-1, endpoint: demo, model: sim-verbose, .*prompt: prompts\/support\.style-1\.prompt\.yml \}$/u);
    assert.equal(style.file, 'prompts/support.style-1.prompt.yml');
    // The project reloads; the view then shows the variant as adopted, and the comparison knows the new candidate.
    await waitFor(async () => (await ask<AdaptationView[]>('getAdaptations', {})).find((x) => x.id === record.id)?.variants.find((v) => v.tag === 'style-1')?.adoptedAs === adopted.candidateId,
      () => 'the Adaptation view did not show style-1 as adopted', 30_000);
    await waitFor(async () => (await api.project.project())?.project.candidates.some((c) => c.id === adopted.candidateId) ?? false, () => 'the project did not reload with the adopted row', 30_000);

    // Runs treat the adopted row as a candidate with its own prompt: the parent prompt is not run on it, the variant is
    // (every request already answered during the adaptation, so the cache serves them all).
    const refused = await Promise.race([
      vscode.commands.executeCommand<RunResult | undefined>(CommandId.runPrompt, prompt, { testSet: 'support', candidates: [adopted.candidateId], confirm: false }),
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000)), // a modal never returns; a refusal returns at once
    ]);
    assert.equal(refused, undefined, 'the parent prompt is not run on the row adopted with the variant (and the refusal does not wait for a click)');
    const run = await vscode.commands.executeCommand<RunResult>(CommandId.runPrompt, workspaceUri(style.file), { testSet: 'support', candidates: [adopted.candidateId], confirm: false, judge: false });
    assert.equal(run.status, 'complete');
    assert.equal(run.missing, 0);
    assert.equal(run.counts.requested, 0, `the cache answered every request of the variant on the adopted row (${JSON.stringify(run.counts)})`);
  });

  test('"Cancel the Running Adaptation" stops it; running it again resumes and finishes', async function () {
    this.timeout(300_000);
    const prompt = workspaceUri('prompts/support.prompt.yml');
    const args = { candidate: 'sim-tiny', strategies: ['reflect'], rounds: 2, rewriter: 'demo:sim-rewriter', confirm: false, show: false };
    const folder = workspaceUri('.prompt-adapt/adaptations').fsPath;
    const mine = (): string[] => (fs.existsSync(folder) ? fs.readdirSync(folder).filter((d) => d.includes('sim-tiny')) : []);
    assert.deepEqual(mine(), []);
    const first = vscode.commands.executeCommand<AdaptationRecord | undefined>(CommandId.adapt, prompt, args);
    // The record is first saved once the parent has run on sim-tiny and the split is made: cancel then.
    await waitFor(() => mine().length > 0, () => 'the adaptation for sim-tiny never saved its record', 120_000);
    await vscode.commands.executeCommand(CommandId.cancelAdaptation);
    const stopped = await first;
    assert.ok(stopped === undefined || stopped.stopped === 'cancelled', `cancelled (${stopped?.stopped})`);
    const resumed = await vscode.commands.executeCommand<AdaptationRecord | undefined>(CommandId.adapt, prompt, args);
    assert.ok(resumed, 'the second run returned its record');
    assert.equal(resumed.stopped, undefined, `the second run finished (${resumed.stopped})`);
    assert.deepEqual(mine(), [resumed.id], 'the same adaptation was resumed, not a new one started');
    assert.ok(resumed.acceptance, 'acceptance ran');
    assert.ok(!resumed.skipped.some((x) => /cancel/iu.test(x.reason)) && !resumed.rejected.some((x) => /cancel/iu.test(x.reason)),
      `a call cut short by cancelling is not recorded as the rewriter's failure (${JSON.stringify([...resumed.skipped, ...resumed.rejected])})`);
  });
});
