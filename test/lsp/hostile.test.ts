// A 30 MB manifest opened and edited in the editor: the server reports the bound, keeps its memory
// bounded, and still answers for the other documents.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LspClient, positionOf, tempWorkspace } from './client.ts';
import { brokenPolicy } from './texts.ts';

const chunk = Array.from({ length: 1000 }, (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  k: "${'v'.repeat(20)}"\n`).join('');
const huge = chunk.repeat(Math.ceil((30 * 1024 * 1024) / chunk.length));

function serverRssMb(client: LspClient): number {
  const pid = (client as unknown as { child: { pid: number } }).child.pid;
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

describe('language server: a 30 MB document in the editor', () => {
  const ws = tempWorkspace({});
  let client: LspClient;

  before(async () => {
    client = new LspClient({ root: ws.root });
    await client.initialize();
  });
  after(() => {
    client.kill();
    ws.dispose();
  });

  it('when opened and edited, then it is reported as over the size bound, the server stays under 1 GiB and still answers for another document', async () => {
    const big = ws.uri('stream.yaml');
    client.open(big, huge);
    const reported = await client.diagnostics(big, (d) => d.some((x) => x.code === 'limits/file-size'), { timeoutMs: 60_000 });
    assert.ok(reported.some((d) => d.code === 'limits/file-size'));
    client.notify('textDocument/didChange', { textDocument: { uri: big, version: 2 }, contentChanges: [{ text: huge + '# edited\n' }] });
    const policy = ws.uri('policy.yaml');
    client.open(policy, brokenPolicy);
    const diagnostics = await client.diagnostics(policy, (d) => d.length > 0, { timeoutMs: 60_000 });
    assert.ok(diagnostics.some((d) => d.code === 'schema/enum'), 'the other document is still analysed');
    const hover = await client.request('textDocument/hover', { textDocument: { uri: policy }, position: positionOf(brokenPolicy, 'validationFailureAction') }, 60_000);
    assert.ok(hover?.contents?.value, 'hover still answers');
    assert.ok(serverRssMb(client) < 1024, `server RSS ${serverRssMb(client).toFixed(0)} MB`);
  });
});
