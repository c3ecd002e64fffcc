// Lint enforces the architecture: vscode -> core -> protocol <- webview, cli -> core,
// and each third-party library enters through exactly one module.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Libraries that may be imported only by the module named here (globs relative to the repo root). */
/** (Package specifiers are matched as bare module names, so a local `./jstat` module is not caught.) */
const gateways = [
  { lib: 'openai', only: ['src/core/providers/openai.ts'] },
  { lib: '@aws-sdk/client-bedrock|@aws-sdk/client-s3', only: ['src/core/providers/bedrockBatchApi.ts'] },
  { lib: '@aws-sdk/(?!client-bedrock$|client-s3$)[^/]+|@smithy/[^/]+', only: ['src/core/providers/bedrock.ts'] },
  { lib: 'fast-xml-parser', only: ['src/core/answer/xml.ts'] },
  { lib: 'jstat', only: ['src/core/stats/jstat.ts'] },
  { lib: 'yaml', only: ['src/core/yaml.ts'] },
  { lib: 'csv-parse', only: ['src/core/project/csv.ts'] },
  { lib: 'ajv', only: ['src/core/project/schemaValidator.ts'] },
  { lib: '@vscode/webview-ui-toolkit', only: ['webview/ui/**'] },
  { lib: 'diff', only: ['webview/wordDiff.ts'] },
];
/**
 * The store-files rule: only src/core/store opens files under `.prompt-adapt/` (through the `Store`). Node's file
 * system module is therefore banned in src/ except in src/core/store and in the modules listed here, which read
 * or write files that are not the store's (workspace inputs, user-named files, reports).
 */
const fsAllowed = [
  'src/core/store/**',
  'src/core/project/testSet.ts', 'src/core/project/workspace.ts', 'src/core/project/parseProject.ts', // the project's inputs
  'src/core/prompt/load.ts',                                                                          // prompt files
  'src/core/batch/uploadFiles.ts',                                                                    // batch upload files in the OS temp folder
  'src/core/workspaceFiles.ts',                                                                       // files a workspace file names (checked before reading)
  'src/core/adapt/files.ts',                                                                          // variant files, the adopted candidate row
  'src/core/runner/runInputs.ts',  // hashes the prompt and test-set files a run was made from (stale results)
  'src/cli/commands/run.ts',      // the endpoints file, the prompt, the --out export
  'src/cli/commands/compare.ts',  // the report file
  'src/cli/commands/validate.ts', // walks the workspace for prompt files
  'src/cli/commands/style.ts',    // the outputs file it checks
  'src/cli/commands/stats.ts',    // the labels/verdicts files the user names
  'src/vscode/example/simulatedServer.ts', // copies the bundled example folder
];
const fsModule = '/^(node:)?fs(\\/promises)?$/';
const storeFilesMessage = "store-files rule: only src/core/store touches the file system for the store; use the Store (src/core/store/store.ts). "
  + 'A module that reads other files belongs in fsAllowed in eslint.config.mjs.';
const storeFiles = [
  { selector: `ImportDeclaration[source.value=${fsModule}]`, message: storeFilesMessage },
  { selector: `ImportExpression[source.value=${fsModule}]`, message: storeFilesMessage },
  { selector: `CallExpression[callee.name='require'][arguments.0.value=${fsModule}]`, message: storeFilesMessage },
];
const settingsReader = { selector: "MemberExpression[property.name='getConfiguration']", message: 'read settings through src/vscode/settings.ts' };

const gatewayPatterns = (except) =>
  gateways.filter((g) => g !== except).map((g) => ({ regex: `^(${g.lib})(/.*)?$`, message: `import this library only in ${g.only.join(', ')}` }));

/**
 * Rooms of src/core that must not import some of their neighbours, so that no cycle can come back:
 * project/ builds on prompt/ (a project names prompts and renders them), never the other way round, and the
 * YAML problem reporting both share lives in fileProblems/, which imports neither.
 */
