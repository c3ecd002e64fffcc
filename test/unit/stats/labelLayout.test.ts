import { strict as assert } from 'node:assert';
import { compareSystems, emptyLabelLayout, stateMoments, statesFromPaired, statesFromStrings, type Confusion, type LabelLayout } from '../../../src/core/stats';
import { moverDifference } from '../../../src/core/stats/baselines';
import { labelCounts, runDataset, type BatchDataset } from '../../../src/core/stats/batch';
import { ppiCompare } from '../../../src/core/stats/ppi';
import { simulateRegime, v2Regimes } from '../../../src/core/stats/simulation';
import { near } from './calibration.test';

// Which questions are labelled on which system (README › Statistics): with the label layout ppi++ and human-only
// use the covariances METHOD §5/§6 leave out (labels on the same questions, labelled outputs among the judged ones,
// IDK). Expected values were computed independently, question by question, in Python (numpy/scipy).

// 12 questions; the baseline leaves question 9 IDK, the candidate question 7. 9 baseline labels, 10 candidate
// labels, 8 questions labelled on both, and candidate question 9 labelled while the baseline's is IDK.
const HAND: BatchDataset = {
  id: 'hand',
  baseline: '110101110i01',
  candidate: '1110011i1101',
  labels: [
    ...([[0, 1], [1, 1], [2, 0], [3, 1], [5, 1], [6, 0], [8, 0], [10, 0], [11, 1]] as const).map(([i, y]) => ['baseline', i, y] as [string, number, number]),
    ...([[0, 1], [1, 0], [2, 1], [3, 0], [4, 0], [5, 1], [6, 1], [8, 0], [9, 1], [11, 1]] as const).map(([i, y]) => ['candidate', i, y] as [string, number, number]),
  ],
};

