// The review model of one test set: every example with each system's output, verdicts, style findings and
// human label, held in the host so the webview only ever receives a page of rows. Filters are index lists
// computed once per (system, filter) and dropped when labels change. Pure: no fs, no vscode.
import { createHash, randomBytes } from 'node:crypto';
import type { HumanLabelName, LabelItem, ReviewFilter, ReviewOutput, ReviewPage, ReviewRow, ReviewSystem } from '../../protocol/messages';
import { countsAsLabel } from '../../protocol/legend';
import { labelOrder, type Stratum } from '../stats/planner';
import { Rng } from '../stats/random';

/** An example of the test set, with the mapped fields as text. */
export interface ReviewExample {
  exampleId: string;
  line: number;
  question: string;
  context: string;
  groundTruth: string[];
}

export interface ReviewInput {
  testSetId: string;
  /** In test-set order. */
  examples: ReviewExample[];
  /** Baseline first. */
  systems: ReviewSystem[];
  /** systemId → exampleId → output. */
  outputs: Map<string, Map<string, ReviewOutput>>;
  /** The metric whose verdicts drive filters, sampling and calibration. */
  primaryMetric?: string;
  /** outputHash → current label. */
  labels?: Map<string, HumanLabelName>;
}

/**
 * The current label of each output from a test set's label records, reviewers combined as the comparison combines
 * them (compare/gather `combineLabels`): reviewers who disagree make the output "unsure".
 */
export function currentLabels(records: Iterable<{ outputHash: string; label: HumanLabelName }>): Map<string, HumanLabelName> {
  const out = new Map<string, HumanLabelName>();
  for (const l of records) {
    const prev = out.get(l.outputHash);
    out.set(l.outputHash, prev === undefined || prev === l.label ? l.label : 'unsure');
  }
  return out;
}

/** Where an opaque label key points. */
export interface LabelTarget { systemId: string; candidateId: string; exampleId: string; outputHash: string }

export class ReviewData {
  readonly testSetId: string;
  readonly examples: readonly ReviewExample[];
  readonly systems: readonly ReviewSystem[];
  readonly primaryMetric: string | undefined;
  private readonly outputs: Map<string, Map<string, ReviewOutput>>;
  private readonly labels: Map<string, HumanLabelName>;
  private readonly indexes = new Map<string, number[]>();
  private readonly exampleById = new Map<string, ReviewExample>();
  /** A per-session secret: label keys must not reveal the system (blind labelling). */
  private readonly keySecret = randomBytes(16);
  private readonly keys = new Map<string, LabelTarget>();
  /** Goes up whenever a label changes (views that cache what depends on labels compare it). */
  labelsVersion = 0;

  constructor(input: ReviewInput) {
    this.testSetId = input.testSetId;
    this.examples = input.examples;
    this.systems = input.systems;
    this.outputs = input.outputs;
    this.primaryMetric = input.primaryMetric;
    this.labels = new Map(input.labels ?? []);
    for (const e of this.examples) this.exampleById.set(e.exampleId, e);
  }

  get baseline(): ReviewSystem | undefined { return this.systems.find((s) => s.isBaseline); }

  /** The system shown beside the baseline by default: the first candidate, else the baseline itself. */
  defaultSystem(): string | undefined { return (this.systems.find((s) => !s.isBaseline) ?? this.systems[0])?.systemId; }

  example(exampleId: string): ReviewExample | undefined { return this.exampleById.get(exampleId); }

  output(systemId: string, exampleId: string): ReviewOutput | undefined {
    const o = this.outputs.get(systemId)?.get(exampleId);
    if (!o) return undefined;
    const label = o.outputHash ? this.labels.get(o.outputHash) : undefined;
    return label === o.label ? o : { ...o, label };
  }

  /** The primary metric's verdict on an output (null: no verdict; undefined: not judged). */
  verdict(o: ReviewOutput | undefined): 0 | 1 | null | undefined {
    if (!o) return undefined;
    const v = this.primaryMetric !== undefined ? o.verdicts.find((x) => x.metricId === this.primaryMetric) : o.verdicts[0];
    return v?.verdict;
  }

