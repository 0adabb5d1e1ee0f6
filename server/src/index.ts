// The analysis core's public surface, bundled as dist/core.js for benchmarks and embedding.
export { analyzeWorkspace, loadConfig, LineIndexes } from './analysis.ts';
export { WorkspaceIndex } from './workspace/index.ts';
export { runDocumentChecks, runWorkspaceChecks } from './checks/run.ts';
export { allChecks } from './checks/registry.ts';
export { defaultConfig, parseConfig } from './workspace/config.ts';
