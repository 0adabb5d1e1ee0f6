// Benchmark (not a test): the analyzer over Kyverno's policy library against the bare `yaml`
// parse of the same files, in the same process, printed as ratios.
// "cold check" is a whole analysis without the result cache. The budget line is the check on one
// thread, the thread the bare parse runs on, so both run with the same compiled code and the same
// heap settings; each round times the parse and the check back to back and the ratio is the
// median of the rounds' ratios (this machine's speed drifts by ±15% over a minute). The command
// line's default, indexing on one worker thread per core, is printed beside it: its workers start
// cold in every round, which the bare parse never does.
//   npm run build && node test/bench/corpus.mjs [corpusDir] [--rounds N]
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';
// The same bundled yaml instance the analyzer uses: same code, same JIT state.
import core from '../../dist/core.js';
const { parseAllDocuments } = core;

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 5;
const root = resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--rounds') ?? process.env.KYVERNO_CORPUS ?? '../shared/corpus/kyverno-policies');
const config = core.loadConfig(undefined);
const request = { roots: [root], workspaceRoot: root, config };

// Only the file list is kept from the first run: a whole analysis held across the rounds would
// make every later collection (in both the parse and the check) walk it.
const { files, summary, findingCount } = (() => {
  const first = core.analyzeWorkspace(request);
  return { files: first.index.files().map((f) => f.file), summary: first.summary, findingCount: first.findings.length };
})();
console.log(`corpus: ${root}\n  ${files.length} files, ${summary.documents} documents, ${summary.policies} policies, ${summary.rules} rules, ${findingCount} findings`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => { const t = performance.now(); fn(); return performance.now() - t; };

const timeAsync = async (fn) => { const t = performance.now(); await fn(); return performance.now() - t; };
const threads = availableParallelism();

const parseTimes = [];
const singleRatios = [];
const parallelRatios = [];
const warmRatios = [];
for (let r = 0; r < rounds; r++) {
  const parse = time(() => { for (const f of files) parseAllDocuments(readFileSync(f, 'utf8')); });
  parseTimes.push(parse);
  const single = time(() => core.analyzeWorkspace(request));
  singleRatios.push(single / parse);
  const parallel = await timeAsync(() => core.analyzeWorkspaceInParallel(request, threads));
  parallelRatios.push(parallel / parse);
  const cacheLocation = mkdtempSync(join(tmpdir(), 'kpa-bench-'));
  await core.analyzeWorkspaceInParallel({ ...request, cacheLocation }, threads);
  warmRatios.push((await timeAsync(() => core.analyzeWorkspaceInParallel({ ...request, cacheLocation }, threads))) / single);
  rmSync(cacheLocation, { recursive: true, force: true });
  console.log(`  round ${r + 1}: parse ${parse.toFixed(0)} ms, check ${single.toFixed(0)} ms (${(single / parse).toFixed(2)}), with ${threads} indexing threads ${parallel.toFixed(0)} ms (${(parallel / parse).toFixed(2)})`);
}
const range = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
console.log(`  bare yaml parseAllDocuments (read + parse, one thread): median ${median(parseTimes).toFixed(0)} ms`);
console.log(`  cold check, one thread: ratio to parse ${median(singleRatios).toFixed(2)} (rounds ${range(singleRatios)})  (budget <= 1.2)`);
console.log(`  cold check, ${threads} indexing threads: ratio to parse ${median(parallelRatios).toFixed(2)} (rounds ${range(parallelRatios)})`);
console.log(`  warm --cache: ratio to cold ${median(warmRatios).toFixed(3)} (budget <= 0.1)`);
console.log(`  rounds: ${rounds}; rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
