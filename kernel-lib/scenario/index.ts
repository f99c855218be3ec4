// Scenarios: a stack and a workload described in a file, run to fio-shaped results.
export { runScenario, loadScenario, powerCut, type RunOptions } from './run.js';
export { parseCutTime, powerCutText, type PowerCutReport, type TargetRecoveryReport } from './power-cut.js';
export { ScenarioResult, type DmsimBlock } from './result.js';
export { scenarioPoint } from './sweep-runner.js';
export { buildStack, baseName, Stack, type DeviceFactory, type StackEntry } from './build.js';
export { validateScenario, type Scenario, type WorkloadSpec, type DeviceSpec } from './schema.js';
export { parseScenarioText, loadScenarioFile, SourceMap } from './load.js';
export { applyOverrides, checkParams, delegatedNamespaces } from './params.js';
export { BlockTrace } from './trace-writer.js';
