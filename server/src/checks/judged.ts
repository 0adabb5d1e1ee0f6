// Which files the checks judge. A leaf module: the runner (run.ts) gates every report with it, and
// a check that can skip work on files nobody judges (hygiene/orphan) asks it without importing the
// runner, which imports the registry that lists the check.
import type { FileId } from '../findings.ts';
import type { IndexedFile } from '../workspace/document.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import type { AnalyzerConfig } from '../workspace/config.ts';

/**
 * Whether checks judge this file: workspace files; test data only when `checkTestData` asks (its
 * resources are deliberately bad inputs, and its policies are variants); assertions never.
 */
export function isCheckedFile(file: Pick<IndexedFile, 'role'>, config: AnalyzerConfig): boolean {
  return file.role === 'workspace' || (file.role === 'test-data' && config.checkTestData);
}

/** For cross-file checks: a finding on a file the checks do not judge (test data) is dropped. */
export function uncheckedFilesOf(index: WorkspaceIndex): (file: FileId) => boolean {
  return (file) => {
    const indexed = index.getFile(file);
    return indexed !== undefined && (indexed.role === 'test-data' || indexed.role === 'test-assertion') && !isCheckedFile(indexed, index.config);
  };
}
