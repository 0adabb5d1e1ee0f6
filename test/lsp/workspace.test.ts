// The language server over a workspace folder: background indexing, files changed on disk,
// settings, workspace symbols, code lens; and once over node IPC.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { LspClient, positionOf, tempWorkspace } from './client.ts';
import { brokenPolicy, fixedPolicy, mutateNonRoot } from './texts.ts';

const hasEnumError = (d: any[]) => d.some((x) => x.code === 'schema/enum');

describe('language server over stdio: a workspace folder', () => {
  const ws = tempWorkspace({
    'policies/broken.yaml': brokenPolicy,
    'policies/non-root-true.yaml': mutateNonRoot('non-root-true', true),
    'policies/non-root-false.yaml': mutateNonRoot('non-root-false', false),
    'open-me.yaml': brokenPolicy,
    'node_modules/ignored.yaml': brokenPolicy,
  });
  const client = new LspClient({ root: ws.root });
  after(() => {
    client.kill();
    ws.dispose();
  });

  it('given a folder, when initialized, then $/progress begins and ends around the indexing and the open document is published first', async () => {
    await client.initialize();
    client.open(ws.uri('open-me.yaml'), brokenPolicy);
    const begin = await client.waitFor('$/progress', (p: any) => p.value.kind === 'begin');
    assert.equal(begin.value.title, 'Kyverno: indexing');
    assert.ok(client.serverRequests.some((r) => r.method === 'window/workDoneProgress/create' && r.params.token === begin.token));
    await client.waitFor('$/progress', (p: any) => p.token === begin.token && p.value.kind === 'end');
    const published = client.received.filter((m) => m.method === 'textDocument/publishDiagnostics').map((m) => m.params.uri);
    assert.equal(published[0], ws.uri('open-me.yaml'));
    assert.ok(published.includes(ws.uri('policies/broken.yaml')), published.join('\n'));
    assert.ok(!published.includes(ws.uri('node_modules/ignored.yaml')));
  });

  it('then every workspace file has its diagnostics without being opened, and the status notification counts the policies', async () => {
    assert.ok(hasEnumError(await client.diagnostics(ws.uri('policies/broken.yaml'))));
    const status = await client.waitFor('kyverno/status', (s: any) => !s.indexing);
    assert.equal(status.policies, 4);
    assert.equal(status.conflicts, 1, 'the overwrite is reported on both policies but is one conflict');
  });

  it('given two policies setting runAsNonRoot to true and false, then each gets the conflict with related information on the other', async () => {
    const diagnostics = await client.diagnostics(ws.uri('policies/non-root-true.yaml'), (d) => d.some((x: any) => x.code === 'conflict/mutation-overwrite'));
    const conflict = diagnostics.find((d: any) => d.code === 'conflict/mutation-overwrite');
    assert.match(conflict.codeDescription.href, /docs\/checks\/conflict\/mutation-overwrite\.md$/);
    const other = conflict.relatedInformation.find((r: any) => r.location.uri === ws.uri('policies/non-root-false.yaml'));
    assert.ok(other, JSON.stringify(conflict.relatedInformation));
    assert.equal(other.location.range.start.line, 15);
    await client.diagnostics(ws.uri('policies/non-root-false.yaml'), (d) => d.some((x: any) => x.code === 'conflict/mutation-overwrite'));
  });

  it('when the conflict view asks kyverno/conflicts, then the two overwriting rules come back as a graph with locations', async () => {
    const result = await client.request('kyverno/conflicts', {});
    assert.ok(Array.isArray(result.nodes) && Array.isArray(result.edges));
    assert.ok(result.edges.length >= 1, JSON.stringify(result).slice(0, 500));
    const uris = result.nodes.map((n: any) => n.location?.uri).filter(Boolean);
    assert.ok(uris.includes(ws.uri('policies/non-root-true.yaml')) && uris.includes(ws.uri('policies/non-root-false.yaml')), uris.join('\n'));
  });

  it('when asked for workspace symbols, then every policy and rule is listed; a query narrows them', async () => {
    const all = await client.request('workspace/symbol', { query: '' });
    const names = all.map((s: any) => s.name).sort();
    assert.deepEqual(names, ['check-team', 'check-team', 'non-root-false', 'non-root-false-rule', 'non-root-true', 'non-root-true-rule', 'require-team-label', 'require-team-label']);
    const rule = all.find((s: any) => s.name === 'non-root-true-rule');
    assert.equal(rule.containerName, 'non-root-true');
    assert.equal(rule.location.uri, ws.uri('policies/non-root-true.yaml'));
    const narrowed = await client.request('workspace/symbol', { query: 'root-true' });
    assert.deepEqual(narrowed.map((s: any) => s.name).sort(), ['non-root-true', 'non-root-true-rule']);
  });

  it('given two rules writing runAsNonRoot, when the code lenses above one are resolved, then they read "1 conflict · 1 other rule touches <the field>", each part with its command, the peek on the other rule\'s name', async () => {
    const uri = ws.uri('policies/non-root-true.yaml');
    const lenses = await client.request('textDocument/codeLens', { textDocument: { uri } });
    assert.equal(lenses.length, 2, 'the conflicts part and the fields part, on one line');
    assert.ok(lenses.every((l: any) => l.range.start.line === 6));
    const [conflicts, fields] = await Promise.all(lenses.map((l: any) => client.request('codeLens/resolve', l)));
    assert.equal(conflicts.command.title, '1 conflict');
    assert.equal(conflicts.command.command, 'kyverno.showConflicts');
    assert.equal(fields.command.title, '1 other rule touches spec.securityContext.runAsNonRoot');
    assert.equal(fields.command.command, 'kyverno.showRules');
    assert.equal(fields.command.arguments[2][0].uri, ws.uri('policies/non-root-false.yaml'));
    const other = fields.command.arguments[2][0].range;
    assert.equal(readFileSync(ws.path('policies/non-root-false.yaml'), 'utf8').split('\n')[other.start.line].slice(other.start.character, other.end.character), 'non-root-false-rule', 'the peek lists the rule by its name');
  });

  it('when an edit removes a conflict, then the server asks the editor to refresh its lenses, which then count no conflict', async () => {
    const uri = ws.uri('policies/non-root-false.yaml');
    client.open(uri, mutateNonRoot('non-root-false', false));
    const before = client.serverRequests.length;
    client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: mutateNonRoot('non-root-false', true) }] });
    const deadline = Date.now() + 10_000;
    while (!client.serverRequests.slice(before).some((r) => r.method === 'workspace/codeLens/refresh')) {
      assert.ok(Date.now() < deadline, `no workspace/codeLens/refresh after the edit: ${client.serverRequests.slice(before).map((r) => r.method).join(', ')}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    const lenses = await client.request('textDocument/codeLens', { textDocument: { uri: ws.uri('policies/non-root-true.yaml') } });
    const titles = (await Promise.all(lenses.map((l: any) => client.request('codeLens/resolve', l)))).map((l: any) => l.command.title);
    assert.ok(!titles.some((t: string) => /\d+ conflict/.test(t)), titles.join(' | '));
    client.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: mutateNonRoot('non-root-false', false) }] });
    client.notify('textDocument/didClose', { textDocument: { uri } });
  });

  it('given a rule in no conflict, when its code lenses are listed, then the conflicts part is omitted', async () => {
    const uri = ws.uri('policies/broken.yaml');
    const lenses = await client.request('textDocument/codeLens', { textDocument: { uri } });
    assert.equal(lenses.length, 1, 'the fields part only');
    const resolved = await Promise.all(lenses.map((l: any) => client.request('codeLens/resolve', l)));
    assert.ok(!resolved.some((l: any) => /conflict/.test(l.command.title) || l.command.command === 'kyverno.showConflicts'), JSON.stringify(resolved));
  });

  it('when a file is fixed on disk outside the editor (didChangeWatchedFiles), then its diagnostics are cleared; when another is deleted, then it is cleared too', async () => {
    assert.ok(client.serverRequests.some((r) => r.method === 'client/registerCapability' && r.params.registrations[0].method === 'workspace/didChangeWatchedFiles'));
    let since = client.mark();
    ws.write('policies/broken.yaml', fixedPolicy);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('policies/broken.yaml'), type: 2 }] });
    // Waits for the publish that clears it (other publishes of the file may come first: the
    // cross-file pass republishes files whose workspace findings changed); times out if none does.
    assert.ok(!hasEnumError(await client.diagnostics(ws.uri('policies/broken.yaml'), (d) => !hasEnumError(d), { since })));

    since = client.mark();
    ws.write('policies/new.yaml', brokenPolicy.replace('require-team-label', 'new-policy'));
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('policies/new.yaml'), type: 1 }] });
    assert.ok(hasEnumError(await client.diagnostics(ws.uri('policies/new.yaml'), () => true, { since })));

    since = client.mark();
    rmSync(ws.path('policies/new.yaml'));
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('policies/new.yaml'), type: 3 }] });
    assert.deepEqual(await client.diagnostics(ws.uri('policies/new.yaml'), (d) => d.length === 0, { since }), []);
  });

  it('when the settings turn schema/enum off, then its diagnostics disappear; when .kyverno-analyzer.yaml sets it, then the file wins', async () => {
    let since = client.mark();
    client.settings = { checks: { 'schema/enum': 'off' } };
    client.notify('workspace/didChangeConfiguration', { settings: null });
    assert.ok(!hasEnumError(await client.diagnostics(ws.uri('open-me.yaml'), () => true, { since })));

    since = client.mark();
    ws.write('.kyverno-analyzer.yaml', 'checks:\n  schema/enum: hint\n');
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('.kyverno-analyzer.yaml'), type: 1 }] });
    const diagnostics = await client.diagnostics(ws.uri('open-me.yaml'), hasEnumError, { since });
    assert.equal(diagnostics.find((d: any) => d.code === 'schema/enum').severity, 4);
  });

  it('when a document without findings is opened, then an empty list is published for its version', async () => {
    const uri = ws.uri('clean-open.yaml');
    const since = client.mark();
    client.open(uri, fixedPolicy, 7);
    const published = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri, { since });
    assert.deepStrictEqual([published.version, published.diagnostics], [7, []]);
  });

  it('when re-index is executed, then the workspace is indexed again with progress', async () => {
    const since = client.mark();
    const status = await client.request('workspace/executeCommand', { command: 'kyverno.server.reindex', arguments: [] });
    assert.equal(typeof status.policies, 'number');
    await client.waitFor('$/progress', (p: any) => p.value.kind === 'end', { since });
  });

  it('when a workspace/symbol request is cancelled, then the answer is a list or RequestCancelled, and the next request is answered', async () => {
    // Whether the cancel lands before the handler's first yield depends on pipe timing; that a
    // cancelled token stops the loop is asserted in units.test.ts.
    const source = new CancellationTokenSource();
    const pending = client.request('workspace/symbol', { query: '' }, 10_000, source.token).catch((e) => e);
    source.cancel();
    const answer = await pending;
    assert.ok(Array.isArray(answer) || answer?.code === -32800, JSON.stringify(answer).slice(0, 200));
    const hover = await client.request('textDocument/hover', { textDocument: { uri: ws.uri('open-me.yaml') }, position: positionOf(brokenPolicy, 'rules', 1) });
    assert.match(hover.contents.value, /\*\*rules\*\*/);
  });

  it('given an Audit policy and a Deployment it would deny (both open, not saved), when the policy\'s lenses are resolved, then one on its name says "Enforce would deny 1 of 1 workloads here" and peeks at the failing field', async () => {
    const policyUri = ws.uri('impact/audit.yaml');
    const deploymentUri = ws.uri('impact/web.yaml');
    const policy = fixedPolicy.replace('Enforce', 'Audit').replace('name: require-team-label', 'name: audit-team-label');
    const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: { matchLabels: { app: web } }\n  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      containers: [{ name: web, image: nginx }]\n';
    client.open(policyUri, policy);
    client.open(deploymentUri, deployment);
    await client.diagnostics(deploymentUri);
    await client.diagnostics(policyUri);
    const lenses = await client.request('textDocument/codeLens', { textDocument: { uri: policyUri } });
    const resolved = await Promise.all(lenses.map((l: any) => client.request('codeLens/resolve', l)));
    const impact = resolved.find((l: any) => /deny/.test(l.command.title));
    assert.ok(impact, resolved.map((l: any) => l.command.title).join(' | '));
    assert.equal(impact.command.title, 'Enforce would deny 1 of 1 workloads here');
    assert.equal(impact.range.start.line, policy.split('\n').findIndex((l) => l.includes('name: audit-team-label')));
    assert.equal(impact.command.command, 'kyverno.showRules');
    const [location] = impact.command.arguments[2];
    assert.equal(location.uri, deploymentUri);
    assert.equal(deployment.split('\n')[location.range.start.line].slice(location.range.start.character, location.range.end.character), 'labels', 'the first failing field: the template\'s labels lack team');
    assert.match(impact.command.tooltip, /^Deployment web: .*label team is required/);
    client.notify('textDocument/didClose', { textDocument: { uri: deploymentUri } });
    client.notify('textDocument/didClose', { textDocument: { uri: policyUri } });
  });

  it('when shut down, then it exits with 0', async () => {
    assert.equal(await client.shutdown(), 0);
  });
});

describe('language server over node IPC', () => {
  const ws = tempWorkspace({ 'broken.yaml': brokenPolicy });
  const client = new LspClient({ root: ws.root, transport: 'ipc' });
  after(() => {
    client.kill();
    ws.dispose();
  });

  it('given a folder with a broken policy, when initialized over IPC, then its diagnostics arrive and shutdown/exit ends the process', async () => {
    const { capabilities } = await client.initialize();
    assert.equal(capabilities.hoverProvider, true);
    assert.ok(hasEnumError(await client.diagnostics(ws.uri('broken.yaml'))));
    assert.equal(await client.shutdown(), 0);
  });
});

describe('language server: indexing cancelled from the progress UI', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 400; i++) files[`p${i}.yaml`] = mutateNonRoot(`policy-${i}`, i % 2 === 0);
  const ws = tempWorkspace(files);
  const client = new LspClient({ root: ws.root });
  after(() => {
    client.kill();
    ws.dispose();
  });

  it('when the user cancels the progress, then indexing ends and the server keeps answering', async () => {
    await client.initialize();
    const begin = await client.waitFor('$/progress', (p: any) => p.value.kind === 'begin');
    assert.equal(begin.value.cancellable, true);
    client.notify('window/workDoneProgress/cancel', { token: begin.token });
    await client.waitFor('$/progress', (p: any) => p.token === begin.token && p.value.kind === 'end');
    await client.waitFor('kyverno/status', (s: any) => !s.indexing);
    const symbols = await client.request('workspace/symbol', { query: 'policy-1' });
    assert.ok(Array.isArray(symbols));
    assert.equal(await client.shutdown(), 0);
  });
});
