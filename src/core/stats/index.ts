// Public API of the statistics engine (METHOD.md): calibration, estimators, diagnostics, decisions, planner.
// Results are plain data: fractions, intervals and {code, message, severity} diagnostics.
export type { CompareInput, CompareResult, Confusion, CrossCheck, Diagnostic, DiagnosticCode, EstimateOptions, EstimatorId,
  OneSystemInput, OneSystemResult, PairedTable, Summary } from './types';
export type { EstimatorDescriptor, LabelNeed } from './estimators';
export { DEFAULT_ESTIMATOR, ESTIMATORS, estimatorInfos, estimatorOf, estimatorUsage, isEstimatorId } from './estimators';
export type { Calibration, RatePosterior } from './calibration';
export { calibrate, labelDiagnostics, MIN_CLASS_LABELS, pTprLeFpr, UNINFORMATIVE_THRESHOLD } from './calibration';
export { addConfusion, compareSystems, DEFAULT_DRAWS, estimateOne } from './estimate';
export type { JudgeFreeCheck, NonDifferentialTest } from './diagnostics';
export { differentialDiagnostics, DISAGREEMENT_ALPHA, fisherExact, holm, judgeFreeCheck, MIN_SYSTEM_LABELS, nonDifferentialTest, RELIABLE_CLASS_LABELS, STRONG_DISAGREEMENT_ALPHA } from './diagnostics';
export type { CorrectnessDecision, CorrectnessDecisions } from './correctnessRule';
export { decideCorrectness } from './correctnessRule';
export type { LabelRequest, Plan, PlanInput, Stratum } from './planner';
export { nextLabels, plan } from './planner';
export type { ConfusionJoin, JudgedCounts, PairedJoin, VerdictFilter } from './records';
export { confusionFromRecords, judgedFromRecords, pairedFromRecords } from './records';
export { pairedStats } from './paired';
export { Rng } from './random';
