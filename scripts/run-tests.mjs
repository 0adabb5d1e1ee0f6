// Runs the test files in parallel worker processes, slowest first, and prints each process's output
// whole when it ends (no interleaving). Small unit test files share processes (see OWN_PROCESS). `node --test` alone runs files one after another on a
// 2-core machine (its concurrency defaults to cores - 1), and its files are listed here because
// Node 20's runner takes no globs.
//   node scripts/run-tests.mjs [--typecheck] [--e2e] [--jobs N] [--durations] [--no-group] [file-or-folder ...]
// Suites: test/unit, test/lsp, test/corpus; `--e2e` adds test/e2e. `--typecheck` runs `tsc --noEmit`
// as one more job beside the test files: before them, it held both cores' worth of wall time on one. `--jobs` (or TEST_JOBS)
// defaults to the number of cores. Each file's wall time is kept in node_modules/.cache so the
// next run starts the slow corpus files first; `--durations` lists every file's time.
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { spawn } from 'node:child_process';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const jobs = Math.max(1, Number(option('--jobs') ?? process.env.TEST_JOBS ?? availableParallelism()) || 1);
const explicit = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--jobs');

const suites = explicit.length ? explicit : ['test/unit', 'test/lsp', 'test/corpus'];
if (flag('--e2e')) suites.push('test/e2e');
const files = [];
const walk = (path) => {
  let stat;
  try { stat = statSync(path); } catch { return; }
  if (!stat.isDirectory()) {
    if (path.endsWith('.test.ts')) files.push(path);
    return;
  }
  for (const name of readdirSync(path).sort()) walk(join(path, name));
};
suites.forEach(walk);
const TYPECHECK = 'tsc --noEmit -p .';
if (flag('--typecheck')) files.push(TYPECHECK);

const cachePath = join('node_modules', '.cache', 'kyverno-run-tests.json');
let known = {};
try { known = JSON.parse(readFileSync(cachePath, 'utf8')); } catch { /* first run */ }
// Longest first, so no slow file starts last. Before a first run has measured them, the files
// known to take longest (the corpus, the worker-thread and incremental property tests, the
// scaffold's project copy, the hostile-input suites, the fixture and fix suites) count as slow: a
// fresh clone (CI) has no recorded times, and a slow file started last sets the wall time.
const SLOW = /corpus|cli\/parallel|incrementalPass|scaffold|hostile|fastValues|fixtures\.test|Fixes\.test|lsp\/indexing|^tsc /;
const guess = (file) => known[file] ?? (SLOW.test(file) ? 1e9 : 0);

// Every other unit test file shares a process with others (test/helpers/group.mjs): a Node + tsx
// start per file cost more CPU than most files' own tests. Files that start servers, hook the
// engine's error reporting or run long keep their own process. `--no-group` runs each alone.
const OWN_PROCESS = /^test\/(lsp|corpus|e2e)\/|internalErrors\.test/;
const GROUP_BELOW_MS = 8_000;
const groupable = (file) => file !== TYPECHECK && !flag('--no-group') && !OWN_PROCESS.test(file) && !SLOW.test(file) && guess(file) < GROUP_BELOW_MS;
const grouped = files.filter(groupable);
// Groups of about GROUP_MS of recorded time (at least one per job), filled longest file first
// into the lightest group, so that they end together.
const GROUP_MS = 15_000;
const estimate = (file) => known[file] ?? 1_000;
const groupCount = Math.min(grouped.length, Math.max(jobs, Math.ceil(grouped.reduce((sum, f) => sum + estimate(f), 0) / GROUP_MS)));
const groups = Array.from({ length: groupCount }, () => ({ files: [], ms: 0 }));
for (const file of [...grouped].sort((a, b) => estimate(b) - estimate(a))) {
  const lightest = groups.reduce((a, b) => (b.ms < a.ms ? b : a));
  lightest.files.push(file);
  lightest.ms += estimate(file);
}
const jobsToRun = [
  ...files.filter((f) => !groupable(f)).map((file) => ({ name: file, files: [file], ms: guess(file) })),
  ...groups.map((g, i) => ({ name: `group ${i + 1} (${g.files.length} files)`, files: g.files, ms: g.ms })),
];
const queue = [...jobsToRun].sort((a, b) => b.ms - a.ms);

