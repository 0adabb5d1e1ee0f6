// The conflict tree view's data: the `kyverno/conflicts` graph grouped by policy and by field,
// each conflict (led by what differs, check id after it, message as tooltip) with the rules of both
// sides as children; where a click puts the cursor.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { conflictsResult, type ConflictsResult } from '../../../server/src/lsp/conflicts.ts';
import { conflictTree, nameOffset, type ConflictTreeNode } from '../../../client/src/conflictsView.ts';
import { previewFileName, relativeLinks } from '../../../client/src/admissionPreview.ts';

const at = (line: number) => ({ uri: 'file:///ws/p.yaml', range: { start: { line, character: 0 }, end: { line, character: 4 } } });

/** Two policies overwriting one field, and a third whose validation rejects one of them. */
const graph: ConflictsResult = {
  revision: 1,
  nodes: [
    { id: 'policy:a', type: 'policy', label: 'ClusterPolicy/non-root-true', location: at(3) },
    { id: 'rule:a1', type: 'rule', label: 'set-true', parent: 'policy:a', location: at(6) },
    { id: 'policy:b', type: 'policy', label: 'ClusterPolicy/non-root-false', location: at(20) },
    { id: 'rule:b1', type: 'rule', label: 'set-false', parent: 'policy:b', location: at(23) },
    { id: 'policy:c', type: 'policy', label: 'ValidatingPolicy/require-non-root', location: at(40) },
    { id: 'rule:c1', type: 'rule', label: 'require-non-root', parent: 'policy:c', location: at(45) },
    { id: 'field:Pod:spec.securityContext.runAsNonRoot', type: 'field', label: 'Pod spec.securityContext.runAsNonRoot' },
  ],
  edges: [
    { kind: 'conflict/mutation-overwrite', severity: 'warning', from: 'rule:a1', to: 'rule:b1', field: 'field:Pod:spec.securityContext.runAsNonRoot', witness: 'a Pod', message: 'Both set runAsNonRoot.' },
    { kind: 'conflict/mutation-rejected', severity: 'error', from: 'rule:b1', to: 'rule:c1', field: 'field:Pod:spec.securityContext.runAsNonRoot', witness: 'a Pod', message: 'Every Pod is denied.' },
  ],
};

/** `label (description)` lines, indented by depth: the tree as a person reads it. */
function render(nodes: ConflictTreeNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [`${'  '.repeat(depth)}${n.label}${n.description ? ` (${n.description})` : ''}`, ...render(n.children, depth + 1)]);
}

