// The scheduler's promise to editors: a result computed on an older text than the editor's is never
// published, whatever asks for the publish (the cross-file pass republishes files at any time).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticsScheduler } from '../../../server/src/lsp/diagnostics.ts';
import type { ServerState } from '../../../server/src/lsp/state.ts';

function fakeState() {
  const open = new Map<string, { uri: string; version: number; text: string }>();
  const state = {
    open,
    index: { revision: 0 },
    updateText() {
      state.index.revision++;
    },
    // One finding whatever the text: every publish the scheduler lets through reaches the sink.
    findingsOf: (file: string) => [{ code: 'schema/enum', severity: 'error', message: 'm', file, span: { start: 0, end: 1 } }],
    linesOf: () => undefined,
    uriOf: (file: string) => `file://${file}`,
    runWorkspaceCooperatively: async () => [],
    runWorkspace: () => [],
    filesWithFindings: () => [],
  };
  return state;
}

describe('DiagnosticsScheduler', () => {
  it('when a newer version is waiting to be analysed, then a republish asked by the cross-file pass sends nothing until it is analysed', () => {
    const state = fakeState();
    const published: (number | undefined)[] = [];
    const scheduler = new DiagnosticsScheduler(state as unknown as ServerState, { publish: (_uri, version) => published.push(version), afterWorkspacePass: () => {} });
    try {
      state.open.set('/w/p.yaml', { uri: 'file:///w/p.yaml', version: 1, text: 'a: 1\n' });
      scheduler.opened('/w/p.yaml');
      assert.deepEqual(published, [1]);

      state.open.set('/w/p.yaml', { uri: 'file:///w/p.yaml', version: 2, text: 'a: 2\n' });
      scheduler.changed('/w/p.yaml');
      scheduler.publish('/w/p.yaml'); // a cross-file pass that finished over version 1's text
      assert.deepEqual(published, [1]);

      scheduler.flushDocument('/w/p.yaml');
      assert.deepEqual(published, [1, 2]);
    } finally {
      scheduler.dispose();
    }
  });

  it('opening documents does not read the process CPU time (getrusage over every thread is slow on a loaded machine), editing does', (t) => {
    const state = fakeState();
    const scheduler = new DiagnosticsScheduler(state as unknown as ServerState, { publish: () => {}, afterWorkspacePass: () => {} });
    const cpuUsage = t.mock.method(process, 'cpuUsage');
    try {
      for (let i = 0; i < 3; i++) {
        state.open.set(`/w/${i}.yaml`, { uri: `file:///w/${i}.yaml`, version: 1, text: 'a: 1\n' });
        scheduler.opened(`/w/${i}.yaml`);
      }
      assert.equal(cpuUsage.mock.callCount(), 0);
      state.open.set('/w/0.yaml', { uri: 'file:///w/0.yaml', version: 2, text: 'a: 2\n' });
      scheduler.flushDocument('/w/0.yaml');
      assert.ok(cpuUsage.mock.callCount() > 0);
    } finally {
      scheduler.dispose();
    }
  });
});
