// Public API of the comparison: every candidate and prompt variant against its reference, per test set.
export { buildComparison, compareProject, type CompareOptions } from './buildComparison';
