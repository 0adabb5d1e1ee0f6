// Long fuzz run (not part of npm test): `node --import tsx test/fuzz/run.mjs [runs] [seed]`.
// A failure prints the shrunk counterexample: add it as a regression fixture.
import fc from 'fast-check';
import { WorkspaceIndex } from '../../server/src/workspace/index.ts';
import { runDocumentChecks, runWorkspaceChecks } from '../../server/src/checks/run.ts';
import { allChecks } from '../../server/src/checks/registry.ts';
import { anyText } from '../helpers/fuzzInputs.ts';

const runs = Number(process.argv[2] ?? 100000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
const started = performance.now();
let slowest = 0;
fc.assert(
  fc.property(anyText, (text) => {
    const t = performance.now();
    const index = new WorkspaceIndex();
    const { indexed } = index.setFile('/fuzz/doc.yaml', text);
    const hooks = { onCheckFailure: (f) => { throw new Error(`${f.checkId}: ${f.error?.stack ?? f.error}`); } };
    const findings = [...runDocumentChecks(indexed, allChecks, index.config, hooks), ...runWorkspaceChecks(index, allChecks, hooks)];
    for (const f of findings) if (!(f.span.start >= 0 && f.span.start <= f.span.end && f.span.end <= text.length)) throw new Error(`${f.code}: span outside text`);
    const elapsed = performance.now() - t;
    slowest = Math.max(slowest, elapsed);
    if (elapsed > 2000) throw new Error(`one input took ${elapsed.toFixed(0)} ms`);
  }),
  { numRuns: runs, seed },
);
console.log(`${runs} inputs, seed ${seed}: no throw, no hang (slowest ${slowest.toFixed(0)} ms), ${((performance.now() - started) / 1000).toFixed(0)} s`);
