// Benchmark (not a test): typing in a real policy repository, as issue 14 measures it. The built
// server is started as the VS Code client starts it (node IPC, SERVER_NODE_FLAGS) on a folder
// (default: the public policy corpus, ~1,150 CronJobs in its test fixtures), indexes it, then:
//  1. typing in a validate rule's message: 20 edits 0.3 s apart, a hover 100 ms after each;
//     server CPU per edit (from /proc, first edit to idle), hover p95, idle after the last edit;
//  2. the same after switching the policy to Enforce (so blocked-by-policy screens with it);
//  3. changing what the Pod validation requires (its pattern), edits 2 s apart: CPU per edit.
// "Idle" is the first 250 ms window without server CPU after the last edit.
//   npm run build && [LENSES=1] node --import tsx test/bench/lsp-typing.mts [folder] [relative policy path]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../lsp/client.ts';

const root = resolve(process.argv[2] ?? process.env.KYVERNO_CORPUS ?? '../shared/corpus/kyverno-policies');
const policyPath = join(root, process.argv[3] ?? 'pod-security/baseline/disallow-host-path/disallow-host-path.yaml');
const TICK_S = 0.01; // USER_HZ is 100 on Linux

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

const client = new LspClient({ root, transport: 'ipc', workDoneProgress: true });
const pid = (client as unknown as { child: { pid: number } }).child.pid;
/** The server's user + system CPU so far, in seconds. */
const cpu = (): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_S;
};
const rssMb = () => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) / 1024;
/** Waits until the server spends no CPU for a 250 ms window; returns when that window started. */
async function idle(timeoutMs = 120_000): Promise<number> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const start = performance.now();
    const before = cpu();
    await sleep(250);
    if (cpu() === before) return start;
    if (performance.now() > until) throw new Error('the server never went idle');
  }
}

const started = performance.now();
await client.initialize();
await client.waitFor('$/progress', (p: { value?: { kind?: string } }) => p.value?.kind === 'end', { timeoutMs: 900_000 });
const indexed = performance.now();
await idle(900_000);
console.log(`folder ${root}\n  indexed in ${((indexed - started) / 1000).toFixed(1)} s, settled after ${((performance.now() - started) / 1000).toFixed(1)} s; server CPU ${cpu().toFixed(1)} s; RSS ${rssMb().toFixed(0)} MB`);

const uri = pathToFileURL(policyPath).href;
let text = readFileSync(policyPath, 'utf8');
let version = 1;
client.open(uri, text, version);
await client.diagnostics(uri, () => true, { timeoutMs: 60_000 });
await idle();

const lineOf = (needle: string) => {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`"${needle}" not in ${policyPath}`);
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
};
const change = (next: string) => {
  text = next;
  client.notify('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ text }] });
};

// LENSES=1: after each edit the policy's code lenses are listed and resolved, as VS Code does on
// screen (the Enforce impact lens among them).
const withLenses = process.env.LENSES === '1';
async function lenses(): Promise<void> {
  if (!withLenses) return;
  const listed = (await client.request('textDocument/codeLens', { textDocument: { uri } }, 60_000)) as unknown[];
  await Promise.all(listed.map((lens) => client.request('codeLens/resolve', lens, 60_000)));
}

async function typing(label: string, edits = 20, spacingMs = 300): Promise<void> {
  const hovers: number[] = [];
  const cpuStart = cpu();
  let lastEdit = 0;
  for (let e = 0; e < edits; e++) {
    const tick = performance.now();
    // One more character in the first validate message.
    change(text.replace(/(message: *[>|]?-?\s*)(\S)/, '$1x$2'));
    lastEdit = performance.now();
    await sleep(100);
    const h = performance.now();
    await client.request('textDocument/hover', { textDocument: { uri }, position: lineOf('message:') }, 60_000);
    hovers.push(performance.now() - h);
    await lenses();
    await sleep(Math.max(0, spacingMs - (performance.now() - tick)));
  }
  const quiet = await idle();
  const perEdit = (cpu() - cpuStart) / edits;
  console.log(`  ${label}: server CPU ${perEdit.toFixed(3)} s per edit (budget <= 0.1); hover p50 ${percentile(hovers, 0.5).toFixed(1)} ms, p95 ${percentile(hovers, 0.95).toFixed(1)} ms (budget <= 50); idle ${Math.max(0, (quiet - lastEdit) / 1000).toFixed(2)} s after the last edit (budget <= 1)`);
}

async function requirementEdits(edits = 5): Promise<void> {
  const costs: number[] = [];
  for (let e = 0; e < edits; e++) {
    const before = cpu();
    // The first pattern value the rule requires, changed back and forth.
    const marker = /(pattern:\s*\n(?:\s+.*\n)*?\s+(?:- )?[^\s:]+: +)("?)([^"\n]*)\2\n/;
    if (!marker.test(text)) throw new Error('no pattern value to change');
    change(text.replace(marker, (_m, head: string, quote: string, value: string) => `${head}${quote}${value.endsWith('z') ? value.slice(0, -1) : `${value}z`}${quote}\n`));
    await lenses();
    await sleep(2000);
    await idle();
    costs.push(cpu() - before);
  }
  console.log(`  changing what the Pod validation requires: server CPU per edit ${costs.map((c) => c.toFixed(2)).join(' ')} s (max ${Math.max(...costs).toFixed(2)}; budget <= 1)`);
}

console.log(`typing in ${policyPath}`);
await typing('message, as found');
if (/validationFailureAction: *Audit/.test(text)) {
  change(text.replace(/validationFailureAction: *Audit/, 'validationFailureAction: Enforce'));
  await sleep(500);
  await idle();
  await typing('message, policy switched to Enforce');
}
await requirementEdits();
console.log(`  server RSS ${rssMb().toFixed(0)} MB`);
await client.shutdown();
