// The conflict join with every registered conflict check's finders: the one list the checks
// (through their context), the code lens, the `kyverno/conflicts` request and `graph` read.
import type { WorkspaceIndex } from '../workspace/index.ts';
import { conflictsOf, conflictSteps, type Conflict, type ConflictFinder } from '../conflicts/index.ts';
import { allChecks } from './registry.ts';

/** One array for the life of the process: `conflictsOf` caches per index and finder list. */
export const conflictFinders: readonly ConflictFinder[] = allChecks.flatMap((c) => c.conflicts ?? []);

export function workspaceConflicts(index: WorkspaceIndex): Conflict[] {
  return conflictsOf(index, conflictFinders);
}

/** `workspaceConflicts` in steps (the language server's pass steps aside between them). */
export function workspaceConflictSteps(index: WorkspaceIndex): Generator<void, Conflict[]> {
  return conflictSteps(index, conflictFinders);
}
