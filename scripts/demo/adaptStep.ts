// The demo's adaptation step: sim-verbose fails only the style rule, so the demo asks the adaptation assistant
// for variants of the baseline prompt on sim-verbose (guide and style strategies, the simulated rewriter), then
// adopts the style variant as a candidate row and compares again: the selection changes. It works on a copy of
// the example (the committed project file and prompts stay as they are) whose store shares the example's
// response cache, so a second demo asks the simulated server for nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AdaptationRecord } from '../../src/core/adapt/record';
import type { ComparisonReport } from '../../src/protocol/comparison';
import type { SimulatedServer } from './simulatedModelServer';
import { supportExamples } from './supportData';

export type Cli = (cwd: string, argv: string[], allowed?: number[], echo?: boolean) => Promise<{ code: number; out: string }>;

export interface AdaptStepResult {
  record: AdaptationRecord;
  /** The comparison after the style variant was adopted. */
  adopted: ComparisonReport;
  adoptedId: string;
  /** Rewriter requests the simulated server received during this step. */
  rewriterRequests: SimulatedServer['rewriterRequests'];
  copy: string;
}

/** A copy of the example in a temporary folder: its runs copied, its response cache shared (a symlink). */
function copyExample(example: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'prompt-adapt-demo-adapt-'));
  const store = path.join(example, '.prompt-adapt');
  fs.cpSync(example, copy, { recursive: true, filter: (src) => !src.startsWith(path.join(store, 'cache')) && !src.startsWith(path.join(store, 'adaptations')) && !src.endsWith('report.html') });
  fs.mkdirSync(path.join(store, 'cache'), { recursive: true });
  fs.symlinkSync(path.join(store, 'cache'), path.join(copy, '.prompt-adapt', 'cache'), 'dir');
  return copy;
}

export async function adaptStep(example: string, server: SimulatedServer, cli: Cli, say: (line: string) => void): Promise<AdaptStepResult> {
  const copy = copyExample(example);
  const before = server.rewriterRequests.length;
  say('adapt: variants of the baseline prompt for sim-verbose (guide and style), learning from half of the test set and judged on the sealed half');
  console.log('');
  await cli(copy, ['adapt', '--project', 'prompt-adapt.yml', '--prompt', 'prompts/support.prompt.yml', '--candidate', 'sim-verbose',
    '--strategies', 'guide,style', '--rewriter', 'demo:sim-rewriter', '--yes'], [0, 2], true);
  console.log('');
  const dir = path.join(copy, '.prompt-adapt', 'adaptations');
  const [id] = fs.readdirSync(dir);
  const record = JSON.parse(fs.readFileSync(path.join(dir, id!, 'adaptation.json'), 'utf8')) as AdaptationRecord;
  const style = record.variants.find((v) => v.strategy === 'style');
  if (!style) throw new Error(`the style strategy wrote no variant: ${JSON.stringify(record.skipped)}`);

  const adopt = await cli(copy, ['adapt', '--project', 'prompt-adapt.yml', '--adopt', style.file]);
  say(`adopt: ${adopt.out.trim().split('\n')[0]}`);
  const adoptedId = /candidate (\S+)/u.exec(adopt.out)?.[1] ?? '';
  const run = await cli(copy, ['run', '--project', 'prompt-adapt.yml', '--prompt', style.file, '--test-set', 'support', '--candidates', adoptedId]);
  const runId = /^run (\S+):/mu.exec(run.out)?.[1];
  if (!runId) throw new Error(`cannot find the run id in: ${run.out}`);
  await cli(copy, ['judge', '--project', 'prompt-adapt.yml', '--run', runId]);
  say(`run and judge ${style.file} on ${adoptedId}: the cache answers every request (the adaptation already ran it)`);
  say('compare after adopting: the decision table');
  console.log('');
  await cli(copy, ['compare', '--project', 'prompt-adapt.yml'], [0, 2], true);
  console.log('');
  const json = path.join(copy, 'comparison.json');
  await cli(copy, ['report', '--project', 'prompt-adapt.yml', '--format', 'json', '--out', json]);
  const adopted = JSON.parse(fs.readFileSync(json, 'utf8')) as ComparisonReport;
  return { record, adopted, adoptedId, rewriterRequests: server.rewriterRequests.slice(before), copy };
}

/** The adaptation step's checks (see the issue), each reported through `ok`. */
export function checkAdaptStep(r: AdaptStepResult, ok: (cond: boolean, what: string) => void): void {
  const verdict = (strategy: string) => {
    const v = r.record.variants.find((x) => x.strategy === strategy);
    return v && r.record.acceptance?.verdicts.find((x) => x.tag === v.tag);
  };
  const split = r.record.splits.find((s) => s.testSetId === 'support');
  const sealed = supportExamples().filter((e) => split?.sealed.includes(e.id));
  // A cached rewriter reply is not a request: on a warm demo the server receives none, and that is checked too.
  const sent = r.rewriterRequests.map((q) => q.messages.map((m) => m.content).join('\n')).join('\n');
  ok(sealed.length === 36 && sealed.every((e) => !sent.includes(e.question) && !sent.includes(e.id)),
    `no sealed question reached the rewriter (${sealed.length} sealed, ${r.rewriterRequests.length} rewriter requests this time)`);
  const style = verdict('style');
  const s = style?.sealed.find((x) => x.testSetId === 'support');
  ok(s?.cells.style === 'pass' && s.variant.badStyleRate === 0 && s.parent.badStyleRate > 0.3,
    `style-1 passes style on the sealed part (${s ? `${(100 * s.parent.badStyleRate).toFixed(0)}% → ${(100 * s.variant.badStyleRate).toFixed(0)}% bad` : 'not evaluated'}; ${style?.verdict}: ${style?.why})`);
  const guide = verdict('guide');
  ok(guide !== undefined && guide.verdict !== 'accepted' && /no gain|no evidence of gain|improves nothing/u.test(guide.why),
    `guide-1 finds no gain and says so (${guide?.verdict}: ${guide?.why})`);
  const t = r.adopted.testSets.find((x) => x.testSetId === 'support');
  const d = t?.decisions.find((x) => x.candidateId === r.adoptedId);
  ok(d?.style.status === 'pass' && d.overall === 'pass', `${r.adoptedId}: the adopted row passes every rule (${d ? `style ${d.style.status}, correctness ${d.correctness.status}` : 'no row'})`);
  const best = r.adopted.selection?.best?.candidates.slice().sort().join(', ');
  ok(best !== undefined && best !== 'sim-cheap, sim-fast' && best.includes(r.adoptedId), `adopting changes the selection (now ${best ?? 'none'})`);
}
