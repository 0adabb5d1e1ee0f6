// Files changing under the server: a folder renamed outside the editor (reported as the folder
// alone), and FIFOs where files are expected (opened, closed, created, or as the config file).
// Nothing may block the server; every wait is bounded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { renameSync } from 'node:fs';
import { LspClient, positionOf, tempWorkspace } from './client.ts';
import { brokenPolicy } from './texts.ts';

/** Polls a condition the client records without a notification (the server's requests to it), up to `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const hasEnumError = (d: any[]) => d.some((x) => x.code === 'schema/enum');
const named = (name: string) => brokenPolicy.replace('require-team-label', name);

describe('language server: a folder renamed, deleted or created outside the editor', () => {
  const ws = tempWorkspace({ 'old/a.yaml': named('policy-a'), 'old/deeper/b.yaml': named('policy-b'), 'keep.yaml': named('policy-keep') });
  const client = new LspClient({ root: ws.root });
  const symbols = async () => ((await client.request('workspace/symbol', { query: 'policy-' })) as any[]).map((s) => s.location.uri).sort();
  before(async () => {
    await client.initialize();
    await client.waitFor('$/progress', (p: any) => p.value.kind === 'end');
    await client.diagnostics(ws.uri('old/deeper/b.yaml'), hasEnumError);
  });
  after(() => {
    client.kill();
    ws.dispose();
  });

  it('registers a watcher for folders as well as YAML files', () => {
    const registration = client.serverRequests.find((r) => r.method === 'client/registerCapability')?.params.registrations[0];
    assert.ok(registration.registerOptions.watchers.some((w: any) => w.globPattern === '**/*'));
  });

  it('when a folder is renamed (Deleted old, Created new), then the old files are cleared and leave the symbols, and the new ones are indexed and published', async () => {
    const since = client.mark();
    renameSync(ws.path('old'), ws.path('new'));
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('old'), type: 3 }, { uri: ws.uri('new'), type: 1 }] });
    for (const rel of ['old/a.yaml', 'old/deeper/b.yaml']) assert.deepEqual(await client.diagnostics(ws.uri(rel), (d) => d.length === 0, { since }), []);
    for (const rel of ['new/a.yaml', 'new/deeper/b.yaml']) assert.ok(hasEnumError(await client.diagnostics(ws.uri(rel), hasEnumError, { since })));
    assert.deepEqual(await symbols(), [ws.uri('keep.yaml'), ws.uri('new/a.yaml'), ws.uri('new/deeper/b.yaml')]);
  });

  it('when a folder is deleted, then its files are cleared; the others stay', async () => {
    const since = client.mark();
    execFileSync('rm', ['-r', ws.path('new')]);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('new'), type: 3 }] });
    assert.deepEqual(await client.diagnostics(ws.uri('new/deeper/b.yaml'), (d) => d.length === 0, { since }), []);
    assert.deepEqual(await symbols(), [ws.uri('keep.yaml')]);
  });
});

describe('language server: FIFOs where files are expected never block it', () => {
  const ws = tempWorkspace({ 'policy.yaml': brokenPolicy });
  execFileSync('mkfifo', [ws.path('pipe.yaml')]);
  execFileSync('mkfifo', [ws.path('.kyverno-analyzer.yaml')]);
  const client = new LspClient({ root: ws.root });
  const hoverAnswers = async () => {
    const started = performance.now();
    const hover = await client.request('textDocument/hover', { textDocument: { uri: ws.uri('policy.yaml') }, position: positionOf(brokenPolicy, 'validationFailureAction') }, 5_000);
    assert.ok(hover?.contents?.value && performance.now() - started < 5_000);
  };
  after(() => {
    client.kill();
    ws.dispose();
  });

  it('given a FIFO as .kyverno-analyzer.yaml and as a workspace file, when initialized, then indexing ends and an opened document is analysed', async () => {
    await client.initialize();
    await client.waitFor('$/progress', (p: any) => p.value.kind === 'end', { timeoutMs: 5_000 });
    client.open(ws.uri('policy.yaml'), brokenPolicy);
    assert.ok(hasEnumError(await client.diagnostics(ws.uri('policy.yaml'), hasEnumError, { timeoutMs: 5_000 })));
  });

  it('when the FIFO is opened and closed in the editor, then the server still answers within 5 s', async () => {
    client.open(ws.uri('pipe.yaml'), 'kind: ConfigMap\n');
    client.notify('textDocument/didClose', { textDocument: { uri: ws.uri('pipe.yaml') } });
    await hoverAnswers();
  });

  it('when a watched-file event says the FIFO was created or changed, then the server still answers within 5 s', async () => {
    const asked = client.serverRequests.filter((r) => r.method === 'workspace/configuration').length;
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('pipe.yaml'), type: 1 }, { uri: ws.uri('pipe.yaml'), type: 2 }, { uri: ws.uri('.kyverno-analyzer.yaml'), type: 2 }] });
    await hoverAnswers();
    // The config event re-reads the settings, then the file: once the server has asked for the settings, it must still answer.
    await until(() => client.serverRequests.filter((r) => r.method === 'workspace/configuration').length > asked);
    await hoverAnswers();
  });
});
