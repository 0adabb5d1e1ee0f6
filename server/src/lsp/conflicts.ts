// The custom request `kyverno/conflicts`: the workspace's conflict graph with LSP locations, for
// the client's conflict tree view. Computed from the current index on each request (the conflict
// set itself is cached per index revision).
import type { Connection } from 'vscode-languageserver';
import type { WorkspaceIndex } from '../workspace/index.ts';
import { conflictGraph } from '../conflicts/graph.ts';
import { workspaceConflicts } from '../checks/conflicts.ts';
import { CONFLICTS_REQUEST, type ConflictsNode, type ConflictsResult } from './protocol.ts';
import { defaultUriOf, toRange } from './convert.ts';

export { CONFLICTS_REQUEST, type ConflictsNode, type ConflictsResult };

export function conflictsResult(index: WorkspaceIndex, uriOf: (file: string) => string = defaultUriOf): ConflictsResult {
  const graph = conflictGraph(index, workspaceConflicts(index));
  const nodes = graph.nodes.map(({ file, span, ...rest }): ConflictsNode => {
    const lines = file ? index.getFile(file)?.lines : undefined;
    return file && span && lines ? { ...rest, location: { uri: uriOf(file), range: toRange(lines, span) } } : rest;
  });
  return { revision: index.revision, nodes, edges: graph.edges };
}

export function registerConflictRequests(connection: Connection, getIndex: () => WorkspaceIndex, uriOf?: (file: string) => string): void {
  connection.onRequest(CONFLICTS_REQUEST, () => conflictsResult(getIndex(), uriOf));
}
