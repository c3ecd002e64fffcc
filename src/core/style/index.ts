// Public API of style checking.
export type { Finding, ResolvedStyle, RuleProblem, StyleResult } from './types';
export { DEFAULT_PHRASES, resolveStyle, isDisabled, phraseRuleId, regexRuleId } from './config';
export { StyleChecker, styleStats, median, type StyleCheckerOptions, type StyleStats } from './check';
export { countWords } from './rules';
export { styleRun, styleTextOf, type ResponseStyle, type RunStyle } from './run';
