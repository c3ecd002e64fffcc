// The project API in one import, for the editor and the CLI.
export * from './types';
export { parseProjectFile, loadProjectFile, PROJECT_FILE_NAME, testSetFormatOf, nodeAt, type ParsedProject } from './parseProject';
export { readExamples, validateTestSet, sampleExamples, fieldNames, countRows, testSetSource, rowHash, canonicalJson, formatOf, type TestSetSource, type ReadOptions } from './testSet';
export { testSetVariables, projectVariableSources, findProjectFile, type TestSetVariables } from './workspace';
export { forbiddenKeyKind, forbiddenValueKind } from '../fileProblems/endpointPolicy';
export { projectSchema } from './schemaValidator';
