import { strict as assert } from 'node:assert';
import path from 'node:path';
import { ESLint } from 'eslint';

// The layering (vscode -> core -> protocol <- webview, cli -> core) and the one-gateway-per-library rule
// are enforced by eslint.config.mjs; these cases prove the rules fire rather than pass vacuously.
const root = path.join(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function ruleMessages(file: string, code: string, ruleId: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId === ruleId).map((m) => m.message);
}
const restricted = (file: string, code: string): Promise<string[]> => ruleMessages(file, code, 'no-restricted-imports');

suite('architecture rules (lint)', function () {
  this.timeout(60_000);
  const cases: [string, string, boolean][] = [
    ['src/core/stats/x.ts', "import * as vscode from 'vscode';\nexport const v = vscode;", true],
    ['src/protocol/x.ts', "import { a } from '../core/errors';\nexport const v = a;", true],
    ['src/protocol/x.ts', "import type { ComparisonReport } from './comparison';\nexport type V = ComparisonReport;", false],
    ['src/protocol/x.ts', "import fs from 'node:fs';\nexport const v = fs;", true],
    ['src/cli/x.ts', "import * as vscode from 'vscode';\nexport const v = vscode;", true],
    ['webview/x.ts', "import { toMessage } from '../src/core/errors';\nexport const v = toMessage;", true],
    ['webview/x.ts', "import { PROTOCOL_VERSION } from '../src/protocol/messages';\nexport const v = PROTOCOL_VERSION;", false],
    ['src/vscode/x.ts', "import { jStat } from 'jstat';\nexport const v = jStat;", true],
    ['src/core/stats/jstat.ts', "import { jStat } from 'jstat';\nexport const v = jStat;", false],
    ['src/core/stats/other.ts', "import { v } from './jstat';\nexport const w = v;", false],
    ['src/core/runner/x.ts', "import OpenAI from 'openai';\nexport const v = OpenAI;", true],
    ['src/core/runner/x.ts', "import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';\nexport const v = ConverseCommand;", true],
    ['src/core/batch/x.ts', "import { S3Client } from '@aws-sdk/client-s3';\nexport const v = S3Client;", true],
    ['src/core/providers/bedrock.ts', "import { BedrockClient } from '@aws-sdk/client-bedrock';\nexport const v = BedrockClient;", true],
    ['src/core/providers/bedrockBatchApi.ts', "import { BedrockClient } from '@aws-sdk/client-bedrock';\nexport const v = BedrockClient;", false],
    ['src/core/providers/bedrockBatchApi.ts', "import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';\nexport const v = ConverseCommand;", true],
    ['webview/views/x.ts', "import { provideVSCodeDesignSystem } from '@vscode/webview-ui-toolkit';\nexport const v = provideVSCodeDesignSystem;", true],
    ['webview/ui/x.ts', "import { provideVSCodeDesignSystem } from '@vscode/webview-ui-toolkit';\nexport const v = provideVSCodeDesignSystem;", false],
    // prompt/ and project/ do not import each other in a cycle: project/ may use prompt/, not the reverse.
    ['src/core/prompt/x.ts', "import type { ProjectFile } from '../project/types';\nexport type V = ProjectFile;", true],
    ['src/core/prompt/x.ts', "import { Reporter } from '../fileProblems/reporter';\nexport const v = Reporter;", false],
    ['src/core/prompt/x.ts', "import * as vscode from 'vscode';\nexport const v = vscode;", true],
    ['src/core/project/x.ts', "import { renderExample } from '../prompt/render';\nexport const v = renderExample;", false],
    ['src/core/fileProblems/x.ts', "import type { PromptFile } from '../prompt/types';\nexport type V = PromptFile;", true],
  ];
  for (const [file, code, banned] of cases) {
    test(`${file}: ${code.split('\n')[0]} is ${banned ? 'rejected' : 'allowed'}`, async () => {
      const messages = await restricted(file, code);
      assert.equal(messages.length > 0, banned, messages.join('; ') || 'no restriction reported');
    });
  }

  const read = "import * as vscode from 'vscode';\nexport const v = vscode.workspace.getConfiguration('promptAdapt').get('runs.maxConcurrency');";
  test('settings are read only through src/vscode/settings.ts', async () => {
    assert.match((await ruleMessages('src/vscode/runs/x.ts', read, 'no-restricted-syntax')).join(), /src\/vscode\/settings\.ts/);
    assert.deepEqual(await ruleMessages('src/vscode/settings.ts', read, 'no-restricted-syntax'), []);
  });
});

// The store-files rule: only src/core/store (and the listed readers of non-store files) may use node:fs.
const storeFilesRule = async (file: string, code: string): Promise<string[]> =>
  (await ruleMessages(file, code, 'no-restricted-syntax')).filter((m) => m.startsWith('store-files rule'));

suite('architecture rules (lint): store files', function () {
  this.timeout(60_000);
  const cases: [string, string, boolean][] = [
    ['src/core/compare/x.ts', "import fs from 'node:fs';\nexport const v = fs;", true],
    ['src/core/review/x.ts', "import { readFile } from 'node:fs/promises';\nexport const v = readFile;", true],
    ['src/core/runner/x.ts', "import * as fs from 'fs';\nexport const v = fs;", true],
    ['src/core/metrics/x.ts', "export const v = require('node:fs');", true],
    ['src/core/metrics/x.ts', "export const v = import('fs/promises');", true],
    ['src/vscode/outputs/x.ts', "import fs from 'node:fs';\nexport const v = fs;", true],
    ['src/cli/commands/judge.ts', "import fs from 'node:fs';\nexport const v = fs;", true],
    ['src/core/store/x.ts', "import fs from 'node:fs';\nexport const v = fs;", false],
    ['src/core/project/testSet.ts', "import { createReadStream } from 'node:fs';\nexport const v = createReadStream;", false],
    ['src/core/compare/x.ts', "import path from 'node:path';\nexport const v = path;", false],
    ['src/vscode/settings.ts', "import fs from 'node:fs';\nexport const v = fs;", true],
  ];
  for (const [file, code, banned] of cases) {
    test(`${file}: ${code.split('\n')[0]} is ${banned ? 'rejected' : 'allowed'}`, async () => {
      const messages = await storeFilesRule(file, code);
      assert.equal(messages.length > 0, banned, messages.join('; ') || 'no store-files rule reported');
    });
  }
});
