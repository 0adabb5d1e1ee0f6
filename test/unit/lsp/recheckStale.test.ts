// Documents opened while the folders' settings are being read are analysed with the defaults; once
// the settings are known, only those whose settings differ are analysed again (a window restoring
// hundreds of tabs analysed every one of them twice). Analyses are counted with a check that
// counts its runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerState } from '../../../server/src/lsp/state.ts';
import { mergeSettings, sanitizeSettings } from '../../../server/src/lsp/settings.ts';
import type { Check } from '../../../server/src/checks/types.ts';

const runs: string[] = [];
// Borrows a registered id, so that the configuration gives it a level.
const counting: Check = {
  id: 'hygiene/orphan',
  title: 't',
  severity: 'warning',
  checkDocument(ctx) {
    runs.push(ctx.file.file);
    ctx.report({ file: ctx.file.file, span: { start: 0, end: 1 } }, 'seen');
  },
};

const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n';
const folder = (settings: unknown) => [{ folder: { uri: 'file:///ws', path: '/ws' }, config: mergeSettings(sanitizeSettings(settings), undefined).config, problems: [] }];

function openedBeforeSettings(): ServerState {
  const state = new ServerState([counting], () => {});
  for (const name of ['a', 'b']) {
    state.open.set(`/ws/${name}.yaml`, { uri: `file:///ws/${name}.yaml`, version: 1, text });
    state.updateText(`/ws/${name}.yaml`, text);
  }
  return state;
}

test('settings that come out as the defaults analyse nothing again', () => {
  const state = openedBeforeSettings();
  runs.length = 0;
  state.setFolders(folder({}));
  assert.deepEqual(state.recheckStale(), []);
  assert.deepEqual(runs, []);
  assert.equal(state.findingsOf('/ws/a.yaml').length, 1);
});

test('settings that differ analyse again the documents they apply to, and their findings follow', () => {
  const state = openedBeforeSettings();
  runs.length = 0;
  state.setFolders(folder({ checks: { 'hygiene/orphan': false } }));
  assert.deepEqual(state.recheckStale().sort(), ['/ws/a.yaml', '/ws/b.yaml']);
  assert.deepEqual(runs, [], 'the check is off now');
  assert.deepEqual(state.findingsOf('/ws/a.yaml'), []);
  assert.deepEqual(state.recheckStale(), [], 'analysed under the new settings: not stale any more');
});

test('a test-data glob that names a document analyses it again in its new role', () => {
  const state = openedBeforeSettings();
  const roleBefore = state.index.getFile('/ws/b.yaml')?.role;
  const [loaded] = folder({});
  state.setFolders([{ ...loaded, config: { ...loaded.config, testData: ['b.yaml'] } }]);
  assert.ok(state.recheckStale().includes('/ws/b.yaml'));
  assert.notEqual(state.index.getFile('/ws/b.yaml')?.role, roleBefore);
  assert.equal(state.index.getFile('/ws/a.yaml')?.role, roleBefore);
});