suite('stats: labels on the same questions (ppi++ and human-only covariance)', () => {
  test('the batch input gives the label layout: every question with a label on at least one system, by its two sides', () => {
    const c = labelCounts(HAND);
    assert.deepEqual(c.baseline, { tp: 5, fn: 0, fp: 1, tn: 3 });
    assert.deepEqual(c.candidate, { tp: 6, fn: 0, fp: 2, tn: 2 });
    const want = emptyLabelLayout();
    // Labelled on both: questions 0, 5, 11 tp/tp; 1 tp/fp; 2 tn/tp; 3 tp/tn; 6 fp/tp; 8 tn/fp. On the baseline only:
    // 10 (tn; the candidate judged it incorrect). On the candidate only: 4 (tn; baseline judged incorrect), 9 (tp;
    // the baseline left it IDK).
    want.tp.tp = 3; want.tp.fp = 1; want.tn.tp = 1; want.tp.tn = 1; want.fp.tp = 1; want.tn.fp = 1;
    want.tn.incorrect = 1; want.incorrect.tn = 1; want.idk.tp = 1;
    assert.deepEqual(c.layout, want);
  });

  test('ppi++ with IDK and 8 doubly-labelled questions, by hand (per question in numpy)', () => {
    // numpy, per question: λ_A = 0.450149, λ_B = 0.320106, k = 8; METHOD §5's SE 0.189044; the delta-method variance
    // Var(g)/n + label variances - 2·(1-r_A)(1-r_B)·k·Cov(r_A, r_B)/(m_A m_B) + 2·[(1-r_B)·Cov(g, r_B) - (1-r_A)·Cov(g, r_A)]/n,
    // g = λ_B f_B + ρ_B a_B - λ_A f_A - ρ_A a_A, gives SE 0.231023.
    const c = labelCounts(HAND);
    const states = statesFromStrings(HAND.baseline, HAND.candidate);
    const m = stateMoments(states);
    const method = ppiCompare(c.baseline, c.candidate, states, m);
    const paired = ppiCompare(c.baseline, c.candidate, states, m, c.layout);
    near(method.lambdaA, 0.45014880952380953, 12); near(method.lambdaB, 0.32010582010582017, 12);
    near(method.estimate, 0.03190448633156964, 12);
    near(method.se, 0.18904407471825221, 12);
    near(paired.estimate, method.estimate, 14, 'the point does not change');
    near(paired.se, 0.23102265696863306, 12);
    // The batch CLI uses it.
    const out = runDataset(HAND, 'ppi++', { level: 0.9 });
    near(out.difference!.hi - out.difference!.lo, 2 * 1.6448536269514722 * 0.23102265696863306, 9);
  });

  test('without IDK, every output labelled on both systems: correlated truths narrow ppi++ by more than half', () => {
    // 20 questions, no IDK, every answered output labelled on both systems; the truths agree on 17 of 20.
    const baseline = '11111111110000000000';
    const candidate = '11111111011000000001';
    const yA = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    const yB = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0];
    const d: BatchDataset = { id: 1, baseline, candidate, labels: [...yA.map((y, i) => ['baseline', i, y] as [string, number, number]),
      ...yB.map((y, i) => ['candidate', i, y] as [string, number, number])] };
    const c = labelCounts(d);
    const states = statesFromStrings(baseline, candidate);
    const m = stateMoments(states);
    const method = ppiCompare(c.baseline, c.candidate, states, m);
    const paired = ppiCompare(c.baseline, c.candidate, states, m, c.layout);
    // numpy: λ_A = 0.3, λ_B = 0.242424, Δ̂ = 0.1; METHOD §5's SE 0.143354, with the layout 0.068825.
    near(method.lambdaA, 0.3, 12); near(method.lambdaB, 0.24242424242424235, 12);
    near(method.estimate, 0.1, 12);
    near(method.se, 0.14335354629185063, 12);
    near(paired.se, 0.06882472016116851, 12);
  });

  test('human-only: MOVER with the correlation of the doubly-labelled questions (Zou & Donner; Newcombe paired)', () => {
    // 161 questions labelled on both: both right 59, baseline only 6, candidate only 16, both wrong 80; phi = 0.728863.
    // scipy: Wilson 90% limits, then MOVER with the correlation → [0.014878, 0.108673]; independent: [-0.028580, 0.151377].
    const a = { correct: 65, labelled: 161, answeredShare: 1 };
    const b = { correct: 75, labelled: 161, answeredShare: 1 };
    const phi = (59 * 80 - 6 * 16) / Math.sqrt(65 * 96 * 75 * 86);
    near(phi, 0.7288626123027581, 12);
    const paired = moverDifference(a, b, 0.9, phi);
    near(paired.estimate, 10 / 161, 12); near(paired.lo, 0.014877987595523369, 9); near(paired.hi, 0.1086728021860931, 9);
    const independent = moverDifference(a, b, 0.9);
    near(independent.lo, -0.02858024379469512, 9); near(independent.hi, 0.15137718935623318, 9);
    // Newcombe (1998) method 10 shrinks phi by N/2 in the numerator (a continuity correction); with it the 95% interval is
    // [0.004625, 0.118621], the mirror of the published (-0.1186, -0.0046) for this table (Fagerland et al., Cavo et al. 2012).
    const psi = (59 * 80 - 6 * 16 - 161 / 2) / Math.sqrt(65 * 96 * 75 * 86);
    const newcombe10 = moverDifference(a, b, 0.95, psi);
    near(newcombe10.lo, 0.004625113933050047, 9); near(newcombe10.hi, 0.11862119563870992, 9);
  });

  test('human-only through compareSystems: the correlation is phi times k/sqrt(m_A·m_B), with answered shares', () => {
    // Baseline 40 labels (26 correct), candidate 50 (38 correct), 20 questions on both: 11 both right, 2 baseline only,
    // 4 candidate only, 3 both wrong. scipy: plain phi = 0.302614; Newcombe's shrunk phi (AD − BC − k/2 = 15) 0.181568,
    // correlation 0.081200; shares 0.9 and 0.8 → [-0.105124, 0.153174] (plain phi: [-0.101322, 0.149851]).
    const hand = moverDifference({ correct: 26, labelled: 40, answeredShare: 0.9 }, { correct: 38, labelled: 50, answeredShare: 0.8 }, 0.9, 0.08119979429411502);
    near(hand.estimate, 0.023, 12); near(hand.lo, -0.10512445961809805, 9); near(hand.hi, 0.15317380094327626, 9);
    const plain = moverDifference({ correct: 26, labelled: 40, answeredShare: 0.9 }, { correct: 38, labelled: 50, answeredShare: 0.8 }, 0.9, 0.1353329904901917);
    near(plain.lo, -0.10132153461799293, 9); near(plain.hi, 0.14985052375409358, 9);
    const baselineLabels: Confusion = { tp: 20, fn: 6, fp: 4, tn: 10 };
    const candidateLabels: Confusion = { tp: 30, fn: 8, fp: 2, tn: 10 };
    const layout: LabelLayout = emptyLabelLayout();
    layout.tp.tp = 11; layout.tp.tn = 2; layout.tn.tp = 4; layout.tn.tn = 3;
    // The other labelled outputs, one system labelled only: baseline tp 7, fn 6, fp 4, tn 3; candidate tp 15, fn 8, fp 2, tn 5.
    layout.tp.correct = 7; layout.fn.incorrect = 6; layout.fp.correct = 4; layout.tn.incorrect = 3;
    layout.correct.tp = 15; layout.incorrect.fn = 8; layout.correct.fp = 2; layout.incorrect.tn = 5;
    // 100 questions, the baseline IDK on 10 and the candidate on 20 (answered shares 0.9 and 0.8).
    const states = { '11': 39, '10': 2, '1i': 10, '01': 4, '00': 25, '0i': 10, 'i1': 5, 'i0': 5, 'ii': 0 };
    const viaCompare = compareSystems('human-only', { states, baselineLabels, candidateLabels, labelLayout: layout }, { level: 0.9 });
    near(viaCompare.difference!.point, hand.estimate, 12);
    near(viaCompare.difference!.lo, hand.lo, 12); near(viaCompare.difference!.hi, hand.hi, 12);
    const noPairs = compareSystems('human-only', { states, baselineLabels, candidateLabels }, { level: 0.9 });
    // The same labels on different questions: no correlation, METHOD §6 exactly.
    const apart = emptyLabelLayout();
    apart.tp.correct = 20; apart.fn.incorrect = 6; apart.fp.correct = 4; apart.tn.incorrect = 10;
    apart.correct.tp = 30; apart.incorrect.fn = 8; apart.correct.fp = 2; apart.incorrect.tn = 10;
    const wide = { ...states, '11': 60, '00': 40 };
    assert.deepEqual(compareSystems('human-only', { states: wide, baselineLabels, candidateLabels, labelLayout: apart }, { level: 0.9 }).difference,
      compareSystems('human-only', { states: wide, baselineLabels, candidateLabels }, { level: 0.9 }).difference, 'no question on both: METHOD §6 exactly');
    assert.ok(noPairs.difference!.hi - noPairs.difference!.lo > viaCompare.difference!.hi - viaCompare.difference!.lo);
  });

  test('a layout that does not fit the labels or the states is refused, naming the cell', () => {
    const states = statesFromPaired({ n11: 30, n10: 10, n01: 10, n00: 30 });
    const labels: Confusion = { tp: 10, fn: 2, fp: 3, tn: 10 };
    const fits = (): LabelLayout => {
      const l = emptyLabelLayout();
      l.tp.correct = 10; l.fn.incorrect = 2; l.fp.correct = 3; l.tn.incorrect = 10;
      l.correct.tp = 10; l.incorrect.fn = 2; l.correct.fp = 3; l.incorrect.tn = 10;
      return l;
    };
    const run = (l: LabelLayout): unknown => compareSystems('ppi++', { states, baselineLabels: labels, candidateLabels: labels, labelLayout: l });
    assert.doesNotThrow(() => run(fits()));
    const missing = fits();
    missing.tp.correct = 9;
    assert.throws(() => run(missing), /labelLayout\.tp has 9 baseline outputs labelled tp; the baseline's labels have 10/);
    const idk = fits();
    idk.idk.tp = 1; idk.correct.tp = 9;
    assert.throws(() => run(idk), /labelLayout has 1 questions in state i1 \(baseline, candidate\); the state table has 0/);
    const unlabelled = fits();
    unlabelled.correct.incorrect = 1;
    assert.throws(() => run(unlabelled), /labelLayout\.correct\.incorrect must be 0/);
    const negative = fits();
    negative.fn.tn = -1;
    assert.throws(() => run(negative), /labelLayout\.fn\.tn must be a non-negative integer/);
  });

  test('simulation: with labels on most outputs ppi++ and human-only no longer cover far above 90% (were 0.960-0.966)', () => {
    for (const [judge, delta] of [['mediocre(0.80,0.45)', 0], ['high-accuracy', 0]] as const) {
      const r = v2Regimes().find((x) => x.judge === judge && x.delta === delta && x.n === 200 && x.m === 300)!;
      const [s] = simulateRegime(r, 600, { seed: 5, estimators: ['auto'] });
      assert.ok(s!.coverage > 0.86 && s!.coverage < 0.94, `${judge}: coverage ${s!.coverage}`);
    }
  });

  test('a differential judge: the ppi++ interval its message quotes is the one shown under "do not act"', () => {
    // 100 questions, every answered output labelled on both systems; the truths overlap (a question the baseline gets
    // wrong the candidate gets wrong more often). The judge accepts 15 of the candidate's 30 wrong answers but only 3
    // of the baseline's 30, so Rogan-Gladen's assumption fails and ppi++ is shown instead.
    const runs = (parts: [number, string, number][]): { states: string; labels: number[] } =>
      ({ states: parts.map(([k, st]) => st.repeat(k)).join(''), labels: parts.flatMap(([k, st, y]) => (st === 'i' ? [] : Array<number>(k).fill(y))) });
    const base = runs([[63, '1', 1], [7, '0', 1], [3, '1', 0], [27, '0', 0]]);
    const cand = runs([[57, '1', 1], [3, '0', 1], [15, '1', 0], [15, '0', 0], [10, 'i', 0]]);
    const d: BatchDataset = { id: 'differential', baseline: base.states, candidate: cand.states,
      labels: [...base.labels.map((y, i) => ['baseline', i, y] as [string, number, number]), ...cand.labels.map((y, i) => ['candidate', i, y] as [string, number, number])] };
    const c = labelCounts(d);
    const input = { states: statesFromStrings(d.baseline, d.candidate), baselineLabels: c.baseline, candidateLabels: c.candidate };
    const shown = compareSystems('rogan-gladen', { ...input, labelLayout: c.layout });
    assert.equal(shown.estimator, 'ppi++');
    assert.equal(shown.verdict, 'do-not-act');
    const message = shown.diagnostics.find((x) => x.code === 'differential-judge')!.message;
    const quoted = /ppi\+\+ \(no assumption on the judge\) gives (-?[\d.]+) points \[(-?[\d.]+), (-?[\d.]+)\]/.exec(message)!;
    const pct = (x: number): string => (100 * x).toFixed(1);
    assert.deepEqual(quoted.slice(2), [pct(shown.difference!.lo), pct(shown.difference!.hi)], message);
    // METHOD §5 as written gives another interval here, so the message would have quoted a number not shown anywhere.
    const method = compareSystems('ppi++', input).difference!;
    assert.notDeepEqual([pct(method.lo), pct(method.hi)], quoted.slice(2));
  });
});
