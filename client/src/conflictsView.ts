// The Explorer's "Kyverno Conflicts" tree: the server's `kyverno/conflicts` graph grouped by policy
// or by field, each conflict led by what differs (the other rule, the field) with its check id as
// description (message as tooltip) and both rules as children; a click puts the cursor on the
// rule's name without selecting anything (the next key typed must not replace the rule). `conflictTree` is the pure data shaping (unit-tested); the view part
// receives the `vscode` API from the extension, so this module loads outside VS Code too.
import type * as vscode from 'vscode';
import type { Location } from 'vscode-languageserver-types';
import type { ConflictsNode, ConflictsResult } from '../../server/src/lsp/protocol.ts';

export const CONFLICTS_VIEW = 'kyverno.conflicts';
/** Opens a rule with the cursor on its name (the tree's click). */
export const REVEAL_COMMAND = 'kyverno.conflicts.reveal';

export type TreeMode = 'policy' | 'field';

export interface ConflictTreeNode {
  /** Unique in the tree (VS Code keeps expansion state by it). */
  id: string;
  type: 'policy' | 'field' | 'conflict' | 'rule';
  label: string;
  description?: string;
  tooltip?: string;
  severity?: 'error' | 'warning';
  /** Where a click goes. */
  location?: Location;
  /** The name the cursor is put on inside `location` (a rule's name). */
  name?: string;
  children: ConflictTreeNode[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The tree for one mode: policies (or fields) → conflicts → the rules on both sides. */
export function conflictTree(graph: Pick<ConflictsResult, 'nodes' | 'edges'>, mode: TreeMode): ConflictTreeNode[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const policyOf = (ruleId: string): ConflictsNode | undefined => {
    const rule = byId.get(ruleId);
    return rule?.parent ? byId.get(rule.parent) : undefined;
  };
  const ruleLabel = (ruleId: string): string => {
    const rule = byId.get(ruleId);
    const policy = policyOf(ruleId);
    return `${policy ? shortPolicy(policy.label) : '?'} › ${rule?.label ?? ruleId}`;
  };
  const side = (id: string, prefix: string, ruleId: string): ConflictTreeNode => {
    const rule = byId.get(ruleId);
    const policy = policyOf(ruleId);
    return { id: `${prefix}/${id}`, type: 'rule', label: ruleLabel(ruleId), description: policy?.label.split('/')[0], tooltip: policy?.label, location: rule?.location ?? policy?.location, name: rule?.label, children: [] };
  };
  const conflictNode = (edgeIndex: number, prefix: string, own?: string): ConflictTreeNode => {
    const edge = graph.edges[edgeIndex]!;
    const id = `${prefix}/e${edgeIndex}`;
    const other = own === undefined ? undefined : own === edge.from ? edge.to : edge.from;
    const field = byId.get(edge.field)?.label ?? edge.field;
    // A 300 px sidebar shows the start of a row: it names what differs, the check id comes after.
    const label = other ? `${field} ↔ ${ruleLabel(other)}` : `${ruleLabel(edge.from)} ↔ ${ruleLabel(edge.to)}`;
    const sides = [side('from', id, edge.from), side('to', id, edge.to)];
    const target = own === edge.to ? sides[1]! : sides[0]!;
    return {
      id,
      type: 'conflict',
      label,
      description: edge.kind,
      tooltip: `${edge.kind} (${edge.severity}) on ${field}, witness ${edge.witness}\n\n${edge.message}`,
      severity: edge.severity,
      location: target.location,
      name: target.name,
      children: sides,
    };
  };
  const sortByLabel = (a: { label: string }, b: { label: string }) => a.label.localeCompare(b.label);

  if (mode === 'policy') {
    const groups = new Map<string, { edge: number; own: string }[]>();
    graph.edges.forEach((edge, i) => {
      for (const ruleId of [edge.from, edge.to]) {
        const policy = policyOf(ruleId);
        if (!policy) continue;
        const list = groups.get(policy.id) ?? [];
        // A conflict between two rules of one policy is listed once under it.
        if (!list.some((x) => x.edge === i)) list.push({ edge: i, own: ruleId });
        groups.set(policy.id, list);
      }
    });
    return [...groups].map(([policyId, items]): ConflictTreeNode => {
      const policy = byId.get(policyId)!;
      const prefix = `policy:${policyId}`;
      const children = items.map(({ edge, own }) => conflictNode(edge, prefix, own));
      return { id: prefix, type: 'policy', label: shortPolicy(policy.label), description: `${policy.label.split('/')[0]} · ${plural(children.length, 'conflict')}`, tooltip: policy.label, severity: worst(children), location: policy.location, children };
    }).sort(sortByLabel);
  }
  const groups = new Map<string, number[]>();
  graph.edges.forEach((edge, i) => groups.set(edge.field, [...(groups.get(edge.field) ?? []), i]));
  return [...groups].map(([fieldId, edges]): ConflictTreeNode => {
    const prefix = `field:${fieldId}`;
    const children = edges.map((e) => conflictNode(e, prefix));
    return { id: prefix, type: 'field', label: byId.get(fieldId)?.label ?? fieldId, description: plural(children.length, 'conflict'), severity: worst(children), children };
  }).sort(sortByLabel);
}

/**
 * Where the cursor goes for a click on a rule spanning [start, end): the value of its `name:` key
 * (searched in the whole text when the span is a CEL policy's spec, whose name is the policy's),
 * else the start of the span.
 */
export function nameOffset(text: string, start: number, end: number, name: string | undefined): number {
  if (!name) return start;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const key = new RegExp(`^[ \\t-]*name:[ \\t]*(["']?)${escaped}\\1[ \\t]*(#|\\r?$)`, 'gm');
  const find = (from: number, to: number) => {
    key.lastIndex = from;
    const m = key.exec(text);
    return m && m.index < to ? m.index + m[0].indexOf(name, m[0].indexOf('name:')) : undefined;
  };
  // From the start of the span's first line: a rule's span starts after its list item's `- `.
  return find(text.lastIndexOf('\n', start - 1) + 1, end) ?? find(0, text.length) ?? start;
}

/** `ClusterPolicy/require-labels` → `require-labels`. */
function shortPolicy(label: string): string {
  return label.slice(label.indexOf('/') + 1);
}

function worst(nodes: ConflictTreeNode[]): 'error' | 'warning' | undefined {
  return nodes.some((n) => n.severity === 'error') ? 'error' : nodes.length ? 'warning' : undefined;
}

// ---- The view ---------------------------------------------------------------------------------

export interface ConflictsViewHandle {
  /** Re-asks the server (the tree reloads only while visible). */
  refresh(): void;
  /** The tree's top level and its rows as VS Code shows them (the extension-host tests click through these). */
  roots(): Promise<ConflictTreeNode[]>;
  treeItem(node: ConflictTreeNode): vscode.TreeItem;
  /** Fed by `kyverno/status`: refreshes when an index pass ends. */
  statusChanged(status: { indexing: boolean; conflicts: number }): void;
}

export function registerConflictsView(
  api: typeof vscode,
  context: vscode.ExtensionContext,
  request: () => Promise<ConflictsResult | undefined>,
  toCodeLocation: (location: Location) => vscode.Location,
): ConflictsViewHandle {
  let mode: TreeMode = context.workspaceState.get<TreeMode>('kyverno.conflictsMode') ?? 'policy';
  const changed = new api.EventEmitter<ConflictTreeNode | undefined>();
  let lastCount: number | undefined;

  const provider: vscode.TreeDataProvider<ConflictTreeNode> = {
    onDidChangeTreeData: changed.event,
    async getChildren(element) {
      if (element) return element.children;
      let result: ConflictsResult | undefined;
      try {
        result = await request();
      } catch (error) {
        view.message = `Could not get the conflicts: ${error instanceof Error ? error.message : String(error)}`;
        return [];
      }
      const roots = result ? conflictTree(result, mode) : [];
      view.message = !result ? 'The Kyverno analyzer is starting…' : roots.length === 0 ? "No conflicts between the workspace's policies." : undefined;
      return roots;
    },
    getTreeItem(node) {
      const item = new api.TreeItem(node.label, node.children.length ? (node.type === 'conflict' ? api.TreeItemCollapsibleState.Collapsed : api.TreeItemCollapsibleState.Expanded) : api.TreeItemCollapsibleState.None);
      item.id = node.id;
      item.description = node.description;
      item.tooltip = node.tooltip ? new api.MarkdownString(undefined).appendText(node.tooltip) : undefined;
      item.contextValue = `kyverno.${node.type}`;
      item.iconPath = iconOf(api, node);
      if (node.location) {
        const location = toCodeLocation(node.location);
        item.command = { title: 'Go to the rule', command: REVEAL_COMMAND, arguments: [location.uri, location.range, node.name] };
      }
      return item;
    },
  };
  const view = api.window.createTreeView(CONFLICTS_VIEW, { treeDataProvider: provider, showCollapseAll: true });
  const setMode = (next: TreeMode) => {
    mode = next;
    void context.workspaceState.update('kyverno.conflictsMode', mode);
    void api.commands.executeCommand('setContext', 'kyverno.conflictsMode', mode);
    view.description = mode === 'policy' ? 'By policy' : 'By field';
    changed.fire(undefined);
  };
  setMode(mode);
  context.subscriptions.push(
    view,
    changed,
    api.commands.registerCommand('kyverno.conflicts.refresh', () => changed.fire(undefined)),
    api.commands.registerCommand(REVEAL_COMMAND, async (uri: vscode.Uri, range: vscode.Range, name?: string) => {
      const document = await api.workspace.openTextDocument(uri);
      const at = document.positionAt(nameOffset(document.getText(), document.offsetAt(range.start), document.offsetAt(range.end), name));
      await api.window.showTextDocument(document, { selection: new api.Range(at, at), preserveFocus: false });
    }),
    api.commands.registerCommand('kyverno.conflicts.byField', () => setMode('field')),
    api.commands.registerCommand('kyverno.conflicts.byPolicy', () => setMode('policy')),
    api.commands.registerCommand('kyverno.conflicts.toggleMode', () => setMode(mode === 'policy' ? 'field' : 'policy')),
    api.commands.registerCommand('kyverno.showConflicts', () => api.commands.executeCommand(`${CONFLICTS_VIEW}.focus`)),
  );
  return {
    refresh: () => changed.fire(undefined),
    roots: async () => (await provider.getChildren()) ?? [],
    treeItem: (node) => provider.getTreeItem(node) as vscode.TreeItem,
    statusChanged: ({ indexing, conflicts }) => {
      if (indexing) return;
      // Every finished pass can change the conflicts (even at the same count): reload when visible.
      lastCount = conflicts;
      view.badge = lastCount ? { value: lastCount, tooltip: plural(lastCount, 'conflict') } : undefined;
      changed.fire(undefined);
    },
  };
}

function iconOf(api: typeof vscode, node: ConflictTreeNode): vscode.ThemeIcon {
  const color = node.severity === 'error' ? new api.ThemeColor('list.errorForeground') : node.severity === 'warning' ? new api.ThemeColor('list.warningForeground') : undefined;
  switch (node.type) {
    case 'policy':
      return new api.ThemeIcon('shield', color);
    case 'field':
      return new api.ThemeIcon('symbol-field', color);
    case 'conflict':
      return new api.ThemeIcon(node.severity === 'error' ? 'error' : 'warning', color);
    default:
      return new api.ThemeIcon('symbol-method');
  }
}
