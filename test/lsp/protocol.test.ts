// The language server over stdio, one open document at a time: what an editor sees while typing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient, applyEdits, positionOf, tempWorkspace } from './client.ts';
import { brokenPolicy, cronJob, fixedPolicy, policyBeingTyped } from './texts.ts';

describe('language server over stdio: one document', () => {
  const ws = tempWorkspace({});
  let client: LspClient;

  before(async () => {
    client = new LspClient({ root: ws.root });
  });
  after(() => {
    client.kill();
    ws.dispose();
  });

  it('announces its capabilities on initialize', async () => {
    const { capabilities, serverInfo } = await client.initialize();
    assert.equal(serverInfo.name, 'kyverno-analyzer');
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: 2 });
    assert.equal(capabilities.hoverProvider, true);
    assert.ok(capabilities.completionProvider);
    assert.deepEqual(capabilities.codeActionProvider.codeActionKinds, ['quickfix']);
    assert.equal(capabilities.codeLensProvider.resolveProvider, true);
    assert.equal(capabilities.documentSymbolProvider, true);
    assert.equal(capabilities.workspaceSymbolProvider, true);
    assert.deepEqual(capabilities.executeCommandProvider.commands, ['kyverno.server.reindex']);
  });

  it('given a policy with a misspelt enum, when it is opened, then publishDiagnostics has schema/enum with its docs link and exact range', async () => {
    const uri = ws.uri('policy.yaml');
    client.open(uri, brokenPolicy);
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    const enumError = diagnostics.find((d) => d.code === 'schema/enum');
    assert.ok(enumError, JSON.stringify(diagnostics));
    assert.equal(enumError.source, 'kyverno');
    assert.equal(enumError.severity, 1);
    assert.match(enumError.codeDescription.href, /docs\/checks\/schema(\/enum)?\.md$/);
    assert.deepEqual(enumError.range, { start: { line: 5, character: 27 }, end: { line: 5, character: 35 } });
    assert.match(enumError.message, /validationFailureAction/);
  });

  it('given an untitled document (no file), when it is opened, then it is analysed too', async () => {
    const uri = 'untitled:Untitled-1';
    client.open(uri, brokenPolicy);
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    assert.ok(diagnostics.some((d: any) => d.code === 'schema/enum'));
  });

  it('when hovering validationFailureAction, then the schema description, type and allowed values are shown', async () => {
    const hover = await client.request('textDocument/hover', { textDocument: { uri: ws.uri('policy.yaml') }, position: positionOf(brokenPolicy, 'validationFailureAction', 3) });
    assert.equal(hover.contents.kind, 'markdown');
    assert.match(hover.contents.value, /\*\*validationFailureAction\*\*/);
    assert.match(hover.contents.value, /Enforce/);
    assert.match(hover.contents.value, /`string`/);
    assert.ok(hover.contents.value.length > 80, hover.contents.value);
    assert.deepEqual(hover.range, { start: { line: 5, character: 2 }, end: { line: 5, character: 25 } });
  });

  it('when the error is fixed by an incremental change, then the diagnostics are cleared', async () => {
    const uri = ws.uri('policy.yaml');
    const since = client.mark();
    const at = positionOf(brokenPolicy, 'Enforcee');
    client.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: at, end: { line: at.line, character: at.character + 8 } }, text: 'Enforce' }],
    });
    const diagnostics = await client.diagnostics(uri, (d) => !d.some((x: any) => x.code === 'schema/enum'), { since });
    assert.ok(!diagnostics.some((d: any) => d.code.startsWith('schema/')), JSON.stringify(diagnostics.map((d: any) => d.code)));
    assert.ok(fixedPolicy.includes('Enforce\n'));
  });

  it('when five edits arrive in a burst, then only the last version is analysed and published', async () => {
    const uri = ws.uri('burst.yaml');
    client.open(uri, fixedPolicy);
    const since = await client.settled(uri, { version: 1 });
    for (let version = 2; version <= 6; version++) {
      const text = version === 6 ? brokenPolicy : fixedPolicy.replace('check-team', `check-team-${version}`);
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    }
    const last = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.version === 6, { since });
    assert.ok(last.diagnostics.some((d: any) => d.code === 'schema/enum'));
    await client.settled(uri, { version: 6, since });
    const versions = client.received.slice(since).filter((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri).map((m) => m.params.version);
    // A pass over version 1 may still be on the wire when the edits are sent (it was current when
    // sent); what the server must never do is publish 2–5, or publish 1 once it has published 6.
    const firstSix = versions.indexOf(6);
    assert.ok(firstSix >= 0 && versions.every((v: number, i: number) => (i < firstSix ? v === 1 : v === 6)), JSON.stringify(versions));
  });

  it('when typing inside spec: of a ClusterPolicy, then completion offers rules (with its docs)', async () => {
    const uri = ws.uri('typing.yaml');
    client.open(uri, policyBeingTyped);
    const completion = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 5, character: 2 } });
    const rules = completion.items.find((i: any) => i.label === 'rules');
    assert.ok(rules, completion.items.map((i: any) => i.label).join(', '));
    assert.match(rules.textEdit.newText, /^rules:\n {4}- $/);
    assert.ok(completion.items.some((i: any) => i.label === 'validationFailureAction'));
  });

  it('when completing a value of validationFailureAction, then its enum values are offered', async () => {
    const uri = ws.uri('typing.yaml');
    const text = policyBeingTyped.replace('spec:\n  \n', 'spec:\n  validationFailureAction: \n');
    client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text }] });
    const completion = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 5, character: 27 } });
    const labels = completion.items.map((i: any) => i.label);
    assert.ok(labels.includes('Enforce') && labels.includes('Audit'), labels.join(', '));
  });

  it('given a CronJob without activeDeadlineSeconds, when its quick fix is applied to the text, then that finding goes away', async () => {
    const uri = ws.uri('cronjob.yaml');
    client.open(uri, cronJob);
    const diagnostics = await client.diagnostics(uri, (d) => d.some((x: any) => x.code === 'cronjob/active-deadline-missing'));
    const diagnostic = diagnostics.find((d: any) => d.code === 'cronjob/active-deadline-missing');
    const actions = await client.request('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
    const fix = actions.find((a: any) => a.isPreferred && a.edit?.changes?.[uri]);
    assert.ok(fix, JSON.stringify(actions.map((a: any) => a.title)));
    assert.equal(fix.kind, 'quickfix');
    assert.deepEqual(fix.diagnostics[0].code, 'cronjob/active-deadline-missing');
    const fixed = applyEdits(cronJob, fix.edit.changes[uri]);
    assert.match(fixed, /activeDeadlineSeconds: \d+/);
    const since = client.mark();
    client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    const after = await client.diagnostics(uri, () => true, { since });
    assert.ok(!after.some((d: any) => d.code === 'cronjob/active-deadline-missing'), JSON.stringify(after.map((d: any) => d.code)));
  });

  it('when a fix creates a companion file, then the edit is CreateFile followed by an insert', async () => {
    const uri = ws.uri('cronjob-2.yaml');
    client.open(uri, cronJob);
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    const all = await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } }, context: { diagnostics } });
    const creating = all.find((a: any) => a.edit?.documentChanges?.some((c: any) => c.kind === 'create'));
    assert.ok(creating, JSON.stringify(all.map((a: any) => a.title)));
    const [create, insert] = creating.edit.documentChanges;
    assert.equal(create.kind, 'create');
    assert.equal(insert.textDocument.uri, create.uri);
    assert.equal(insert.textDocument.version, null);
    assert.deepEqual(insert.edits[0].range.start, { line: 0, character: 0 });
    assert.match(insert.edits[0].newText, /kind: /);
  });

  it('when asked for document symbols, then the policy is listed with its rules', async () => {
    const symbols = await client.request('textDocument/documentSymbol', { textDocument: { uri: ws.uri('policy.yaml') } });
    assert.equal(symbols.length, 1);
    assert.equal(symbols[0].name, 'require-team-label');
    assert.equal(symbols[0].detail, 'ClusterPolicy');
    assert.deepEqual(symbols[0].children.map((c: any) => [c.name, c.detail]), [['check-team', 'validate']]);
    assert.equal(symbols[0].children[0].selectionRange.start.line, 7);
  });

  it('when hovering a CronJob schedule, then it says what the schedule means and when it runs next', async () => {
    const hover = await client.request('textDocument/hover', { textDocument: { uri: ws.uri('cronjob.yaml') }, position: positionOf(cronJob, '30 2', 1) });
    assert.match(hover.contents.value, /\*\*Schedule\*\*: At 02:30/);
    assert.match(hover.contents.value, /Next runs/);
  });

  it('when the client shuts down and exits, then the server process ends with code 0', async () => {
    assert.equal(await client.shutdown(), 0);
  });
});
