// Benchmark (not a test): the real language server over stdio on a synthetic workspace of N
// policies. Measures, per edit of one policy: didChange -> publishDiagnostics of that document
// (the edited file's own diagnostics, the server's debounce included), and didChange -> the
// cross-file pass done (conflicts and every other workspace check republished; kyverno/status
// follows it). Edits alternate between a validation and a mutation (a mutation re-joins its
// bucket and re-checks the validations that read it). Server RSS last.
//   npm run build && node --import tsx test/bench/lsp-edit.mts [policies] [edits]
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../lsp/client.ts';

const policies = Number(process.argv[2] ?? 10000);
const edits = Number(process.argv[3] ?? 40);

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

// A legacy validation and a legacy mutation (both have findings, so the server publishes them on every change).
const opened = [1, 3].map((i) => {
  const file = join(root, `team-${i % 100}`, `p${i}.yaml`);
  return { uri: pathToFileURL(file).href, text: readFileSync(file, 'utf8'), version: 1 };
});
for (const doc of opened) client.open(doc.uri, doc.text, 1);
for (const doc of opened) await client.diagnostics(doc.uri, () => true, { timeoutMs: 60_000 });
await new Promise((r) => setTimeout(r, 1000));
const own: number[] = [];
const pass: number[] = [];
for (let e = 0; e < edits; e++) {
  const doc = opened[e % opened.length];
  const { uri } = doc;
  const version = ++doc.version;
  const text = (doc.text = doc.text.replace(/name: (\S+)/, `name: $1x`));
  const since = client.mark();
  const t = performance.now();
  client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  await client.waitFor('textDocument/publishDiagnostics', (p: { uri: string; version?: number }) => p.uri === uri && p.version === version, { since, timeoutMs: 60_000 });
  own.push(performance.now() - t);
  await client.waitFor('kyverno/status', () => true, { since, timeoutMs: 60_000 });
  pass.push(performance.now() - t);
}
console.log(`edit -> own diagnostics republished: p50 ${percentile(own, 0.5).toFixed(0)} ms, p95 ${percentile(own, 0.95).toFixed(0)} ms (debounce included; budget <= 50)`);
console.log(`edit -> cross-file pass done (conflicts re-joined, all files republished): p50 ${percentile(pass, 0.5).toFixed(0)} ms, p95 ${percentile(pass, 0.95).toFixed(0)} ms (budget <= 50)`);
console.log(`own: ${own.map((x) => x.toFixed(0)).join(" ")}\npass: ${pass.map((x) => x.toFixed(0)).join(" ")}`);
const pid = (client as unknown as { child?: { pid?: number } }).child?.pid;
const rss = () => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (key: string) => (Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? 0) / 1024).toFixed(0);
  return `${mb('VmRSS')} MB (peak ${mb('VmHWM')} MB)`;
};
if (pid) {
  console.log(`server rss right after the edits: ${rss()} (budget <= 300)`);
  // V8's memory reducer returns unused heap pages after ~8 s without allocation: the steady state of an editor at rest.
  await new Promise((r) => setTimeout(r, 12_000));
  console.log(`server rss after 12 s idle: ${rss()}`);
}
await client.shutdown();
rmSync(root, { recursive: true, force: true });