const roomRules = [
  { room: 'src/core/prompt', banned: ['project'], why: 'prompt/ must not import project/: project/ builds on prompt/ (shared YAML problem reporting is in fileProblems/)' },
  { room: 'src/core/fileProblems', banned: ['prompt', 'project'], why: 'fileProblems/ serves prompt/ and project/ and imports neither' },
];
const coreRestrictions = () => ({
  paths: [{ name: 'vscode', message: 'core, protocol and cli run without VS Code: put editor code in src/vscode' }],
  patterns: [
    { group: ['**/vscode/**', '../vscode', '../../vscode'], message: 'core must not depend on the vscode layer' },
    ...gatewayPatterns(),
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.tools/**', '.prompt-adapt/**', '**/*.d.ts', 'examples/**/.prompt-adapt/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      'no-restricted-imports': ['error', { patterns: gatewayPatterns() }],
    },
  },
  // Each gateway module may import its own library (and nothing else's).
  ...gateways.map((g) => ({ files: g.only, rules: { 'no-restricted-imports': ['error', { patterns: gatewayPatterns(g) }] } })),
  {
    files: ['src/core/**', 'src/protocol/**', 'src/cli/**'],
    rules: { 'no-restricted-imports': ['error', coreRestrictions()] },
  },
  ...roomRules.map((r) => {
    const base = coreRestrictions();
    const banned = r.banned.flatMap((b) => [`../${b}`, `../${b}/**`, `**/core/${b}`, `**/core/${b}/**`]);
    return { files: [`${r.room}/**`], rules: { 'no-restricted-imports': ['error', { ...base, patterns: [...base.patterns, { group: banned, message: r.why }] }] } };
  }),
  ...gateways.filter((g) => g.only.some((p) => p.startsWith('src/core'))).map((g) => ({
    files: g.only,
    rules: { 'no-restricted-imports': ['error', { paths: ['vscode'], patterns: gatewayPatterns(g) }] },
  })),
  // Syntax rules of src/: one settings reader (defaults live in package.json and are applied in one place), and
  // the store-files rule. Both are options of one eslint rule, so each file gets the combination that applies to it.
  { files: ['src/**'], rules: { 'no-restricted-syntax': ['error', settingsReader, ...storeFiles] } },
  { files: ['src/vscode/settings.ts'], rules: { 'no-restricted-syntax': ['error', ...storeFiles] } },
  { files: fsAllowed, rules: { 'no-restricted-syntax': ['error', settingsReader] } },
  {
    files: ['src/protocol/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./[^/]+$)', message: 'protocol imports nothing but its own modules' }] }] },
  },
  {
    files: ['webview/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'the webview talks to the host only through src/protocol messages' }],
        patterns: [
          { group: ['**/src/core/**', '**/src/vscode/**', '**/src/cli/**', 'node:*'], message: 'the webview may import only src/protocol' },
          ...gatewayPatterns(),
        ],
      }],
    },
  },
  // The webview's own gateways (after the webview rule, which they refine): each imports its library and only protocol.
  ...gateways.filter((g) => g.only.every((p) => p.startsWith('webview/'))).map((g) => ({
    files: g.only,
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['vscode'],
        patterns: [
          { group: ['**/src/core/**', '**/src/vscode/**', '**/src/cli/**', 'node:*'], message: 'the webview may import only src/protocol' },
          ...gatewayPatterns(g),
        ],
      }],
    },
  })),
  {
    files: ['test/**', 'bench/**', 'scripts/**', '*.mjs'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-restricted-imports': 'off' },
  },
  {
    files: ['test/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { exports: 'writable', module: 'writable', require: 'readonly', console: 'readonly' } },
  },
  {
    files: ['**/*.mjs', 'scripts/**/*.js', 'test/**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly', window: 'readonly', document: 'readonly' } },
  },
);
