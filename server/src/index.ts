// The analysis core's public surface, bundled as dist/core.js for benchmarks and embedding.
export { analyzeWorkspace, analyzeWorkspaceInParallel, loadConfig, LineIndexes } from './analysis.ts';
export { WorkspaceIndex } from './workspace/index.ts';
export { runDocumentChecks, runWorkspaceChecks } from './checks/run.ts';
export { WorkspacePass } from './checks/workspacePass.ts';
export { allChecks } from './checks/registry.ts';
export { defaultConfig, parseConfig } from './workspace/config.ts';
export { discoverFiles } from './workspace/discover.ts';
// The very `yaml` the analyzer bundles, so benchmarks compare against the same parser instance.
export { parseAllDocuments } from 'yaml';