const FILE_TIMEOUT_MS = Number(process.env.TEST_FILE_TIMEOUT_MS) || 600_000;
const COUNTS = ['tests', 'pass', 'fail', 'cancelled', 'skipped', 'todo'];
const totals = Object.fromEntries(COUNTS.map((k) => [k, 0]));
const durations = {};
const failed = [];
const started = Date.now();

function argsOf(job) {
  if (job.name === TYPECHECK) return [join('node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.'];
  if (job.files.length > 1 || job.name.startsWith('group')) return ['--import', 'tsx', '--test-reporter=spec', join('test', 'helpers', 'group.mjs'), ...job.files];
  return ['--import', 'tsx', '--test', '--test-reporter=spec', job.files[0]];
}

/** A group's files are suites named by their paths: their times and failures are read per file. */
function perFile(job, output, ms, ok) {
  if (!job.name.startsWith('group')) {
    durations[job.name] = ms;
    if (!ok) failed.push(job.name);
    return;
  }
  const ended = new Map([...output.matchAll(/^([✔✖]) (\S+) \(([\d.]+)ms\)$/gmu)].map((m) => [m[2], m]));
  for (const file of job.files) {
    const m = ended.get(file);
    if (m) durations[file] = Math.round(Number(m[3]));
    if (m?.[1] === '✖' || (!ok && !m)) failed.push(file);
  }
  if (!ok && !failed.some((f) => job.files.includes(f))) failed.push(job.name);
}

function run(job) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    // Its own process group, so a file that hangs is ended with the servers it started.
    const child = spawn(process.execPath, argsOf(job), {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    // A hung file fails the run with what it printed so far, instead of holding CI until its limit.
    const timer = setTimeout(() => {
      chunks.push(Buffer.from(`\nTIMED OUT: ${job.name} ran longer than ${FILE_TIMEOUT_MS / 1000} s (TEST_FILE_TIMEOUT_MS); its process group was killed.\n`));
      try { process.kill(-child.pid, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
    }, FILE_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Date.now() - t0;
      const output = Buffer.concat(chunks).toString('utf8');
      for (const key of COUNTS) {
        // The reporter's summary closes the output: its last line per key is the file's count.
        const m = [...output.matchAll(new RegExp(`^\\S*\\s*${key} (\\d+)$`, 'gm'))].pop();
        if (m) totals[key] += Number(m[1]);
      }
      perFile(job, output, ms, code === 0);
      const status = code !== 0 ? ` FAILED (${signal ?? `exit ${code}`})` : '';
      process.stdout.write(`\n── ${job.name} (${(ms / 1000).toFixed(1)} s)${status}\n${output}`);
      resolve();
    });
  });
}

async function worker() {
  for (let job = queue.shift(); job; job = queue.shift()) await run(job);
}
await Promise.all(Array.from({ length: Math.min(jobs, jobsToRun.length) }, worker));

const wall = (Date.now() - started) / 1000;
const byTime = Object.entries(durations).sort((a, b) => b[1] - a[1]);
const shown = flag('--durations') ? byTime : byTime.slice(0, 12);
console.log(`\n${files.length} files in ${jobsToRun.length} processes, ${jobs} at a time, ${wall.toFixed(1)} s wall; slowest:`);
for (const [file, ms] of shown) console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${file}`);
console.log(COUNTS.map((k) => `${k} ${totals[k]}`).join(', '));
if (failed.length) console.log(`failed files:\n  ${failed.join('\n  ')}`);
try {
  mkdirSync(dirname(cachePath), { recursive: true });
  writeFileSync(cachePath, JSON.stringify({ ...known, ...durations }, null, 1));
} catch { /* a read-only checkout still runs the tests */ }
process.exit(failed.length || totals.fail || totals.cancelled ? 1 : 0);