  labelOf(outputHash: string): HumanLabelName | undefined { return this.labels.get(outputHash); }
  /**
   * Labels by the definition every view shares (protocol/legend `countsAsLabel`): answered outputs labelled correct
   * or incorrect that have a verdict of the primary metric, each (output, example) once. Unsure labels, labels on
   * IDK outputs and labels of outputs not in this review are not counted, as the calibration does not count them.
   */
  get labelCount(): number {
    const counted = new Set<string>();
    for (const outs of this.outputs.values()) {
      for (const [exampleId, o] of outs) {
        if (!o.outputHash) continue;
        if (countsAsLabel({ label: this.labels.get(o.outputHash), idk: o.idk, verdict: this.verdict(o) })) counted.add(`${o.outputHash}\u0000${exampleId}`);
      }
    }
    return counted.size;
  }

  /** Replaces every label (the labels file changed on disk, e.g. after a git pull). */
  replaceLabels(labels: ReadonlyMap<string, HumanLabelName>): void {
    this.labels.clear();
    for (const [k, v] of labels) this.labels.set(k, v);
    this.labelsVersion++;
    for (const k of [...this.indexes.keys()]) if (k.endsWith('\u0000unlabelled')) this.indexes.delete(k);
  }

  /** Records (or with undefined, withdraws) the current label of an output; filters depending on labels are recomputed. */
  setLabel(outputHash: string, label: HumanLabelName | undefined): void {
    if (label) this.labels.set(outputHash, label); else this.labels.delete(outputHash);
    this.labelsVersion++;
    for (const k of [...this.indexes.keys()]) if (k.endsWith('\u0000unlabelled')) this.indexes.delete(k);
  }

  private matches(filter: ReviewFilter, b: ReviewOutput | undefined, s: ReviewOutput | undefined): boolean {
    switch (filter) {
      case 'all': return true;
      case 'disagreements': {
        const vb = this.verdict(b);
        const vs = this.verdict(s);
        return (vb === 0 || vb === 1) && (vs === 0 || vs === 1) && vb !== vs;
      }
      case 'failures': return !!s && (!!s.error || !s.schemaValid || this.verdict(s) === 0);
      case 'idk': return !!(s?.idk || b?.idk);
      case 'style': return !!s && s.findings.length > 0;
      case 'unlabelled': return !!s?.outputHash && !this.labels.has(s.outputHash);
    }
  }

  /** Example indexes (into `examples`) that pass the filter for `systemId` beside the baseline. */
  index(filter: ReviewFilter, systemId = this.defaultSystem()): number[] {
    const key = `${systemId ?? ''}\u0000${filter}`;
    let ix = this.indexes.get(key);
    if (!ix) {
      const base = this.baseline?.systemId;
      const bOut = base !== undefined ? this.outputs.get(base) : undefined;
      const sOut = systemId !== undefined ? this.outputs.get(systemId) : undefined;
      ix = [];
      for (let i = 0; i < this.examples.length; i++) {
        const id = this.examples[i]!.exampleId;
        if (filter === 'all' || this.matches(filter, bOut?.get(id), sOut?.get(id))) ix.push(i);
      }
      this.indexes.set(key, ix);
    }
    return ix;
  }

  row(exampleIndex: number, systemId = this.defaultSystem()): ReviewRow {
    const e = this.examples[exampleIndex]!;
    const base = this.baseline?.systemId;
    return {
      exampleId: e.exampleId, line: e.line, question: e.question, context: e.context, groundTruth: e.groundTruth,
      baseline: base !== undefined ? this.output(base, e.exampleId) : undefined,
      candidate: systemId !== undefined && systemId !== base ? this.output(systemId, e.exampleId) : undefined,
    };
  }

