// The workspace's policy interaction map as plain data: policies, their rules, the fields they
// meet on, and one edge per conflict between two rules. The `kyverno/conflicts` request and the
// `graph` CLI command both draw this.
import type { FileId, Span } from '../findings.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import type { Conflict } from './index.ts';
import type { RuleRef } from './facts.ts';
import { witnessName } from './paths.ts';

export interface GraphNode {
  id: string;
  type: 'policy' | 'rule' | 'field';
  label: string;
  /** For rules: the policy node; for fields: none. */
  parent?: string;
  file?: FileId;
  span?: Span;
}

export interface GraphEdge {
  /** The check id: `conflict/mutation-overwrite`, … */
  kind: string;
  severity: 'error' | 'warning';
  from: string;
  to: string;
  /** The field node the rules meet on. */
  field: string;
  /** The witness object: `a Pod`. */
  witness: string;
  message: string;
}

export interface ConflictGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function policyNodeId(owner: RuleRef): string {
  return `policy:${owner.policy.source.file}#${owner.policy.source.docIndex}`;
}

/** The graph of `conflicts` (the workspace's: `checks/conflicts.ts`), with positions from `index`. */
export function conflictGraph(index: WorkspaceIndex, conflicts: readonly Conflict[]): ConflictGraph {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const ruleNode = (owner: RuleRef): string => {
    const pid = policyNodeId(owner);
    if (!nodes.has(pid)) {
      nodes.set(pid, { id: pid, type: 'policy', label: `${owner.policy.kind}/${owner.policy.name}`, file: owner.policy.source.file, span: index.spanOf({ ...owner.policy.source, path: ['metadata', 'name'] }) });
    }
    const rid = `rule:${owner.id}`;
    if (!nodes.has(rid)) nodes.set(rid, { id: rid, type: 'rule', label: owner.rule.name, parent: pid, file: owner.rule.source.file, span: index.spanOf(owner.rule.source) });
    return rid;
  };
  for (const conflict of conflicts) {
    const fid = `field:${conflict.kind}:${conflict.field}`;
    if (!nodes.has(fid)) nodes.set(fid, { id: fid, type: 'field', label: `${conflict.kind === '*' ? '' : `${conflict.kind} `}${conflict.field}` });
    const ids = conflict.sides.map((s) => ruleNode(s.owner));
    for (let i = 1; i < ids.length; i++) {
      edges.push({ kind: conflict.check, severity: conflict.severity, from: ids[0], to: ids[i], field: fid, witness: witnessName(conflict.kind), message: conflict.message });
    }
  }
  return { nodes: [...nodes.values()], edges };
}
