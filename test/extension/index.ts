// The extension-test entry point: VS Code's extension host (launched with --extensionTestsPath by
// @vscode/test-electron, or by code-server's smoke-test driver in test/e2e/extension-host.e2e.mjs)
// calls run(). It runs every *.test.js bundled next to it with mocha. Results go to the console
// (spec reporter) and, when KYVERNO_EXTENSION_TEST_REPORT names a file, one line per test to that
// file: code-server's extension host has no terminal of its own, so the driver prints the file.
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 240_000, reporter: 'spec' });
  const files = readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort();
  if (files.length === 0) return Promise.reject(new Error(`no *.test.js next to ${__filename}: run npm run build`));
  for (const name of files) mocha.addFile(join(__dirname, name));

  const reportFile = process.env.KYVERNO_EXTENSION_TEST_REPORT;
  const report = (line: string) => {
    if (reportFile) appendFileSync(reportFile, line + '\n');
  };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
    runner.on('pass', (t) => report(`  ok    ${t.fullTitle()} (${t.duration ?? 0} ms)`));
    runner.on('fail', (t, error: Error) => report(`  FAIL  ${t.fullTitle()}\n${String(error?.stack ?? error).replace(/^/gm, '        ')}`));
    runner.on('pending', (t) => report(`  skip  ${t.fullTitle()}`));
    runner.on('end', () => report(`${runner.stats?.passes ?? 0} passing, ${runner.stats?.failures ?? 0} failing, ${runner.stats?.pending ?? 0} pending`));
  });
}
