// The custom protocol between the server and the VS Code client, defined once: method names, their
// parameter and result types, and the client commands the server's lenses invoke. Only constants
// and types here (type imports vanish from the client's bundle), so the client can import it.
import type { Location, Position } from 'vscode-languageserver';
import type { GraphEdge, GraphNode } from '../conflicts/graph.ts';
import type { AdmissionPreview } from '../engine/preview.ts';

/** Server → client notification: the status item's content. */
export const STATUS_NOTIFICATION = 'kyverno/status';

export interface StatusParams {
  indexing: boolean;
  policies: number;
  conflicts: number;
  /** While indexing: what the background pass is at ("indexing 300/1148 files", "checking cronjob/blocked-by-policy (5/14)"). */
  progress?: string;
}

/** Client → server request: the workspace's conflict graph, for the conflict tree view. */
export const CONFLICTS_REQUEST = 'kyverno/conflicts';

export interface ConflictsNode extends Omit<GraphNode, 'file' | 'span'> {
  location?: Location;
}

export interface ConflictsResult {
  revision: number;
  nodes: ConflictsNode[];
  edges: GraphEdge[];
}

/** Client → server request: the admission pipeline of the resource under the cursor, or of a witness of a kind. */
export const ADMISSION_PREVIEW_REQUEST = 'kyverno/admissionPreview';

export type AdmissionPreviewParams = { uri: string; position?: Position } | { kind: string };

export interface AdmissionPreviewResult {
  /** What was admitted: `web.yaml` (a workspace resource) or `a minimal Pod`. */
  source: string;
  preview: AdmissionPreview;
  markdown: string;
}

/** `workspace/executeCommand`: re-read the settings and re-index; answers the new status. */
export const REINDEX_COMMAND = 'kyverno.server.reindex';
/** Client command a lens invokes: show these rules, or the objects a validation denies (VS Code: the references peek). */
export const SHOW_RULES_COMMAND = 'kyverno.showRules';
/** Client command a lens invokes: open the workspace conflict view. */
export const SHOW_CONFLICTS_COMMAND = 'kyverno.showConflicts';
