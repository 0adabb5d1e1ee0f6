// The `kyverno/conflicts` graph and the `graph` command's renderings, over the headline fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { conflictsResult } from '../../../server/src/lsp/conflicts.ts';
import { toDot, toMermaid } from '../../../server/src/cli/graph.ts';
import { conflictGraph } from '../../../server/src/conflicts/graph.ts';
import { workspaceConflicts } from '../../../server/src/checks/conflicts.ts';

function indexOf(...fixtures: string[]): WorkspaceIndex {
  const index = new WorkspaceIndex();
  for (const f of fixtures) index.setFile(`/ws/${f.replace(/\//g, '_')}`, readFileSync(join(process.cwd(), 'test', 'fixtures', 'conflict', f), 'utf8'));
  return index;
}

test('kyverno/conflicts: policies, rules, fields and one edge per conflict, with locations', () => {
  const index = indexOf('incompatible-mutations/cel-run-as-non-root-vs-user-0.yaml', 'mutation-rejected/legacy-default-label-vs-frontend.yaml');
  const result = conflictsResult(index, (f) => `file://${f}`);
  assert.deepEqual(result.edges.map((e) => e.kind).sort(), ['conflict/incompatible-mutations', 'conflict/mutation-rejected']);
  assert.equal(result.nodes.filter((n) => n.type === 'policy').length, 4);
  const policy = result.nodes.find((n) => n.label === 'MutatingPolicy/enforce-non-root');
  assert.equal(policy?.location?.range.start.line, 5); // `  name: enforce-non-root`
  for (const e of result.edges) {
    assert.ok(result.nodes.some((n) => n.id === e.from) && result.nodes.some((n) => n.id === e.to) && result.nodes.some((n) => n.id === e.field));
    assert.equal(e.witness, 'a Pod');
  }
});

test('graph command renders mermaid and dot', () => {
  const index = indexOf('mutation-overwrite/legacy-run-as-user.yaml');
  const graph = conflictGraph(index, workspaceConflicts(index));
  assert.match(toMermaid(graph), /^flowchart LR\n[\s\S]*-- "mutation-overwrite: Pod spec\.securityContext\.runAsUser" ---/);
  assert.match(toDot(graph), /^graph kyverno_conflicts \{[\s\S]*n\d -- n\d \[label="mutation-overwrite: Pod spec\.securityContext\.runAsUser", color=orange\];/);
});

test('registerConflictRequests answers kyverno/conflicts from the current index', async () => {
  const { registerConflictRequests, CONFLICTS_REQUEST } = await import('../../../server/src/lsp/conflicts.ts');
  const handlers = new Map<string, () => unknown>();
  const connection = { onRequest: (method: string, handler: () => unknown) => handlers.set(method, handler) };
  let index = indexOf('mutation-overwrite/legacy-run-as-user.yaml');
  registerConflictRequests(connection as never, () => index);
  const first = handlers.get(CONFLICTS_REQUEST)!() as { edges: unknown[] };
  assert.equal(first.edges.length, 1);
  index = indexOf('mutation-overwrite/ok-both-guarded-agreeing-disjoint.yaml');
  const second = handlers.get(CONFLICTS_REQUEST)!() as { edges: unknown[] };
  assert.equal(second.edges.length, 0);
});
