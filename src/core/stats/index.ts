// Public API of the statistics engine (METHOD.md): calibration, estimators, diagnostics, decisions, planner.
// Results are plain data: fractions, intervals and {code, message, severity} diagnostics.
export type { BesideResult, CompareInput, CompareResult, Confusion, ConfusionCell, CrossCheck, Diagnostic, DiagnosticCode, EstimateOptions, EstimatorChoice, EstimatorId,
  LabelLayout, LabelSide, OneSystemInput, OneSystemResult, PairedTable, Summary, Verdict } from './types';
export { emptyLabelLayout } from './labelLayout';
export type { EstimatorDescriptor, LabelNeed } from './estimators';
export { DEFAULT_ESTIMATOR, ESTIMATOR_CHOICES, ESTIMATORS, estimatorInfos, estimatorOf, estimatorUsage, isEstimatorId } from './estimators';
export type { OutputState, StateMoments, StateTable, SystemStates } from './stateTable';
export { emptyStates, STATE_CELLS, stateMoments, statesFromPaired, statesFromStrings, verdictMargins } from './stateTable';
export { chooseForOne, chooseForPair, HUMAN_ONLY_MIN_LABELS, PPI_MIN_CLASS_LABELS, PPI_MIN_LABELS } from './auto';
export { rangeInWords, signedPp, VERDICT_WORDS, verdictLine, verdictOf } from './verdict';
export type { Calibration, RatePosterior } from './calibration';
export { calibrate, labelDiagnostics, MIN_CLASS_LABELS, pTprLeFpr, UNINFORMATIVE_THRESHOLD } from './calibration';
export { addConfusion, compareSystems, DEFAULT_DRAWS, estimateOne } from './estimate';
export type { JudgeFreeCheck, NonDifferentialTest } from './diagnostics';
export { differentialDiagnostics, DISAGREEMENT_ALPHA, fisherExact, holm, judgeFreeCheck, MIN_SYSTEM_LABELS, nonDifferentialTest, STRONG_DISAGREEMENT_ALPHA } from './diagnostics';
export type { CorrectnessDecision, CorrectnessDecisions } from './correctnessRule';
export { decideCorrectness } from './correctnessRule';
export type { LabelRequest, Plan, PlanInput, Stratum } from './planner';
export { nextLabels, plan } from './planner';
export type { ConfusionJoin, JudgedCounts, PairedJoin, VerdictFilter } from './records';
export { confusionFromRecords, judgedFromRecords, pairedFromRecords } from './records';
export { pairedStats } from './paired';
export { Rng } from './random';
