import type * as vscode from 'vscode';

/** Native prompt files. */
export const promptSelector: vscode.DocumentSelector = [{ language: 'prompt-adapt' }];
/** Imported prompt formats we read (not own): diagnostics and completion, but no language claim. */
export const importedPromptSelector: vscode.DocumentSelector = [
  { pattern: '**/*.prompty' }, { pattern: '**/*.prompt' },
];
export const projectSelector: vscode.DocumentSelector = [{ pattern: '**/prompt-adapt.yml' }];

export const PROJECT_FILE = 'prompt-adapt.yml';
