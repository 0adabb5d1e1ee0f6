// Kept for callers not yet moved to `readWorkspacePath` (safeRead.ts): the same bounded read,
// without confinement to the workspace roots.
import { readWorkspacePath, type ReadResult } from './safeRead.ts';

export type { ReadResult };

export function readWorkspaceFile(path: string, maxBytes: number): ReadResult {
  return readWorkspacePath(path, { roots: [], maxBytes });
}
