// Benchmark (not a test): the command line as a CI user runs it, whole processes timed from spawn
// to exit (start-up, schema validators, JIT warm-up and the GC of a fresh process included), against
// a bare process that reads the same files and runs `yaml`'s parseAllDocuments on one thread.
// Rounds are interleaved (bare, then --jobs 1 and the default in alternating order) and the ratios are medians of per-round ratios,
// since this machine's speed drifts. The default must never be slower than --jobs 1.
// Each run also reports its CPU time (user+sys of the whole process, every thread) and the
// 1-minute load when it started: on a shared machine the wall ratio moves with the neighbours'
// load, the CPU ratio much less.
//   npm run build && node test/bench/cli-process.mjs [folder] [--rounds N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import core from '../../dist/core.js';

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 5;
const root = resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--rounds') ?? process.env.KYVERNO_CORPUS ?? '../shared/corpus/kyverno-policies');

const { files } = core.discoverFiles([root], root, core.loadConfig(undefined).config);
const dir = mkdtempSync(join(tmpdir(), 'kpa-cli-bench-'));
const list = join(dir, 'files.json');
writeFileSync(list, JSON.stringify(files.map((f) => f.path)));
// The baseline: the same files read and parsed in a fresh process, nothing else.
const bare = join(dir, 'bare.cjs');
writeFileSync(bare, `const { readFileSync } = require('node:fs');
const { parseAllDocuments } = require(${JSON.stringify(resolve('node_modules/yaml'))});
for (const f of JSON.parse(readFileSync(${JSON.stringify(list)}, 'utf8'))) parseAllDocuments(readFileSync(f, 'utf8'));
`);

// Preloaded into every timed process: at exit, the main thread writes the process's CPU time.
const cpuHook = join(dir, 'cpu.cjs');
const cpuFile = join(dir, 'cpu.json');
writeFileSync(cpuHook, `const { isMainThread } = require('node:worker_threads');
if (isMainThread) process.on('exit', () => { const u = process.cpuUsage(); require('node:fs').writeFileSync(${JSON.stringify(cpuFile)}, String((u.user + u.system) / 1000)); });
`);
const run = (argv) => {
  const load = loadavg()[0];
  rmSync(cpuFile, { force: true });
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--require', cpuHook, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = performance.now() - t;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, cpu: Number(readFileSync(cpuFile, 'utf8')), load };
};
const cli = resolve('dist/cli.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

console.log(`folder ${root}: ${files.length} files; ${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)}`);
const times = { bare: [], one: [], dflt: [] };
const cpus = { bare: [], one: [], dflt: [] };
const ratios = { one: [], dflt: [], oneCpu: [], dfltCpu: [] };
const show = (x) => `${x.ms.toFixed(0)} ms wall, ${x.cpu.toFixed(0)} ms CPU, load ${x.load.toFixed(1)}`;
for (let r = 0; r < rounds; r++) {
  // The two checks swap places every round: whichever runs right after the bare parse meets a warmer page cache.
  const b = run([bare]);
  const [one, dflt] = r % 2 === 0
    ? [run([cli, 'check', root, '--jobs', '1']), run([cli, 'check', root])]
    : [run([cli, 'check', root]), run([cli, 'check', root, '--jobs', '1'])].reverse();
  for (const [key, x] of [['bare', b], ['one', one], ['dflt', dflt]]) {
    times[key].push(x.ms);
    cpus[key].push(x.cpu);
  }
  ratios.one.push(one.ms / b.ms);
  ratios.dflt.push(dflt.ms / one.ms);
  ratios.oneCpu.push(one.cpu / b.cpu);
  ratios.dfltCpu.push(dflt.cpu / one.cpu);
  console.log(`  round ${r + 1}: bare parse ${show(b)}; check --jobs 1 ${show(one)} (${(one.ms / b.ms).toFixed(2)} wall, ${(one.cpu / b.cpu).toFixed(2)} CPU); check (default) ${show(dflt)} (${(dflt.ms / one.ms).toFixed(2)} of --jobs 1 wall)`);
}
console.log(`  medians: bare ${median(times.bare).toFixed(0)} ms (CPU ${median(cpus.bare).toFixed(0)}), --jobs 1 ${median(times.one).toFixed(0)} ms (CPU ${median(cpus.one).toFixed(0)}), default ${median(times.dflt).toFixed(0)} ms (CPU ${median(cpus.dflt).toFixed(0)})`);
console.log(`  check --jobs 1 / bare parse process: wall ${median(ratios.one).toFixed(2)} (rounds ${range(ratios.one)}), CPU ${median(ratios.oneCpu).toFixed(2)} (rounds ${range(ratios.oneCpu)}) (budget <= 1.2)`);
console.log(`  default / --jobs 1: wall ${median(ratios.dflt).toFixed(2)} (rounds ${range(ratios.dflt)}), CPU ${median(ratios.dfltCpu).toFixed(2)} (budget <= 1.0, wall)`);
console.log(`  load at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
rmSync(dir, { recursive: true, force: true });
