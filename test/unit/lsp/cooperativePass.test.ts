// The server's cross-file pass lets requests and newer edits in between slices, inside a check too
// (between the files a per-document check looks at), and a pass stopped halfway loses nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerState } from '../../../server/src/lsp/state.ts';
import type { Check } from '../../../server/src/checks/types.ts';

// Reports on every ConfigMap whose value names a ConfigMap that does not exist: a reader of all
// (borrowing a registered id, so the configuration gives it a level).
const checked: string[] = [];
const dangling: Check = {
  id: 'hygiene/orphan',
  title: 't',
  severity: 'warning',
  checkInWorkspace: {
    reads: (d) => (d.resource?.kind === 'ConfigMap' ? ['configmaps'] : []),
    contributes: (d) => (d.resource?.kind === 'ConfigMap' ? ['configmaps'] : []),
    check(ctx, file, d) {
      checked.push(file.file);
      const target = (d.resource?.raw.data as Record<string, string> | undefined)?.ref;
      if (target && !ctx.index.resourcesOfKind('ConfigMap').some((r) => r.name === target)) ctx.report({ file: file.file, span: { start: 0, end: 1 } }, `${target} is missing`);
    },
  },
};
const configMap = (name: string, ref: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndata: { ref: ${ref} }\n`;

test('a pass overtaken inside a per-document check stops there, and the next pass finishes and reports every changed file', async () => {
  const state = new ServerState([dangling], () => {});
  for (let i = 0; i < 20; i++) state.updateText(`/ws/c${i}.yaml`, configMap(`c${i}`, 'gone'));
  let turns = 0;
  // A slice of 0 ms: the pass yields after every step, and the index moves on after the third turn.
  const stale = () => ++turns > 3;
  assert.equal(await state.runWorkspaceCooperatively(stale, 0), undefined);
  assert.ok(checked.length > 0 && checked.length < 20, `stopped inside the check after ${checked.length} files`);
  const changed = await state.runWorkspaceCooperatively(() => false, 0);
  assert.deepEqual(new Set(changed), new Set(Array.from({ length: 20 }, (_, i) => `/ws/c${i}.yaml`)));
  assert.equal(new Set(checked).size, 20);
  assert.ok(state.findingsOf('/ws/c7.yaml').some((f) => f.message === 'gone is missing'));
});
