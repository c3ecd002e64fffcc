// The commented starter project file that "Create Project File" writes.

/** A starter prompt-adapt.yml: every section present, each explained, nothing that needs a secret. */
export function projectScaffold(opts: { prompt?: string; testSetPath?: string } = {}): string {
  const prompt = opts.prompt ?? 'prompts/qa.prompt.yml';
  const testSet = opts.testSetPath ?? 'data/test.jsonl';
  return `# Prompt Adapt project: what to compare, on which data, and how to decide.
# This file is shared with your team. It names endpoint ids only; the endpoints themselves (URLs,
# regions, profiles) live in your user settings under "promptAdapt.endpoints", keys in secret storage.

# The system you are migrating from: a prompt and the candidate it runs on today.
baseline: { prompt: ${prompt}, candidate: current }

# Models to compare. 'endpoint' is an endpoint id from your user settings.
candidates:
  - id: current
    endpoint: openai
    model: gpt-4o-mini
    price: { inputPerMTok: 0.15, outputPerMTok: 0.6 }
  # - id: replacement
  #   endpoint: bedrock
  #   model: us.amazon.nova-2-lite-v1:0
  #   regions: [us-east-1, eu-central-1]
  #   price: { inputPerMTok: 0.06, outputPerMTok: 0.24 }

# Test sets: JSONL, CSV or a JSON array. 'fields' maps template variables to the file's fields.
testSets:
  - id: main
    path: ${testSet}
    fields: { id: id, context: context, question: question, groundTruth: answer }

# How outputs are scored. Judges are models too (named by endpoint id).
metrics:
  - { id: token_f1, kind: token-f1, threshold: 0.5 }
  # - { id: context_correctness, kind: judge, rubric: context, judge: { endpoint: openai, model: gpt-4.1 } }

# Style rules, shown as diagnostics on outputs and prompts.
style:
  phrases: ["according to", "the sources", "the knowledge", "the information provided"]
  maxWords: 150
  completeSentences: true

# When a candidate is good enough (all rates are fractions).
decision:
  primaryMetric: token_f1
  estimator: auto          # the estimator the labels support; pin one (rogan-gladen, ppi++, ...) to override
  level: 0.9
  nonInferiorityMargin: 0.02
  maxIdkIncrease: 0.03
  maxLatencyRatio: 1.25
  maxSchemaFailure: 0.02
  maxBadStyle: 0.02
`;
}
