// The extension-host test suite (test/extension, mocha, the `vscode` API) inside code-server's real
// extension host: the same suite `npm run test:electron` runs in a downloaded VS Code. code-server's
// smoke-test driver (see ../shared/e2e/RECIPE.md, "Extension-test API") loads the repository as the
// extension under development and dist-test/extension/index.js as the test runner; the page reports
// the exit code through window.codeAutomationExit. The suite writes one line per test to a report
// file (KYVERNO_EXTENSION_TEST_REPORT), printed here, so a failure names its test in the CI log.
// Run `bash test/e2e/setup.sh` first (npm run test:e2e does both).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareRun, repo, requireTools, startCodeServer, tools } from './codeServer.mjs';

const run = join(tools, `run-exthost-${process.pid}`);
const testsIndex = join(repo, 'dist-test/extension/index.js');
/** The whole suite, including the extension host's start; each test has its own timeout in index.ts. */
const SUITE_TIMEOUT_MS = 10 * 60_000;

const log = (m) => console.log(`[extension-host tests ${new Date().toISOString().slice(11, 19)}] ${m}`);
async function main() {
  const chromium = requireTools();
  log('building the extension and the test bundle');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!existsSync(testsIndex)) throw new Error(`${testsIndex} was not built`);

  rmSync(run, { recursive: true, force: true });
  mkdirSync(run, { recursive: true });
  const report = join(run, 'report.txt');
  writeFileSync(report, '');
  // The remote extension host inherits code-server's environment: the suite finds its report file
  // there. The extensions folder stays empty: only the built-ins and the extension under development load.
  const { env, extensions, userData, workspace } = prepareRun(run, { KYVERNO_EXTENSION_TEST_REPORT: report });
  const { port, serverLog, exited: serverExited, stop } = await startCodeServer({ run, env, extensions, userData, workspace, extraArgs: ['--vscode-option', 'enable-smoke-test-driver'], log });

  let browser;
  const consoleLines = [];
  const started = Date.now();
  let exitCode;
  let results = '';
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'], env });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // The workbench forwards the extension host's console (mocha's spec reporter among it) here.
    page.on('console', (message) => consoleLines.push(message.text()));
    let onExit;
    const exited = new Promise((res) => { onExit = res; });
    await page.exposeFunction('codeAutomationExit', (code) => onExit(code));
    // The host of these URIs must be exactly the page's host and port (RECIPE.md).
    const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
    const payload = JSON.stringify([['extensionDevelopmentPath', remote(repo)], ['extensionTestsPath', remote(testsIndex)]]);
    log(`running ${testsIndex} against a copy of examples/`);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    let timer;
    exitCode = await Promise.race([exited, serverExited.then(() => 'code-server exited'), new Promise((res) => { timer = setTimeout(() => res('timeout'), SUITE_TIMEOUT_MS); })]);
    clearTimeout(timer);
  } finally {
    await browser?.close();
    await stop();
    results = existsSync(report) ? readFileSync(report, 'utf8').trimEnd() : '';
    rmSync(run, { recursive: true, force: true });
  }

  console.log(results || '(the suite wrote no results: it did not start, see the log below)');
  if (exitCode === 0 && /^\d+ passing, 0 failing/m.test(results)) {
    log(`passed in ${Math.round((Date.now() - started) / 1000)} s`);
    return;
  }
  // What the extension host and the server said, for a suite that did not start or failed oddly.
  const noise = /open-vsx\.org|Failed to load resource|web worker extension host|additional builtin extensions/;
  console.error(consoleLines.filter((l) => /error|fail|kyverno|extension/i.test(l) && !noise.test(l)).slice(-40).join('\n'));
  console.error(serverLog.join('').split('\n').filter((l) => /error|kyverno/i.test(l) && !noise.test(l)).slice(-30).join('\n'));
  if (exitCode === 'code-server exited') throw new Error('code-server exited during the suite');
  if (exitCode === 'timeout') throw new Error(`the suite did not finish within ${SUITE_TIMEOUT_MS / 60_000} minutes`);
  if (exitCode === 0) throw new Error('the extension host exited with 0 but the suite reported no results (KYVERNO_EXTENSION_TEST_REPORT)');
  throw new Error(`the extension host exited with ${exitCode}${/failing/.test(results) ? ': see the FAIL lines above' : ''}`);
}

main().catch((error) => {
  console.error(`[extension-host tests] FAILED: ${error.message}`);
  process.exitCode = 1;
});
