import { countRows, sampleExamples } from '../../core/project/testSet';
import type { Example, TestSetSpec } from '../../core/project/types';

/** Field names from the first rows, the first example and the row count: streamed, never the whole file in memory. */
export async function readTestSetPreview(file: string, spec: TestSetSpec): Promise<{ fields: string[]; sample?: Example; rows?: number; error?: string }> {
  const source = { path: file, format: spec.format, fields: spec.fields, id: spec.id };
  const { examples, problems } = await sampleExamples(source, 20);
  const fields = [...new Set(examples.flatMap((e) => Object.keys(e.fields)))];
  const fatal = examples.length === 0 ? problems.find((p) => p.severity === 'error') : undefined;
  const rows = fatal ? undefined : await countRows(source);
  return { fields, sample: examples[0], rows, error: fatal?.message };
}
