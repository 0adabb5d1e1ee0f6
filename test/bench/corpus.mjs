// Benchmark (not a test): the analyzer over Kyverno's policy library against the bare `yaml`
// parse of the same files, in the same process, medians of several rounds, printed as ratios.
//   npm run build && node test/bench/corpus.mjs [corpusDir] [--rounds N]
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
// The same bundled yaml instance the analyzer uses: same code, same JIT state.
import core from '../../dist/core.js';
const { parseAllDocuments } = core;

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 3;
const root = resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--rounds') ?? process.env.KYVERNO_CORPUS ?? '../shared/corpus/kyverno-policies');
const config = core.loadConfig(undefined);
const request = { roots: [root], workspaceRoot: root, config };

const first = core.analyzeWorkspace(request);
const files = first.index.files().map((f) => f.file);
console.log(`corpus: ${root}\n  ${files.length} files, ${first.summary.documents} documents, ${first.summary.policies} policies, ${first.summary.rules} rules, ${first.findings.length} findings`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => { const t = performance.now(); fn(); return performance.now() - t; };

const parseTimes = [];
const coldTimes = [];
const warmTimes = [];
for (let r = 0; r < rounds; r++) {
  parseTimes.push(time(() => { for (const f of files) parseAllDocuments(readFileSync(f, 'utf8')); }));
  coldTimes.push(time(() => core.analyzeWorkspace(request)));
  const cacheLocation = mkdtempSync(join(tmpdir(), 'kpa-bench-'));
  core.analyzeWorkspace({ ...request, cacheLocation });
  warmTimes.push(time(() => core.analyzeWorkspace({ ...request, cacheLocation })));
  rmSync(cacheLocation, { recursive: true, force: true });
}
const parse = median(parseTimes);
const cold = median(coldTimes);
const warm = median(warmTimes);
console.log(`  bare yaml parseAllDocuments (read + parse): ${parse.toFixed(0)} ms`);
console.log(`  cold check:  ${cold.toFixed(0)} ms   ratio to parse ${(cold / parse).toFixed(2)}  (budget <= 1.2)`);
console.log(`  warm --cache: ${warm.toFixed(0)} ms   ratio to cold  ${(warm / cold).toFixed(3)} (budget <= 0.1)`);
console.log(`  rounds: ${rounds}; rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