  /** One page of the filtered list; offsets past the end give an empty page. */
  page(filter: ReviewFilter, offset: number, limit: number, systemId = this.defaultSystem()): ReviewPage {
    if (systemId !== undefined && !this.outputs.has(systemId)) systemId = this.defaultSystem();
    const ix = this.index(filter, systemId);
    const rows = ix.slice(offset, offset + limit).map((i) => this.row(i, systemId));
    return { testSetId: this.testSetId, systemId, filter, total: ix.length, offset, rows, systems: [...this.systems] };
  }

  /** The opaque key of an output for blind labelling. */
  keyOf(t: LabelTarget): string {
    const key = createHash('sha256').update(this.keySecret).update(`${t.systemId}\u0000${t.exampleId}\u0000${t.outputHash}`).digest('base64url').slice(0, 22);
    this.keys.set(key, t);
    return key;
  }

  /** What a label key stands for (only keys this model handed out). */
  resolveKey(key: string): LabelTarget | undefined { return this.keys.get(key); }

  /**
   * The next outputs to label blind, in the planner's order (`labelOrder`, METHOD §4/§8): the outputs of systems the
   * judge is not yet checked on come first (candidates before the baseline), then every system × primary-verdict stratum
   * in proportion to its size; within a stratum the pick is random. Each item says why it was chosen without naming the
   * system or the verdict. Outputs whose text was already queued (same hash) appear once.
   */
  labelSample(size: number, seed = Date.now() >>> 0): LabelItem[] {
    const strata = new Map<string, { system: ReviewSystem; verdict: 0 | 1; items: LabelTarget[] }>();
    const labelled = new Map<string, number>();
    const seen = new Set<string>();
    for (const system of this.systems) {
      const outs = this.outputs.get(system.systemId);
      if (!outs) continue;
      labelled.set(system.systemId, 0);
      for (const e of this.examples) {
        const o = outs.get(e.exampleId);
        const v = this.verdict(o);
        // IDK outputs are not labelled: an IDK reply is incorrect by definition and its label would not count.
        if (!o?.outputHash || o.idk || (v !== 0 && v !== 1) || seen.has(o.outputHash)) continue;
        seen.add(o.outputHash);
        if (this.labels.has(o.outputHash)) { labelled.set(system.systemId, labelled.get(system.systemId)! + 1); continue; }
        const k = `${system.systemId}\u0000${v}`;
        let s = strata.get(k);
        if (!s) strata.set(k, (s = { system, verdict: v, items: [] }));
        s.items.push({ systemId: system.systemId, candidateId: system.candidateId, exampleId: e.exampleId, outputHash: o.outputHash });
      }
    }
    const list = [...strata.values()];
    const rng = new Rng(seed || 1);
    list.forEach((s) => shuffle(s.items, rng));
    const picks = labelOrder(list.map((s): Stratum => ({ system: s.system.systemId, verdict: s.verdict, unlabelled: s.items.length })),
      this.systems.filter((s) => labelled.has(s.systemId)).map((s) => ({ system: s.systemId, isBaseline: s.isBaseline, labelled: labelled.get(s.systemId)! })), size);
    const next = list.map(() => 0);
    return picks.map((p) => {
      const i = list.findIndex((s) => s.system.systemId === p.system && s.verdict === p.verdict);
      const t = list[i]!.items[next[i]!++]!;
      const e = this.exampleById.get(t.exampleId)!;
      return { key: this.keyOf(t), exampleId: t.exampleId, question: e.question, context: e.context, groundTruth: e.groundTruth,
        output: this.outputs.get(t.systemId)!.get(t.exampleId)!.text, reason: p.reason };
    });
  }

  /** Every output with a hash, for the Test Explorer and exports. */
  *allOutputs(): Generator<{ system: ReviewSystem; example: ReviewExample; output: ReviewOutput }> {
    for (const system of this.systems) {
      const outs = this.outputs.get(system.systemId);
      if (!outs) continue;
      for (const example of this.examples) {
        const output = this.output(system.systemId, example.exampleId);
        if (output) yield { system, example, output };
      }
    }
  }
}

/** Fisher–Yates in place with the project's seeded generator. */
function shuffle<T>(xs: T[], rng: Rng): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
