// What every estimator provides, and the helpers several of them share. One file per estimator sits next to
// this one; `index.ts` is the table that lists them.
import { labelDiagnostics, pTprLeFpr, UNINFORMATIVE_THRESHOLD, uninformativeDiagnostic } from '../calibration';
import type { Rng } from '../random';
import type { StateMoments, StateTable, SystemStates } from '../stateTable';
import { closedSummary, normalAbove } from '../summary';
import type { BesideResult, CompareResult, Confusion, CrossCheck, Diagnostic, EstimatorChoice, EstimatorId, LabelLayout, Summary } from '../types';

/** Options after defaults were applied and checked. */
export interface ResolvedOptions { level: number; draws: number; seed: number; margin: number }

/** Which human labels an estimator works from. */
export type LabelNeed =
  /** A confusion matrix of human labels against verdicts (answered outputs), pooled across the systems. */
  | 'pooled'
  /** Each compared system's own labelled answered outputs. */
  | 'per-system'
  /** No labels: the verdicts are taken at face value. */
  | 'none'
  /** Whichever the labels support (`auto`). */
  | 'chosen';

/** Inputs of a one-system estimate, after the shared checks. Estimators push their notes onto `diagnostics`. */
export interface OneSystemContext {
  confusion: Confusion;
  /** This system's own labels, when it has any. */
  labels?: Confusion;
  /** Its outputs by state: answered and judged correct / incorrect, IDK. */
  states: SystemStates;
  options: ResolvedOptions;
  rng: Rng;
  diagnostics: Diagnostic[];
}

/** Inputs of a paired comparison (candidate − baseline), after the shared checks. */
export interface CompareContext {
  states: StateTable;
  moments: StateMoments;
  /** Pooled calibration labels (answered outputs), when any were given. */
  confusion?: Confusion;
  baselineLabels?: Confusion;
  candidateLabels?: Confusion;
  /** Which questions are labelled on which system, when known. */
  labelLayout?: LabelLayout;
  options: ResolvedOptions;
  rng: Rng;
  diagnostics: Diagnostic[];
}

/** The estimator-specific part of a one-system result; `estimate.ts` adds the shared fields. */
export interface OneSystemPart {
  estimate?: Summary;
  draws: number;
  rejectedFraction?: number;
  crossCheck?: CrossCheck;
  /** For `auto`: the estimator it chose and why. */
  chosen?: { estimator: EstimatorId | 'none'; reason: string };
}

/** The estimator-specific part of a comparison; without `difference`, `none` says why there is no estimate. */
export interface ComparePart extends Pick<CompareResult, 'difference' | 'pBetter' | 'pNotInferior' | 'draws' | 'rejectedFraction' | 'crossCheck'> {
  none?: string;
  /** For `auto`: the estimator it chose and why, and what it shows beside it. */
  chosen?: { estimator: EstimatorId | 'none'; reason: string };
  beside?: BesideResult[];
}

/** One estimator: everything the CLI, the schema, the panel and the comparison need to know about it. */
export interface EstimatorDescriptor {
  id: EstimatorChoice;
  /** Short name for selectors and reports. */
  displayName: string;
  /** One sentence: what it does and when to use it. */
  explanation: string;
  labels: LabelNeed;
  estimateOne(ctx: OneSystemContext): OneSystemPart;
  compare(ctx: CompareContext): ComparePart;
}

/** Label-count and informativeness diagnostics of a pooled calibration. */
export function calibrationDiagnostics(c: Confusion): Diagnostic[] {
  const out = labelDiagnostics(c);
  const p = pTprLeFpr(c);
  if (p > UNINFORMATIVE_THRESHOLD) out.push(uninformativeDiagnostic(p));
  return out;
}

export const labelTotal = (c: Confusion | undefined): number => (c ? c.tp + c.fn + c.fp + c.tn : 0);

/** A closed-form result: the point, its interval, and P(better) / P(not inferior) from a normal with `se`. */
export function closedPart(estimate: number, se: number, lo: number, hi: number, margin: number): ComparePart {
  return { difference: closedSummary(estimate, lo, hi), pBetter: normalAbove(estimate, se, 0), pNotInferior: normalAbove(estimate, se, -margin), draws: 0 };
}

/** Both systems' own labels, or the reason an estimator that needs them gives no estimate. */
export function bothSystemsLabels(ctx: CompareContext, estimator: EstimatorId): [Confusion, Confusion] | string {
  if (ctx.baselineLabels && ctx.candidateLabels) return [ctx.baselineLabels, ctx.candidateLabels];
  return `${estimator} needs labelled outputs of both systems; ${!ctx.baselineLabels ? 'the baseline' : 'the candidate'} has none`;
}

export function uncalibrated(): Diagnostic {
  return { code: 'uncalibrated', severity: 'info', message: 'Uncalibrated: raw judge verdicts, taking the judge to be always right.' };
}
