// The run engine behind the "Train" button (issue 4). No Electron imports: used by IPC handlers, the
// headless CLI (src/main/cli/sft-cli.ts), tests and the bench. Types for the renderer: src/shared/runs.ts.
export {
  startRun,
  resumeRun,
  parseRunConfig,
  activeRun,
  connectFor,
  type RunDeps,
  type RunHandle,
  type RunOptions,
} from './runner'
export { startSweep, getSweep, listSweeps, recommend, type SweepSpec, type SweepHandle } from './sweep'
export { sampleCompare, samplerCheckpoint, type SampleOptions } from './sample'
export { exportRun, metricsCsv, configJson, pythonScript, datumsJsonl, DATUMS_FORMAT, type ExportKind, type PythonScriptFacts } from './exports'
export { runExamples, heldOutPrompts, type RunExample, type RunExamples } from './reproduce'
export { keptPaths, bestSampler, finalSampler } from './checkpoints'
export { checkpointUsage, cleanupCheckpoints, type DiskDeps } from './disk'
export { compareGenerations, type GenerationOptions } from './generations'
export { recoverInterruptedRuns, deleteRun, compareRuns, pauseRun, continueRun, stopRun, cancelRun } from './history'
export {
  listRuns,
  getRunSummary,
  getRunDetail as getRun,
  getMetricsDto as getRunMetrics,
  getCheckpoints,
  renameRun,
  runsByServerModelIds,
  runRowFacts,
  checkpointsByPaths,
  localRunsOnServer,
  type LocalServerRun,
  type ServerLink,
} from './store'
export { getResumeHistory } from './resume-history'
export { uniqueRunName } from './run-names'
export { BatchStream, maskedNll, splitTrainEval, seededPermutation } from './data'
export { bundledDatasetPath, BUNDLED_DATASET_NAME, DEFAULT_HUB_DATASET } from './bundled'
