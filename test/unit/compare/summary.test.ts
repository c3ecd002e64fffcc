// The run summaries are derived caches: a comparison reads one only while the responses (or verdicts) file is exactly
// the one it was made from, and whatever happens to it (missing, damaged, stale, a copied store) the numbers stay the same.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildComparison } from '../../../src/core/compare';
import { ComparisonStore } from '../../../src/core/compare/gather';
import { STORE_DAMAGE, STORE_EDITED, MISSING_VERDICTS } from '../../../src/core/compare/storeNotes';
import type { ComparisonReport } from '../../../src/protocol/comparison';
import { Store } from '../../../src/core/store/store';
import { SETTLE_MS } from '../../../src/core/store/summary';
import { makeCompareFixture } from './fixture';

const OPTS = { draws: 20_000, seed: 3, now: new Date('2026-02-01T00:00:00.000Z') };
const VARIANT = { good: { correct: 0.9, idk: 0.05, latencyMs: 800, badStyle: 0.2, broken: 0.1, errors: 0.05 } };

interface Fixture { dir: string; project: string; root: string }

/** A fixture whose R1 has a garbled line (line 8), so the summary must carry the damage too. */
function damagedFixture(): Fixture {
  const f = makeCompareFixture({ variantSystems: VARIANT });
  const file = responses(f, 'R1');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines[7] = `${lines[7]!.slice(0, 30)}#garbled`;
  fs.writeFileSync(file, lines.join('\n'));
  return f;
}

const responses = (f: Fixture, runId: string): string => path.join(f.root, 'runs', runId, 'responses.jsonl');
const summary = (f: Fixture, runId: string): string => path.join(f.root, 'runs', runId, 'compare-summary.json');
const verdictSummary = (f: Fixture, runId: string): string => path.join(f.root, 'runs', runId, 'verdict-summary.json');

/** A comparison with a fresh reader (as a new process would do), and what it did with the summaries. */
async function compare(f: Fixture): Promise<{ report: ComparisonReport; use: ComparisonStore['summaries'] }> {
  const store = new ComparisonStore(Store.openForProject(f.project));
  const report = await buildComparison(f.project, OPTS, store);
  return { report, use: { ...store.summaries } };
}

const codes = (r: ComparisonReport): string[] => r.testSets.flatMap((t) => t.notes.map((n) => n.code));

/** A summary's header line. */
const header = (file: string): { source: Record<string, string>; seenAt: number; sourceSha256?: string } => JSON.parse(fs.readFileSync(file, 'utf8').split('\n', 1)[0]!);

/** The file's bytes written again as they are, as a run that has just ended leaves it (a new ctime, same content). */
const rewrite = (file: string): void => fs.writeFileSync(file, fs.readFileSync(file));

/**
 * Puts the file's current stamp into a summary's header: what a file system whose clock did not tick between the
 * summary's read and a later same-size edit (mtime put back) would have shown. Nothing else of the header changes.
 */
function stampUnchanged(summaryFile: string, source: string): void {
  const text = fs.readFileSync(summaryFile);
  const nl = text.indexOf(0x0a);
  const h = JSON.parse(text.toString('utf8', 0, nl)) as { source: Record<string, string> };
  const st = fs.statSync(source, { bigint: true });
  h.source = { size: String(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs), ino: String(st.ino), dev: String(st.dev) };
  fs.writeFileSync(summaryFile, Buffer.concat([Buffer.from(JSON.stringify(h)), text.subarray(nl)]));
}

