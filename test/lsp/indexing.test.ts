// Background indexing as the editor sees it: documents opened while it runs are taken in and
// published ahead of the index queue; one progress covers indexing and the cross-file checks, in
// `$/progress` and in `kyverno/status`; the output channel (window/logMessage) tells the start and
// the summary with timings.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient, tempWorkspace } from './client.ts';
import { brokenPolicy } from './texts.ts';

const FILES = 800;
const OPENED = 200;
const named = (i: number) => brokenPolicy.replace('require-team-label', `policy-${i}`);

describe('language server: a burst of didOpen while the workspace is being indexed', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < FILES; i++) files[`p/p${i}.yaml`] = named(i);
  const ws = tempWorkspace(files);
  const client = new LspClient({ root: ws.root });
  const opened = new Set(Array.from({ length: OPENED }, (_, i) => ws.uri(`p/p${i * 4}.yaml`)));
  let begin = 0;
  before(async () => {
    await client.initialize();
    await client.waitFor('$/progress', (p: any) => p.value.kind === 'begin');
    begin = client.mark();
    for (const uri of opened) client.open(uri, files[`p/p${Number(/p(\d+)\.yaml$/.exec(uri)![1])}.yaml`]!);
    await client.waitFor('$/progress', (p: any) => p.value.kind === 'end', { timeoutMs: 120_000 });
    await client.waitFor('kyverno/status', (p: any) => !p.indexing, { since: begin });
  });
  after(() => {
    client.kill();
    ws.dispose();
  });

  it('then every opened document is published before most of the other files are indexed', () => {
    const publishes = client.received.slice(begin).filter((m) => m.method === 'textDocument/publishDiagnostics').map((m) => m.params);
    // The first publish of each opened document (the cross-file pass may publish it again later).
    const first = [...opened].map((uri) => publishes.findIndex((p) => p.uri === uri && p.version === 1));
    assert.ok(first.every((i) => i >= 0), 'each opened document is published at its version');
    const lastOpened = Math.max(...first);
    const backgroundBefore = new Set(publishes.slice(0, lastOpened).filter((p) => !opened.has(p.uri)).map((p) => p.uri)).size;
    assert.ok(backgroundBefore < (FILES - OPENED) / 2, `${backgroundBefore} of ${FILES - OPENED} other files were published before the last opened one`);
  });

  it('then the progress goes on through the cross-file checks ("checking <check> (i/n)") after the files, and ends with a status that is not indexing', () => {
    const messages = client.received.filter((m) => m.method === '$/progress' && m.params.value.kind === 'report').map((m) => String(m.params.value.message));
    const firstCheck = messages.findIndex((m) => /^checking \S+ \(\d+\/\d+\)$/.test(m));
    assert.ok(firstCheck > 0, messages.slice(-5).join('\n'));
    assert.ok(messages.slice(0, firstCheck).some((m) => /^indexing \d+\/800 files$/.test(m)));
    assert.ok(messages.slice(firstCheck).every((m) => m.startsWith('checking ')), 'no file progress after the checks began');
    const end = client.received.findIndex((m) => m.method === '$/progress' && m.params.value.kind === 'end');
    const statusAfter = client.received.slice(end).find((m) => m.method === 'kyverno/status');
    assert.equal(statusAfter?.params.indexing, false);
    assert.equal(statusAfter?.params.policies, FILES);
  });

  it('then kyverno/status carries the same progress while indexing, for the client\'s single status item', () => {
    const during = client.received.filter((m) => m.method === 'kyverno/status' && m.params.indexing).map((m) => m.params.progress);
    assert.ok(during.some((p) => /^indexing \d+\/800 files$/.test(p)), during.join('\n'));
    assert.ok(during.some((p) => /^checking \S+ \(\d+\/\d+\)$/.test(p)), during.join('\n'));
  });

  it('then the output channel has the start and the index summary with its timings', () => {
    const logs = client.received.filter((m) => m.method === 'window/logMessage').map((m) => String(m.params.message));
    assert.ok(logs.some((l) => /^Kyverno analyzer started/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => new RegExp(`^indexed ${FILES} files \\(${FILES} policies\\) in \\d+\\.\\d\\d s; cross-file checks in \\d+\\.\\d\\d s: \\d+ conflicts$`).test(l)), logs.join('\n'));
  });
});
