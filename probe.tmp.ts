import path from 'node:path';
import { loadPromptFile } from './src/core/prompt';
import { loadProjectFile, validateTestSet } from './src/core/project';
const BAD = 'test/fixtures/bad';
(async () => {
for (const f of process.argv.slice(2)) {
  const file = path.resolve(BAD, f);
  let probs;
  try {
  if (f.startsWith('project/')) probs = (await loadProjectFile(file)).problems;
  else if (/\.(jsonl|csv|json)$/.test(f)) { const r = await validateTestSet({ path: file }); probs = r.problems; console.log('rows', r.rows); }
  else probs = (await loadPromptFile(file)).problems;
  } catch (e) { console.log(f, 'THREW', (e as Error).message); continue; }
  for (const p of probs) console.log(f, p.code, `${p.range.start.line+1}:${p.range.start.character+1}`, p.message);
}
})();
