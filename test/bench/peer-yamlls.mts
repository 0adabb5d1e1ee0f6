// Benchmark (not a test): side by side with Red Hat's yaml-language-server 1.25, given this
// project's Kyverno schemas bundled into one JSON schema, on the corpus files that hold a policy.
// Both servers are started the way their VS Code extensions start them (node IPC; this server with
// SERVER_NODE_FLAGS) on the corpus folder, by the same client, in interleaved rounds. Measured:
//  - open-all: every policy file opened at once -> each has its first publishDiagnostics;
//  - edit p95: typing in a validate message of one policy, 20 edits 0.3 s apart, didChange ->
//    the next publishDiagnostics of that file;
//  - settled RSS: after the server has spent no CPU for 250 ms, and 12 s more (V8's memory reducer).
// The peer is installed at run time into a temporary folder (never a dependency of this project):
//   npm run build && node --import tsx test/bench/peer-yamlls.mts [folder] [--rounds N]
// KYVERNO_ANALYZER_CLI=<bundle> measures another build of this server (as test/lsp/client.ts does).
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { SERVER_NODE_FLAGS } from '../../server/src/lsp/runtime.ts';
import { schemaRegistry, sharedDefs } from '../../server/src/schema/registry.ts';
import { discoverFiles } from '../../server/src/workspace/discover.ts';
import { defaultConfig } from '../../server/src/workspace/config.ts';

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 2;
const root = resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--rounds') ?? process.env.KYVERNO_CORPUS ?? '../shared/corpus/kyverno-policies');
const work = mkdtempSync(join(tmpdir(), 'kpa-peer-'));

// ---- the peer, and the schemas it is given ------------------------------------------------------
execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund', '--prefix', work, 'yaml-language-server@1.25'], { stdio: 'inherit' });
const peerServer = join(work, 'node_modules', 'yaml-language-server', 'out', 'server', 'src', 'server.js');
const peerVersion = JSON.parse(readFileSync(join(work, 'node_modules', 'yaml-language-server', 'package.json'), 'utf8')).version;

/** One draft-07 schema: each generated schema under $defs, chosen by apiVersion and kind; shared definitions rewritten to local references. */
function bundledSchema(): object {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9]/g, '_');
  const defsName = (group: string) => `defs_${safe(group)}`;
  const rewrite = (node: unknown, ownGroup: string | undefined): unknown => {
    if (Array.isArray(node)) return node.map((n) => rewrite(n, ownGroup));
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$id' || k === '$schema') continue;
      if (k === '$ref' && typeof v === 'string') {
        const shared = v.match(/^kyverno-analyzer:(.+)\/_defs#\/\$defs\/(.+)$/);
        if (shared) out.$ref = `#/$defs/${defsName(shared[1])}/$defs/${shared[2]}`;
        else if (v.startsWith('#/$defs/') && ownGroup) out.$ref = `#/$defs/${defsName(ownGroup)}/$defs/${v.slice('#/$defs/'.length)}`;
        else out.$ref = v;
        continue;
      }
      out[k] = rewrite(v, ownGroup);
    }
    return out;
  };
  const $defs: Record<string, unknown> = {};
  for (const [id, defs] of Object.entries(sharedDefs)) {
    const group = id.replace(/^kyverno-analyzer:/, '').replace(/\/_defs$/, '');
    $defs[defsName(group)] = rewrite(defs, group);
  }
  const allOf: unknown[] = [];
  for (const [key, schema] of Object.entries(schemaRegistry)) {
    const [group, kind, version] = key.split('/');
    $defs[safe(key)] = rewrite(schema, undefined);
    allOf.push({
      if: { properties: { apiVersion: { const: `${group}/${version}` }, kind: { const: kind } }, required: ['apiVersion', 'kind'] },
      then: { $ref: `#/$defs/${safe(key)}` },
    });
  }
  return { $schema: 'http://json-schema.org/draft-07/schema#', allOf, $defs };
}
const schemaFile = join(work, 'kyverno.schema.json');
writeFileSync(schemaFile, JSON.stringify(bundledSchema()));

// ---- the corpus files that hold a policy ---------------------------------------------------------
const { files: discovered } = discoverFiles([root], root, defaultConfig);
const POLICY = /^apiVersion: *["']?(?:kyverno\.io|policies\.kyverno\.io)\/\S+["']?\s*$(?:[\s\S]*?)^kind: *["']?(?:ClusterPolicy|Policy|ValidatingPolicy|MutatingPolicy|GeneratingPolicy|ImageValidatingPolicy|DeletingPolicy|Namespaced\w+Policy|ClusterCleanupPolicy|CleanupPolicy)["']?\s*$/m;
const files = discovered.map((f) => ({ path: f.path, text: readFileSync(f.path, 'utf8') })).filter((f) => POLICY.test(f.text));
const edited = files.find((f) => /validationFailureAction|validate:/.test(f.text) && /message: *[>|]?-?\s*\S/.test(f.text))!;

// ---- one client for both ---------------------------------------------------------------------------
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

interface Server {
  name: string;
  start(): ChildProcess;
}
const servers: Server[] = [
  { name: `yaml-language-server ${peerVersion}`, start: () => fork(peerServer, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] }) },
  { name: 'kyverno-policy-analyzer', start: () => fork(resolve(process.env.KYVERNO_ANALYZER_CLI ?? 'dist/cli.js'), ['lsp', '--node-ipc'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], execArgv: [...SERVER_NODE_FLAGS] }) },
];
const yamlSettings = { validate: true, hover: true, completion: true, schemas: { [pathToFileURL(schemaFile).href]: ['*.yaml', '*.yml'] }, schemaStore: { enable: false } };

