// Benchmark (not a test): the real language server over stdio on a synthetic workspace of N
// policies. Measures, per edit of one policy: didChange -> publishDiagnostics of that document
// (the edited file's own diagnostics; includes the server's 150 ms typing debounce, reported
// separately), and didChange -> the workspace pass done (kyverno/status after it). Server RSS last.
//   npm run build && node --import tsx test/bench/lsp-edit.mts [policies] [edits]
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../lsp/client.ts';

const policies = Number(process.argv[2] ?? 10000);
const edits = Number(process.argv[3] ?? 40);
const DEBOUNCE_MS = 150;

const src = readFileSync('test/bench/synthetic.mjs', 'utf8');
const generators = src.slice(src.indexOf('const kinds'), src.indexOf('const texts'));
const { legacyPolicy, celPolicy } = new Function(`${generators}; return { legacyPolicy, celPolicy };`)() as Record<string, (i: number) => string>;

const root = mkdtempSync(join(tmpdir(), 'kpa-lsp-bench-'));
for (let i = 0; i < policies; i++) {
  const dir = join(root, `team-${i % 100}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `p${i}.yaml`), i % 4 === 3 ? celPolicy(i) : legacyPolicy(i));
}
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

const client = new LspClient({ root, workDoneProgress: true });
const started = performance.now();
await client.initialize();
await client.waitFor('$/progress', (p: { value?: { kind?: string } }) => p.value?.kind === 'end', { timeoutMs: 600_000 });
console.log(`indexed ${policies} policies in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// A legacy validation (it has findings, so the server publishes it on every change).
const file = join(root, 'team-1', 'p1.yaml');
const uri = pathToFileURL(file).href;
let text = readFileSync(file, 'utf8');
client.open(uri, text, 1);
await new Promise((r) => setTimeout(r, 2000));
const first = await client.diagnostics(uri, () => true, { timeoutMs: 20_000 }).catch(() => undefined);
console.log(`opened: ${first?.length ?? "no"} diagnostics; ${(client as any).received.filter((m: any) => m.method === "textDocument/publishDiagnostics").length} publishes; `);
const own: number[] = [];
const pass: number[] = [];
for (let e = 0; e < edits; e++) {
  text = text.replace(/name: (\S+)/, `name: $1x`);
  const since = client.mark();
  const t = performance.now();
  client.notify('textDocument/didChange', { textDocument: { uri, version: e + 2 }, contentChanges: [{ text }] });
  await client.waitFor('textDocument/publishDiagnostics', (p: { uri: string; version?: number }) => p.uri === uri && p.version === e + 2, { since, timeoutMs: 60_000 });
  own.push(performance.now() - t);
  await client.waitFor('kyverno/status', () => true, { since, timeoutMs: 60_000 });
  pass.push(performance.now() - t);
}
console.log(`edit -> own diagnostics: p50 ${percentile(own, 0.5).toFixed(0)} ms, p95 ${percentile(own, 0.95).toFixed(0)} ms (of which ${DEBOUNCE_MS} ms typing debounce; analysis p95 ${(percentile(own, 0.95) - DEBOUNCE_MS).toFixed(0)} ms, budget <= 50)`);
console.log(`edit -> workspace pass done: p50 ${percentile(pass, 0.5).toFixed(0)} ms, p95 ${percentile(pass, 0.95).toFixed(0)} ms (includes two ${DEBOUNCE_MS} ms debounces)`);
const pid = (client as unknown as { child?: { pid?: number } }).child?.pid;
if (pid) console.log(`server rss ${(Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024).toFixed(0)} MB (budget <= 300)`);
await client.shutdown();
rmSync(root, { recursive: true, force: true });