suite('compare: the run summary', function () {
  this.timeout(60_000);
  const fixtures: Fixture[] = [];
  let used: Fixture, edited: Fixture, corrupted: Fixture, cloned: Fixture, rejudged: Fixture;

  suiteSetup(async () => {
    [used, edited, corrupted, cloned, rejudged] = [damagedFixture(), damagedFixture(), damagedFixture(), damagedFixture(), damagedFixture()];
    fixtures.push(used, edited, corrupted, cloned, rejudged);
    // Summaries are written only for files that have settled (see summary.ts).
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 200));
  });
  suiteTeardown(() => { for (const f of fixtures) fs.rmSync(f.dir, { recursive: true, force: true }); });

  test('the first comparison writes one summary per run, the next reads them and gives the same report', async () => {
    const first = await compare(used);
    assert.deepEqual(first.use, { read: 0, fullReads: 2, written: 2, verdictsRead: 0, verdictsWritten: 2 });
    assert.ok(fs.existsSync(summary(used, 'R1')) && fs.existsSync(summary(used, 'R2')) && fs.existsSync(verdictSummary(used, 'R1')));
    const second = await compare(used);
    assert.deepEqual(second.use, { read: 2, fullReads: 0, written: 0, verdictsRead: 2, verdictsWritten: 0 });
    assert.deepEqual(second.report, first.report);
    // The damage the full read found is told from the summary too, with its line.
    const damage = second.report.testSets[0]!.notes.find((n) => n.code === STORE_DAMAGE);
    assert.match(damage?.message ?? '', /1 response unreadable in \.prompt-adapt\/runs\/R1\/responses\.jsonl \(line 8\)/);
  });

  test('an output edited on disk (same size, mtime put back) is not taken from the summary: it loses its verdict', async () => {
    const before = await compare(edited);
    assert.equal(before.use.written, 2);
    const file = responses(edited, 'R1');
    const st = fs.statSync(file, { bigint: true });
    const text = fs.readFileSync(file, 'utf8');
    const at = text.search(/right answer \d+ from base/u);
    assert.ok(at > 0);
    fs.writeFileSync(file, `${text.slice(0, at)}wrong${text.slice(at + 5)}`);   // "right" → "wrong": same size
    fs.utimesSync(file, new Date(Number(st.atimeNs / 1_000_000n)), new Date(Number(st.mtimeNs / 1_000_000n)));
    const now = fs.statSync(file, { bigint: true });
    assert.equal(now.size, st.size);
    const apart = now.mtimeNs - st.mtimeNs;
    assert.ok(apart > -1_000_000n && apart < 1_000_000n, `mtime put back to within 1 ms (${apart} ns apart)`);

    const after = await compare(edited);
    // R2 from its summary; R1 read in full (and its summary written again, with the sha256 of the file just changed).
    assert.deepEqual(after.use, { read: 1, fullReads: 1, written: 1, verdictsRead: 2, verdictsWritten: 0 });
    assert.ok(codes(after.report).includes(STORE_EDITED) && !codes(before.report).includes(STORE_EDITED));
    const missing = after.report.testSets[0]!.notes.find((n) => n.code === MISSING_VERDICTS);
    assert.match(missing?.message ?? '', /1 output has no verdict of 'f1' \(base 1\)/);
    // Exactly what a comparison without any summary gives.
    for (const id of ['R1', 'R2']) { fs.rmSync(summary(edited, id)); fs.rmSync(verdictSummary(edited, id)); }
    const plain = await compare(edited);
    assert.equal(plain.use.read + plain.use.verdictsRead, 0);
    assert.deepEqual(after.report, plain.report);
  });

  test('a damaged, cut or foreign summary is ignored and the numbers stay the same', async () => {
    const reference = (await compare(corrupted)).report;
    const r1 = summary(corrupted, 'R1');
    const damages: [string, () => void][] = [
      ['a byte changed', () => { const b = fs.readFileSync(r1); b[b.length - 20] ^= 0x01; fs.writeFileSync(r1, b); }],
      ['cut in half', () => { const b = fs.readFileSync(r1); fs.writeFileSync(r1, b.subarray(0, b.length >> 1)); }],
      ['not a summary', () => fs.writeFileSync(r1, '{}\n{}')],
      ['the summary of another run', () => fs.copyFileSync(summary(corrupted, 'R2'), r1)],
    ];
    for (const [what, damage] of damages) {
      damage();
      const { report, use } = await compare(corrupted);
      assert.deepEqual(use, { read: 1, fullReads: 1, written: 1, verdictsRead: 2, verdictsWritten: 0 }, what);   // R1 read in full, its summary written again
      assert.deepEqual(report, reference, what);
    }
    const v1 = verdictSummary(corrupted, 'R1');
    const verdictDamages: [string, () => void][] = [
      ['a verdict summary with a byte changed', () => { const b = fs.readFileSync(v1); b[b.length - 3] ^= 0x01; fs.writeFileSync(v1, b); }],
      ['the verdict summary of another run', () => fs.copyFileSync(verdictSummary(corrupted, 'R2'), v1)],
      ['a response summary in place of a verdict summary', () => fs.copyFileSync(summary(corrupted, 'R1'), v1)],
    ];
    for (const [what, damage] of verdictDamages) {
      damage();
      const { report, use } = await compare(corrupted);
      assert.deepEqual(use, { read: 2, fullReads: 0, written: 0, verdictsRead: 1, verdictsWritten: 1 }, what);
      assert.deepEqual(report, reference, what);
    }
    assert.deepEqual((await compare(corrupted)).use, { read: 2, fullReads: 0, written: 0, verdictsRead: 2, verdictsWritten: 0 });
  });

  test('a copied store (new inodes) reads its runs in full again, with the same report', async () => {
    const original = await compare(cloned);
    assert.equal(original.use.written, 2);
    const copy = `${cloned.dir}-copy`;
    fixtures.push({ ...cloned, dir: copy });
    fs.cpSync(cloned.dir, copy, { recursive: true, preserveTimestamps: true });
    assert.ok(fs.existsSync(path.join(copy, '.prompt-adapt', 'runs', 'R1', 'compare-summary.json')));
    const f: Fixture = { dir: copy, project: path.join(copy, 'prompt-adapt.yml'), root: path.join(copy, '.prompt-adapt') };
    const copied = await compare(f);
    // Read in full, and summaries of the copies written (with their sha256: the copied files have only just changed).
    assert.deepEqual(copied.use, { read: 0, fullReads: 2, written: 2, verdictsRead: 0, verdictsWritten: 2 });
    assert.deepEqual(copied.report, original.report);
  });

  test('a verdict appended after the summary was written (judged again) counts, as in a full read', async () => {
    const f = rejudged;
    const before = await compare(f);
    assert.equal(before.use.verdictsWritten, 2);
    // The judge changes its mind on one output of the candidate: a new line for the same output.
    const line = fs.readFileSync(path.join(f.root, 'runs', 'R1', 'verdicts.jsonl'), 'utf8').split('\n').find((l) => l.includes('"candidateId":"good"') && l.includes('"verdict":0'))!;
    fs.appendFileSync(path.join(f.root, 'runs', 'R1', 'verdicts.jsonl'), `${line.replace('"verdict":0', '"verdict":1')}\n`);
    const after = await compare(f);
    assert.deepEqual(after.use, { read: 2, fullReads: 0, written: 0, verdictsRead: 1, verdictsWritten: 1 });
    assert.notDeepEqual(after.report, before.report);
    for (const id of ['R1', 'R2']) { fs.rmSync(summary(f, id)); fs.rmSync(verdictSummary(f, id)); }
    assert.deepEqual((await compare(f)).report, after.report);
  });

  test('summaries written right after the files changed are used while the bytes are the same, and trusted by their stamp once settled', async () => {
    const f = damagedFixture();
    fixtures.push(f);
    for (const id of ['R1', 'R2']) { rewrite(responses(f, id)); rewrite(path.join(f.root, 'runs', id, 'verdicts.jsonl')); }
    const first = await compare(f);
    assert.deepEqual(first.use, { read: 0, fullReads: 2, written: 2, verdictsRead: 0, verdictsWritten: 2 });
    // Made before the files settled: each records the sha256 of the bytes it was made from.
    const sha = header(summary(f, 'R1')).sourceSha256;
    assert.equal(sha, createHash('sha256').update(fs.readFileSync(responses(f, 'R1'))).digest('hex'));
    assert.match(header(verdictSummary(f, 'R2')).sourceSha256 ?? '', /^[0-9a-f]{64}$/);
    const next = await compare(f);
    assert.deepEqual(next.use, { read: 2, fullReads: 0, written: 0, verdictsRead: 2, verdictsWritten: 0 });
    assert.deepEqual(next.report, first.report);
    // Once the files have settled, the comparison that checked the bytes again rewrites the header: the stamp is enough.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 200));
    const settled = await compare(f);
    assert.deepEqual(settled.use, { read: 2, fullReads: 0, written: 0, verdictsRead: 2, verdictsWritten: 0 });
    assert.deepEqual(settled.report, first.report);
    for (const file of [summary(f, 'R1'), summary(f, 'R2'), verdictSummary(f, 'R1'), verdictSummary(f, 'R2')]) {
      assert.equal(header(file).sourceSha256, undefined, file);
    }
    assert.deepEqual((await compare(f)).use, { read: 2, fullReads: 0, written: 0, verdictsRead: 2, verdictsWritten: 0 });
  });

  test('a same-size edit within one tick of the clock (the stamp unchanged) is caught by the bytes\' sha256', async () => {
    const f = damagedFixture();
    fixtures.push(f);
    const file = responses(f, 'R1');
    rewrite(file);
    const before = await compare(f);
    assert.equal(before.use.written, 2);
    assert.ok(header(summary(f, 'R1')).sourceSha256, 'made before the file settled');
    // The same bytes written again, the stamp as it was: the summary is still used.
    rewrite(file);
    stampUnchanged(summary(f, 'R1'), file);
    assert.deepEqual((await compare(f)).use, { read: 2, fullReads: 0, written: 0, verdictsRead: 2, verdictsWritten: 0 });
    // "right" → "wrong" (same size), mtime put back, the stamp as it was: read in full, as the bytes differ.
    const st = fs.statSync(file, { bigint: true });
    const text = fs.readFileSync(file, 'utf8');
    const at = text.search(/right answer \d+ from base/u);
    fs.writeFileSync(file, `${text.slice(0, at)}wrong${text.slice(at + 5)}`);
    fs.utimesSync(file, new Date(Number(st.atimeNs / 1_000_000n)), new Date(Number(st.mtimeNs / 1_000_000n)));
    assert.equal(fs.statSync(file).size, Number(st.size));
    stampUnchanged(summary(f, 'R1'), file);
    const after = await compare(f);
    assert.deepEqual(after.use, { read: 1, fullReads: 1, written: 1, verdictsRead: 2, verdictsWritten: 0 });
    assert.ok(codes(after.report).includes(STORE_EDITED) && !codes(before.report).includes(STORE_EDITED));
    assert.match(after.report.testSets[0]!.notes.find((n) => n.code === MISSING_VERDICTS)?.message ?? '', /1 output has no verdict of 'f1' \(base 1\)/);
    for (const id of ['R1', 'R2']) { fs.rmSync(summary(f, id)); fs.rmSync(verdictSummary(f, id)); }
    assert.deepEqual(after.report, (await compare(f)).report);
  });
});
