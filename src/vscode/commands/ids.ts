/** Every command id, written once. package.json `contributes.commands` mirrors this (a unit test checks). */
export const CommandId = {
  runPrompt: 'promptAdapt.runPrompt',
  runAgain: 'promptAdapt.runAgain',
  cancelRun: 'promptAdapt.cancelRun',
  cancelBatchJobs: 'promptAdapt.cancelBatchJobs',
  configureEndpoint: 'promptAdapt.configureEndpoint',
  compareWithBaseline: 'promptAdapt.compareWithBaseline',
  newVariant: 'promptAdapt.newVariant',
  openOutputs: 'promptAdapt.openOutputs',
  createProjectFile: 'promptAdapt.createProjectFile',
  refreshExplorer: 'promptAdapt.refreshExplorer',
  showLog: 'promptAdapt.showLog',
  openExample: 'promptAdapt.openExample',
  startSimulatedServer: 'promptAdapt.startSimulatedServer',
  reviewOutputs: 'promptAdapt.reviewOutputs',
  showResultsGrid: 'promptAdapt.showResultsGrid',
  labelOutputs: 'promptAdapt.labelOutputs',
  labelCorrect: 'promptAdapt.labelCorrect',
  labelIncorrect: 'promptAdapt.labelIncorrect',
  labelUnsure: 'promptAdapt.labelUnsure',
  exportReport: 'promptAdapt.exportReport',
  quickCheck: 'promptAdapt.quickCheck',
  adapt: 'promptAdapt.adapt',
} as const;

export type CommandIdValue = (typeof CommandId)[keyof typeof CommandId];
