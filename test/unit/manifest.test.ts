import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { CommandId } from '../../src/vscode/commands/ids';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));

suite('package.json manifest', () => {
  test('contributes exactly the commands of the code table', () => {
    const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(contributed, Object.values(CommandId).sort());
  });

  test('every command has the Prompt Adapt category and a title', () => {
    for (const c of manifest.contributes.commands) {
      assert.equal(c.category, 'Prompt Adapt', c.command);
      assert.ok(c.title && !c.title.startsWith('Prompt Adapt'), `${c.command}: the category already prefixes the title`);
    }
  });

  test('menus and welcome views only name contributed commands', () => {
    const known = new Set(Object.values(CommandId) as string[]);
    const menus = Object.values(manifest.contributes.menus as Record<string, { command: string }[]>).flat();
    for (const m of menus) assert.ok(known.has(m.command), `menu names unknown command ${m.command}`);
    for (const w of manifest.contributes.viewsWelcome) {
      for (const [, id] of (w.contents as string).matchAll(/\(command:([\w.]+)\)/g)) assert.ok(known.has(id!), `welcome view names ${id}`);
    }
  });

  test('the walkthrough names contributed commands and existing pages', () => {
    const known = new Set(Object.values(CommandId) as string[]);
    const steps = manifest.contributes.walkthroughs.flatMap((w: { steps: unknown[] }) => w.steps);
    assert.ok(steps.length >= 6);
    for (const step of steps) {
      for (const [, id] of (step.description as string).matchAll(/\(command:([\w.]+)\)/g)) assert.ok(known.has(id!), `walkthrough names ${id}`);
      for (const e of step.completionEvents ?? []) if (e.startsWith('onCommand:')) assert.ok(known.has(e.slice(10)), e);
      assert.ok(fs.existsSync(path.join(__dirname, '../..', step.media.markdown)), step.media.markdown);
    }
  });

  test('@types/vscode is not newer than engines.vscode (vsce refuses to package otherwise)', () => {
    const engine = manifest.engines.vscode.replace(/^\^/, '').split('.').map(Number);
    const types = manifest.devDependencies['@types/vscode'].replace(/^[\^~]/, '').split('.').map(Number);
    assert.ok(types[0] < engine[0] || (types[0] === engine[0] && types[1] <= engine[1]), `${types} > ${engine}`);
  });

  test('configuration is a list of titled sections and endpoint settings are application-scoped', () => {
    assert.ok(Array.isArray(manifest.contributes.configuration));
    for (const section of manifest.contributes.configuration) assert.ok(section.title);
    const endpoints = manifest.contributes.configuration.flatMap((s: any) => Object.entries(s.properties))
      .find(([k]: [string]) => k === 'promptAdapt.endpoints');
    assert.equal(endpoints[1].scope, 'application');
  });

  test('the package is an allow-list that ships the bundles', () => {
    const ignore = fs.readFileSync(path.join(__dirname, '../../.vscodeignore'), 'utf8').split('\n').map((l) => l.trim());
    assert.equal(ignore.find((l) => l && !l.startsWith('#')), '**');
    for (const f of ['!dist/extension.js', '!dist/cli.js', '!dist/webview/**', '!package.json', '!README.md', '!LICENSE']) assert.ok(ignore.includes(f), f);
  });
});
