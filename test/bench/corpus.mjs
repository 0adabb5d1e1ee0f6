// Benchmark (not a test): the analyzer over Kyverno's policy library against the bare `yaml`
// parse of the same files, in the same process, medians of several rounds, printed as ratios.
// "cold check" is what `kyverno-analyzer check` does: indexing spread over one worker thread per
// core (os.availableParallelism()), then the cross-file checks; the single-thread figure is printed
// beside it. The bare parse is single-threaded, as the budget defines it.
//   npm run build && node test/bench/corpus.mjs [corpusDir] [--rounds N]
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';
// The same bundled yaml instance the analyzer uses: same code, same JIT state.
import core from '../../dist/core.js';
const { parseAllDocuments } = core;

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 3;
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
const coldTimes = [];
const singleTimes = [];
const warmTimes = [];
for (let r = 0; r < rounds; r++) {
  parseTimes.push(time(() => { for (const f of files) parseAllDocuments(readFileSync(f, 'utf8')); }));
  coldTimes.push(await timeAsync(() => core.analyzeWorkspaceInParallel(request, threads)));
  singleTimes.push(time(() => core.analyzeWorkspace(request)));
  const cacheLocation = mkdtempSync(join(tmpdir(), 'kpa-bench-'));
  await core.analyzeWorkspaceInParallel({ ...request, cacheLocation }, threads);
  warmTimes.push(await timeAsync(() => core.analyzeWorkspaceInParallel({ ...request, cacheLocation }, threads)));
  rmSync(cacheLocation, { recursive: true, force: true });
}
const parse = median(parseTimes);
const cold = median(coldTimes);
const single = median(singleTimes);
const warm = median(warmTimes);
console.log(`  bare yaml parseAllDocuments (read + parse, one thread): ${parse.toFixed(0)} ms`);
console.log(`  cold check (${threads} indexing threads): ${cold.toFixed(0)} ms   ratio to parse ${(cold / parse).toFixed(2)}  (budget <= 1.2)`);
console.log(`  cold check, one thread:  ${single.toFixed(0)} ms   ratio to parse ${(single / parse).toFixed(2)}`);
console.log(`  warm --cache: ${warm.toFixed(0)} ms   ratio to cold  ${(warm / cold).toFixed(3)} (budget <= 0.1)`);
console.log(`  rounds: ${rounds}; rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
