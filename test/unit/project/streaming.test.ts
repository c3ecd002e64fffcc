// Streaming a 200 MB / 100k-row test set without holding it in memory. Writing 400 MB to the temp folder is
// too slow for every run, so this suite runs only with PROMPT_ADAPT_BIG_TEST=1.
import { strict as assert } from 'node:assert';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { countRows, readExamples } from '../../../src/core/project';

const ROWS = 100_000;
const MB = 1024 * 1024;

/** Writes `ROWS` rows of about 2 KB each, respecting back-pressure so the writer itself stays small. */
async function generate(file: string, row: (i: number) => string, header = ''): Promise<void> {
  const out = createWriteStream(file);
  if (header) out.write(header);
  for (let i = 0; i < ROWS; i++) {
    if (!out.write(row(i))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

const filler = (i: number): string => `${'lorem ipsum dolor sit amet '.repeat(75)}#${i}`;

async function measure(file: string, fields: Record<string, string>): Promise<{ rows: number; growthMb: number; seconds: number; sizeMb: number }> {
  const sizeMb = (await stat(file)).size / MB;
  const base = process.memoryUsage().rss;
  let peak = base;
  let rows = 0;
  const t0 = Date.now();
  for await (const e of readExamples({ path: file, fields })) {
    rows++;
    if (rows % 1000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    if (rows === 1) assert.ok(e.id);
  }
  return { rows, growthMb: (peak - base) / MB, seconds: (Date.now() - t0) / 1000, sizeMb };
}

(process.env.PROMPT_ADAPT_BIG_TEST ? suite : suite.skip)('streaming a 200 MB test set', function () {
  this.timeout(180_000);
  const dir = os.tmpdir();
  const jsonl = path.join(dir, `prompt-adapt-big-${process.pid}.jsonl`);
  const csv = path.join(dir, `prompt-adapt-big-${process.pid}.csv`);
  suiteTeardown(async () => { await rm(jsonl, { force: true }); await rm(csv, { force: true }); });

  test('JSONL: 100k rows, bounded memory', async () => {
    await generate(jsonl, (i) => `${JSON.stringify({ id: `r${i}`, context: filler(i), question: `q${i}?`, answer: `a${i}` })}\n`);
    const r = await measure(jsonl, { id: 'id', context: 'context', question: 'question' });
    console.log(`      JSONL ${r.sizeMb.toFixed(0)} MB, ${r.rows} rows in ${r.seconds.toFixed(1)} s, peak RSS growth ${r.growthMb.toFixed(1)} MB`);
    assert.equal(r.rows, ROWS);
    assert.ok(r.sizeMb >= 200);
    assert.ok(r.growthMb < 100, `RSS grew by ${r.growthMb} MB`);
    assert.equal(await countRows({ path: jsonl }), ROWS);
  });

  test('CSV: 100k rows with quoted multi-line fields, bounded memory', async () => {
    await generate(csv, (i) => `r${i},"${filler(i)}\nsecond line, with ""quotes""",q${i}?\n`, 'id,context,question\n');
    const r = await measure(csv, { id: 'id', context: 'context', question: 'question' });
    console.log(`      CSV ${r.sizeMb.toFixed(0)} MB, ${r.rows} rows in ${r.seconds.toFixed(1)} s, peak RSS growth ${r.growthMb.toFixed(1)} MB`);
    assert.equal(r.rows, ROWS);
    assert.ok(r.growthMb < 100, `RSS grew by ${r.growthMb} MB`);
    assert.equal(await countRows({ path: csv }), ROWS);
  });
});
