// Measures what test/lsp/hostile.test.ts and indexing.test.ts bound, with numbers: (1) 50 quick
// incremental edits to a 20 MB open document, then a hover on another document: how long the hover
// waits; (2) 200 didOpen sent in a burst while 800 files are indexed: when the last opened document
// is first published, and when indexing ends. Run after `npm run build`:
//   node --import tsx test/lsp/bench-input.mts
import { LspClient, positionOf, tempWorkspace } from './client.ts';
import { brokenPolicy } from './texts.ts';

async function hugeDocumentEdits(): Promise<void> {
  const chunk = Array.from({ length: 1000 }, (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  k: "${'v'.repeat(20)}"\n`).join('');
  const text = chunk.repeat(Math.ceil((20 * 1024 * 1024) / chunk.length));
  const ws = tempWorkspace({});
  const client = new LspClient({ root: ws.root });
  try {
    await client.initialize();
    const big = ws.uri('big.yaml');
    const policy = ws.uri('policy.yaml');
    client.open(policy, brokenPolicy);
    await client.diagnostics(policy, (d) => d.length > 0, { timeoutMs: 20_000 });
    client.open(big, text);
    await client.diagnostics(big, () => true, { timeoutMs: 60_000 });
    const started = performance.now();
    for (let version = 2; version <= 51; version++) {
      const at = { line: 300_000 + version, character: 0 };
      client.notify('textDocument/didChange', { textDocument: { uri: big, version }, contentChanges: [{ range: { start: at, end: at }, text: `# edit ${version}\n` }] });
    }
    await client.request('textDocument/hover', { textDocument: { uri: policy }, position: positionOf(brokenPolicy, 'validationFailureAction') }, 60_000);
    const hoverMs = performance.now() - started;
    await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === big && p.version === 51, { timeoutMs: 60_000 });
    console.log(`20 MB document, 50 edits at once: hover answered after ${hoverMs.toFixed(0)} ms; version 51 published after ${(performance.now() - started).toFixed(0)} ms`);
  } finally {
    client.kill();
    ws.dispose();
  }
}

async function openBurstDuringIndexing(): Promise<void> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 800; i++) files[`p/p${i}.yaml`] = brokenPolicy.replace('require-team-label', `policy-${i}`);
  const ws = tempWorkspace(files);
  const client = new LspClient({ root: ws.root });
  try {
    await client.initialize();
    await client.waitFor('$/progress', (p: any) => p.value.kind === 'begin');
    const since = client.mark();
    const started = performance.now();
    const opened = Array.from({ length: 200 }, (_, i) => `p/p${i * 4}.yaml`);
    for (const rel of opened) client.open(ws.uri(rel), files[rel]!);
    const times = opened.map((rel) => client.diagnostics(ws.uri(rel), () => true, { since, timeoutMs: 120_000 }).then(() => performance.now() - started));
    const indexed = client.waitFor('$/progress', (p: any) => p.value.kind === 'end', { since, timeoutMs: 120_000 }).then(() => performance.now() - started);
    console.log(`800 files, 200 opened in a burst: last opened document published after ${Math.max(...(await Promise.all(times))).toFixed(0)} ms; indexing and checks ended after ${(await indexed).toFixed(0)} ms`);
  } finally {
    client.kill();
    ws.dispose();
  }
}

await hugeDocumentEdits();
await openBurstDuringIndexing();
