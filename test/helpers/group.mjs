// Runs several test files in one process, each as a suite named by its path, so a failure still
// names its file. One Node + tsx start per file cost more CPU than most files' own tests (45 small
// files: 49 s of CPU one process each, 4 s together), and `npm test` is bounded by CPU on 2 cores.
// Only files that pass alone and keep no process-wide state are grouped (scripts/run-tests.mjs).
//   node --import tsx --test-reporter=spec test/helpers/group.mjs <file.test.ts> …
import { describe } from 'node:test';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

for (const file of process.argv.slice(2)) {
  // The suite's callback is the import: the file's top-level tests register inside it.
  describe(file, async () => { await import(pathToFileURL(resolve(file)).href); });
}
