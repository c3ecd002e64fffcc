// Writes the bundled example's test set, examples/support-qa/data/support.jsonl, from supportData.ts
// (without the simulator-only fields). Run after editing the data:
//   node --import tsx scripts/demo/writeTestSet.ts
import fs from 'node:fs';
import path from 'node:path';
import { supportExamples, testSetLine } from './supportData';

/** Where the test set lives, and its expected content. */
export const TEST_SET_PATH = path.resolve(import.meta.dirname, '../../examples/support-qa/data/support.jsonl');
export const testSetText = (): string => supportExamples().map(testSetLine).join('\n') + '\n';

if (process.argv[1] && /writeTestSet\.[cm]?[jt]s$/u.test(process.argv[1])) {
  fs.writeFileSync(TEST_SET_PATH, testSetText());
  console.log(`wrote ${path.relative(process.cwd(), TEST_SET_PATH)} (${supportExamples().length} examples)`);
}