async function measure(server: Server) {
  const child = server.start();
  const connection: MessageConnection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const firstSeen = new Map<string, number>();
  const waiters: { uri: string; resolve: () => void }[] = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string }) => {
    if (!firstSeen.has(p.uri)) firstSeen.set(p.uri, performance.now());
    for (const w of waiters.filter((w) => w.uri === p.uri)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  connection.onNotification(() => undefined);
  connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map((i) => (i.section === 'yaml' ? yamlSettings : i.section === 'kyverno' ? {} : null)));
  connection.onRequest(() => null);
  connection.listen();
  const cpu = () => {
    const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  };
  const rss = () => Number(readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) / 1024;
  const idle = async () => {
    for (let until = performance.now() + 900_000; performance.now() < until; ) {
      const before = cpu();
      await sleep(250);
      if (cpu() === before) return;
    }
  };
  const folder = pathToFileURL(root).href;
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: folder,
    workspaceFolders: [{ uri: folder, name: 'corpus' }],
    capabilities: { workspace: { configuration: true, workspaceFolders: true }, textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } }, window: { workDoneProgress: false } },
    initializationOptions: {},
  });
  connection.sendNotification('initialized', {});
  connection.sendNotification('workspace/didChangeConfiguration', { settings: { yaml: yamlSettings, kyverno: {} } });
  // Open-all: every policy file at once, as fast as the client can send them.
  const opened = performance.now();
  const cpuAtOpen = cpu();
  for (const f of files) connection.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(f.path).href, languageId: 'yaml', version: 1, text: f.text } });
  const uris = files.map((f) => pathToFileURL(f.path).href);
  while (uris.some((u) => !firstSeen.has(u))) await sleep(20);
  const openAll = Math.max(...uris.map((u) => firstSeen.get(u)!)) - opened;
  // CPU seconds to get there: on a shared machine the wall clock also counts the wait for a core.
  const openAllCpu = cpu() - cpuAtOpen;
  await idle();
  // Typing at 0.3 s spacing.
  const uri = pathToFileURL(edited.path).href;
  let text = edited.text;
  const latencies: number[] = [];
  for (let e = 0; e < 20; e++) {
    const tick = performance.now();
    text = text.replace(/(message: *[>|]?-?\s*)(\S)/, '$1x$2');
    const published = new Promise<void>((resolve) => waiters.push({ uri, resolve }));
    connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: e + 2 }, contentChanges: [{ text }] });
    await published;
    latencies.push(performance.now() - tick);
    await sleep(Math.max(0, 300 - (performance.now() - tick)));
  }
  await idle();
  await sleep(12_000);
  const settled = rss();
  child.kill();
  connection.dispose();
  return { openAll, openAllCpu, editP95: percentile(latencies, 0.95), editP50: percentile(latencies, 0.5), settled };
}

console.log(`folder ${root}: ${files.length} files hold a policy; edits in ${edited.path}`);
const results = new Map<string, Awaited<ReturnType<typeof measure>>[]>();
for (let r = 0; r < rounds; r++) {
  for (const server of r % 2 ? [...servers].reverse() : servers) {
    const m = await measure(server);
    results.set(server.name, [...(results.get(server.name) ?? []), m]);
    console.log(`  round ${r + 1} ${server.name}: open-all ${(m.openAll / 1000).toFixed(2)} s (server CPU ${m.openAllCpu.toFixed(2)} s), edit p50 ${m.editP50.toFixed(0)} ms p95 ${m.editP95.toFixed(0)} ms, settled RSS ${m.settled.toFixed(0)} MB`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [peer, ours] = servers.map((s) => results.get(s.name)!);
const ratio = (pick: (m: (typeof peer)[number]) => number) => (median(ours.map(pick)) / median(peer.map(pick))).toFixed(2);
console.log(`  ratios (this server / peer, medians): open-all ${ratio((m) => m.openAll)} (budget <= 1.0; server CPU ${ratio((m) => m.openAllCpu)}), edit p95 ${ratio((m) => m.editP95)} (budget <= 1.0), settled RSS ${ratio((m) => m.settled)} (budget <= 1.5)`);
rmSync(work, { recursive: true, force: true });
