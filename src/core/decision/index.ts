// Public API of the decision table (framework steps 2, 4, 5) and the coverage selection (step 6).
export { applyDecisions, correctnessCell, decideRow, decideTestSet, DEFAULT_THRESHOLDS, idkCell, latencyCell, overallOf, PRICE_BASIS,
  requirements, resolveThresholds, schemaCell, selectCandidates, styleCell } from './decisionTable';
export { cheapestCover, EXACT_LIMIT, type CoverChoice, type CoverItem, type CoverResult } from './setCover';