describe('conflict tree', () => {
  it('by policy: each policy lists its conflicts, led by the field and the other side (check id after), with both rules as children', () => {
    assert.deepEqual(render(conflictTree(graph, 'policy')), [
      'non-root-false (ClusterPolicy · 2 conflicts)',
      '  Pod spec.securityContext.runAsNonRoot ↔ non-root-true › set-true (conflict/mutation-overwrite)',
      '    non-root-true › set-true (ClusterPolicy)',
      '    non-root-false › set-false (ClusterPolicy)',
      '  Pod spec.securityContext.runAsNonRoot ↔ require-non-root › require-non-root (conflict/mutation-rejected)',
      '    non-root-false › set-false (ClusterPolicy)',
      '    require-non-root › require-non-root (ValidatingPolicy)',
      'non-root-true (ClusterPolicy · 1 conflict)',
      '  Pod spec.securityContext.runAsNonRoot ↔ non-root-false › set-false (conflict/mutation-overwrite)',
      '    non-root-true › set-true (ClusterPolicy)',
      '    non-root-false › set-false (ClusterPolicy)',
      'require-non-root (ValidatingPolicy · 1 conflict)',
      '  Pod spec.securityContext.runAsNonRoot ↔ non-root-false › set-false (conflict/mutation-rejected)',
      '    non-root-false › set-false (ClusterPolicy)',
      '    require-non-root › require-non-root (ValidatingPolicy)',
    ]);
  });

  it('by policy: a conflict goes to its own policy\'s rule, carries the message as tooltip and the worst severity bubbles up', () => {
    const [nonRootFalse, nonRootTrue] = conflictTree(graph, 'policy');
    assert.equal(nonRootFalse!.severity, 'error');
    assert.equal(nonRootTrue!.severity, 'warning');
    const overwrite = nonRootTrue!.children[0]!;
    assert.deepEqual(overwrite.location, at(6));
    assert.match(overwrite.tooltip!, /^conflict\/mutation-overwrite \(warning\) on Pod spec\.securityContext\.runAsNonRoot, witness a Pod\n\nBoth set runAsNonRoot\.$/);
    assert.deepEqual(nonRootFalse!.children[0]!.location, at(23));
    assert.deepEqual(overwrite.children.map((c) => c.location), [at(6), at(23)]);
    assert.deepEqual(nonRootTrue!.location, at(3));
    assert.equal(overwrite.name, 'set-true', 'a click on the conflict puts the cursor on its own rule\'s name');
    assert.deepEqual(overwrite.children.map((c) => c.name), ['set-true', 'set-false']);
  });

  it('a click puts the cursor on the rule\'s name: its `name:` inside the rule, else the CEL policy\'s metadata.name', () => {
    const legacy = 'spec:\n  rules:\n    - name: other\n      match: {}\n    - name: "set-true" # the one\n      mutate:\n        patchStrategicMerge:\n          name: set-true\n';
    const ruleStart = legacy.indexOf('name: "set-true"');
    assert.equal(nameOffset(legacy, ruleStart, legacy.length, 'set-true'), legacy.indexOf('set-true'));
    const cel = 'kind: ValidatingPolicy\nmetadata:\n  name: require-non-root\nspec:\n  validations: []\n';
    assert.equal(nameOffset(cel, cel.indexOf('spec:'), cel.length, 'require-non-root'), cel.indexOf('require-non-root'));
    assert.equal(nameOffset(cel, 5, 9, 'absent'), 5);
    assert.equal(nameOffset(cel, 5, 9, undefined), 5);
  });

  it('by field: each field lists the conflicts meeting on it, led by both sides (check id after)', () => {
    assert.deepEqual(render(conflictTree(graph, 'field')), [
      'Pod spec.securityContext.runAsNonRoot (2 conflicts)',
      '  non-root-true › set-true ↔ non-root-false › set-false (conflict/mutation-overwrite)',
      '    non-root-true › set-true (ClusterPolicy)',
      '    non-root-false › set-false (ClusterPolicy)',
      '  non-root-false › set-false ↔ require-non-root › require-non-root (conflict/mutation-rejected)',
      '    non-root-false › set-false (ClusterPolicy)',
      '    require-non-root › require-non-root (ValidatingPolicy)',
    ]);
  });

  it('ids are unique in both modes (VS Code keys expansion state by them)', () => {
    for (const mode of ['policy', 'field'] as const) {
      const ids: string[] = [];
      const walk = (ns: ConflictTreeNode[]) => ns.forEach((n) => (ids.push(n.id), walk(n.children)));
      walk(conflictTree(graph, mode));
      assert.equal(new Set(ids).size, ids.length, mode);
    }
  });

  it('the admission preview\'s links to file: URIs become relative to the preview file (the Markdown preview does not follow file: links)', () => {
    const md = '1. [add-default-app-label](file:///work/ws/cel/add%20label.yaml#L16) — **pass**\n[docs](https://kyverno.io)';
    assert.equal(relativeLinks(md, '/home/u/.storage/admission-preview'), '1. [add-default-app-label](../../../../work/ws/cel/add%20label.yaml#L16) — **pass**\n[docs](https://kyverno.io)');
    assert.equal(previewFileName('/work/ws/workloads/web.yaml'), 'web.yaml · admission.md');
  });

  it('given no conflicts, then the tree is empty', () => {
    assert.deepEqual(conflictTree({ nodes: [], edges: [] }, 'policy'), []);
    assert.deepEqual(conflictTree({ nodes: [], edges: [] }, 'field'), []);
  });

  it('over examples/conflicts: every conflict appears once per policy involved and once under its field', () => {
    const index = new WorkspaceIndex();
    for (const dir of ['cel', 'legacy', 'workloads']) {
      for (const f of readdirSync(join('examples/conflicts', dir))) index.setFile(`/ws/${dir}/${f}`, readFileSync(join('examples/conflicts', dir, f), 'utf8'));
    }
    const result = conflictsResult(index, (f) => `file://${f}`);
    assert.ok(result.edges.length >= 4, JSON.stringify(result.edges.map((e) => e.kind)));
    const byPolicy = conflictTree(result, 'policy');
    const byField = conflictTree(result, 'field');
    assert.equal(byPolicy.reduce((n, p) => n + p.children.length, 0), result.edges.length * 2);
    assert.equal(byField.reduce((n, f) => n + f.children.length, 0), result.edges.length);
    assert.ok(byPolicy.some((p) => p.label === 'add-default-app-label' && p.description === 'MutatingPolicy · 1 conflict' && p.children.some((c) => c.description === 'conflict/mutation-rejected')));
    for (const conflict of byField.flatMap((f) => f.children)) assert.ok(conflict.children.every((side) => side.location?.uri.startsWith('file:///ws/')));
  });
});
