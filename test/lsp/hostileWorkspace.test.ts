// issue 15 in the editor: a workspace whose config holds a backtracking glob, with a link to a file
// outside it and a FIFO inside it. The server indexes it, answers within 5 s, and no content from
// outside the workspace reaches a diagnostic or a symbol.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { LspClient, tempWorkspace } from './client.ts';
import { brokenPolicy } from './texts.ts';

const SECRET = 'kpa-outside-secret-3c9d';
const longName = `${'a'.repeat(60)}.yaml`;

function hostileServer(files: Record<string, string>) {
  const outside = mkdtempSync(join(tmpdir(), 'kpa-outside-'));
  const ws = tempWorkspace(files);
  const state = { ws, client: undefined as unknown as LspClient };
  before(async () => {
    writeFileSync(join(outside, 'secret.yaml'), brokenPolicy.replace('require-team-label', SECRET));
    symlinkSync(join(outside, 'secret.yaml'), ws.path('leak.yaml'));
    execFileSync('mkfifo', [ws.path('pipe.yaml')]);
    state.client = new LspClient({ root: ws.root });
    await state.client.initialize();
  });
  after(() => {
    state.client.kill();
    ws.dispose();
    rmSync(outside, { recursive: true, force: true });
  });
  return state;
}

describe('language server: a backtracking exclude glob', () => {
  const s = hostileServer({ '.kyverno-analyzer.yaml': `exclude: ["${'*a'.repeat(12)}*b"]\n`, [longName]: brokenPolicy });

  it('indexes past it and answers within 5 s', async () => {
    const diagnostics = await s.client.diagnostics(s.ws.uri(longName), (d) => d.some((x) => x.code === 'schema/enum'), { timeoutMs: 5000 });
    assert.ok(diagnostics.some((d) => d.code === 'schema/enum'));
    const symbols = await s.client.request('workspace/symbol', { query: '' }, 5000);
    assert.ok(Array.isArray(symbols));
  });
});

describe('language server: a link to a file outside the workspace, and a FIFO inside it', () => {
  const s = hostileServer({ 'policy.yaml': brokenPolicy });

  it('does not read the linked file: its content is in no diagnostic or symbol, and the FIFO does not block indexing', async () => {
    await s.client.diagnostics(s.ws.uri('policy.yaml'), (d) => d.some((x) => x.code === 'schema/enum'), { timeoutMs: 5000 });
    await s.client.waitFor('kyverno/status', (st: any) => !st.indexing, { timeoutMs: 5000 });
    const symbols = await s.client.request('workspace/symbol', { query: '' }, 5000);
    const published = s.client.received.filter((m) => m.method === 'textDocument/publishDiagnostics');
    assert.doesNotMatch(JSON.stringify(symbols) + JSON.stringify(published), new RegExp(SECRET));
    const leak = published.filter((m) => m.params.uri === s.ws.uri('leak.yaml')).at(-1);
    assert.ok(!leak || leak.params.diagnostics.every((d: { code: string }) => d.code === 'io/outside-workspace'), JSON.stringify(leak?.params));
  });
});
