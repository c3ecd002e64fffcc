// The prompt API in one import, for the editor and the CLI.
export * from './types';
export { parsePromptYml, PROMPT_KEYS, ADAPT_KEYS } from './parsePromptYml';
export { parsePrompty, parseDotprompt, parseTemplate, isDotprompt, splitFrontMatter } from './importers';
export { loadPromptFile, parsePromptText, detectPromptFormat, isPromptFileName } from './load';
export { renderMessages, renderContent, renderExample, exampleValues, mappedVariables, unusedVariables, formatValue, MissingVariableError, type RenderResult } from './render';
export { scanTemplate, VARIABLE_NAME, type TemplateScan, type TemplateIssue } from './locate';
export { variableAt, messageAt, completionContext, checkVariables, type CompletionContext, type VariableSources } from './editorSupport';
export { makeVariantText, variantFileName, checkVariantName } from './variant';
