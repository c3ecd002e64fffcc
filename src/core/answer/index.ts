// Public API of output parsing.
export type { ParsedOutput } from './types';
export { parseOutput, outputStats, type OutputStats } from './parse';
export { parseXmlOutput, parseXmlPath, decodeEntities } from './xml';
export { parseJsonOutput } from './json';
export { parseTextOutput, DEFAULT_IDK_PHRASES, phraseRegExp, stripThinking } from './text';
