// Public API of metrics and judges.
export type { MetricInput, MetricResult } from './types';
export { IDK_RESULT, precheck } from './types';
export { normalizeAnswer, exactMatch, tokenF1, exactMatchMetric, tokenF1Metric } from './lexical';
export { contextJudgeMessages, contradictionJudgeMessages, retryRequest, type JudgePromptInput } from './judgePrompts';
export { parseVerdictReply, parseContradictionReply, type JudgeReading } from './judgeReply';
export { runJudge, combine, judgeName, judgeParams, DEFAULT_JUDGE_PARAMS, type JudgeBackend, type JudgeRequest, type JudgeReply, type JudgeMetricSpec } from './judge';
export { verdictKey, verdictStands } from '../store/verdicts';
export { judgeRun, unusableMetrics, exampleFields, type ExampleFields, type JudgeRunOptions, type JudgeRunSummary, type VerdictCounts } from './evaluate';
export { METRIC_KINDS, metricKindOf, runMetric, type MetricKind, type MetricKindDescriptor } from './kinds';
export { providerJudgeBackend } from './providerBackend';
export { runnerJudgeBackend, type RunnerJudgeBackendOptions } from './runnerBackend';
