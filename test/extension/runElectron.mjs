// `npm run test:electron`: the extension-host suite (test/extension, bundled to dist-test/extension)
// in a real VS Code downloaded by @vscode/test-electron (cached in .vscode-test/), against a fresh
// copy of examples/. Needs network access to update.code.visualstudio.com the first time, and a
// display on Linux (`xvfb-run -a npm run test:electron` on a headless machine). Where VS Code
// cannot be downloaded, `npm run test:e2e` runs the same suite in code-server's extension host.
// VSCODE_TEST_VERSION picks the VS Code version (default: the latest stable; the oldest the
// manifest supports is 1.91.0).
import { downloadAndUnzipVSCode, runTests, TestRunFailedError } from '@vscode/test-electron';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const testsIndex = join(repo, 'dist-test/extension/index.js');
const version = process.env.VSCODE_TEST_VERSION || 'stable';
const reason = (error) => (error instanceof Error ? error.message : String(error)).split('\n')[0];
const fail = (message) => {
  console.error(`test:electron: ${message}`);
  process.exit(1);
};

if (!existsSync(join(repo, 'dist/client.js')) || !existsSync(testsIndex)) fail('the extension or the test bundle is not built: run npm run build (npm run test:electron does)');
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.warn('test:electron: no DISPLAY; VS Code needs one on Linux (run under xvfb-run -a)');
}

let vscodeExecutablePath;
try {
  vscodeExecutablePath = await downloadAndUnzipVSCode({ version, timeout: 30_000 });
} catch (error) {
  fail(`could not download VS Code ${version} (${reason(error)}); this needs network access to update.code.visualstudio.com — without it, npm run test:e2e runs the same suite in code-server`);
}

const scratch = mkdtempSync(join(tmpdir(), 'kyverno-extension-tests-'));
const workspace = join(scratch, 'workspace');
cpSync(join(repo, 'examples'), workspace, { recursive: true });
const report = join(scratch, 'report.txt');
writeFileSync(report, '');
let exitCode = 0;
try {
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: repo,
    extensionTestsPath: testsIndex,
    launchArgs: [workspace, '--disable-extensions'],
    extensionTestsEnv: { KYVERNO_EXTENSION_TEST_REPORT: report },
  });
} catch (error) {
  exitCode = 1;
  const results = readFileSync(report, 'utf8').trimEnd();
  if (results) console.error(`extension test results:\n${results}`);
  console.error(`test:electron: ${error instanceof TestRunFailedError ? `the extension tests failed in VS Code ${version} (${reason(error)})` : `VS Code could not run the tests: ${reason(error)}`}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exitCode = exitCode;
