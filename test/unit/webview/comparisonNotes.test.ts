import { strict as assert } from 'node:assert';
import { installDom } from './setup';
import { rowNotes } from '../../../webview/views/comparisonView';

suite('comparison notes', () => {
  setup(() => { installDom(); });
  test('the same diagnostic on several systems is one line naming them', () => {
    const note = { code: 'few-labels-per-system', severity: 'warning' as const, message: 'Too few labels per system.' };
    const rows = [{ systemId: 'a', notes: [note] }, { systemId: 'b', notes: [note, { code: 'x', severity: 'error' as const, message: 'Other.' }] }];
    const list = rowNotes(rows as never)!;
    const items = [...list.querySelectorAll('li')].map((li) => li.textContent);
    assert.deepEqual(items, ['Warning: a, b: Too few labels per system.', 'Do not act on this: b: Other.']);
  });
});
