// The extension-host test suite (test/extension, mocha, the `vscode` API) inside code-server's real
// extension host: the same suite `npm run test:electron` runs in a downloaded VS Code. code-server's
// smoke-test driver (see ../shared/e2e/RECIPE.md, "Extension-test API") loads the repository as the
// extension under development and dist-test/extension/index.js as the test runner; the page reports
// the exit code through window.codeAutomationExit. The suite writes one line per test to a report
// file (KYVERNO_EXTENSION_TEST_REPORT), printed here, so a failure names its test in the CI log.
// Run `bash test/e2e/setup.sh` first (npm run test:e2e does both).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const tools = join(here, '.tools');
const node24 = join(tools, 'node/node_modules/node/bin/node');
const codeServer = join(tools, 'code-server/node_modules/code-server/out/node/entry.js');
const { chromium } = createRequire(join(tools, 'playwright/'))('playwright-core');
const run = join(tools, `run-exthost-${process.pid}`);
const testsIndex = join(repo, 'dist-test/extension/index.js');
/** The whole suite, including the extension host's start; each test has its own timeout in index.ts. */
const SUITE_TIMEOUT_MS = 10 * 60_000;

const log = (m) => console.log(`[extension-host tests ${new Date().toISOString().slice(11, 19)}] ${m}`);
const freePort = () => new Promise((res) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address();
    srv.close(() => res(port));
  });
});

async function main() {
  for (const [path, what] of [[node24, 'Node 24'], [codeServer, 'code-server'], ['/usr/bin/chromium', 'chromium']]) {
    if (!existsSync(path)) throw new Error(`${what} missing at ${path}: run bash test/e2e/setup.sh`);
  }
  log('building the extension and the test bundle');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!existsSync(testsIndex)) throw new Error(`${testsIndex} was not built`);

  rmSync(run, { recursive: true, force: true });
  mkdirSync(run, { recursive: true });
  const report = join(run, 'report.txt');
  writeFileSync(report, '');
  const env = {
    ...process.env,
    HOME: join(run, 'home'), TMPDIR: join(run, 'tmp'), XDG_CONFIG_HOME: join(run, 'xdg-config'), XDG_CACHE_HOME: join(run, 'xdg-cache'),
    PATH: `${dirname(node24)}:${process.env.PATH}`,
    // The remote extension host inherits code-server's environment: the suite finds its report file here.
    KYVERNO_EXTENSION_TEST_REPORT: report,
  };
  for (const dir of [env.HOME, env.TMPDIR, env.XDG_CONFIG_HOME, env.XDG_CACHE_HOME]) mkdirSync(dir, { recursive: true });
  // An empty extensions folder: only the built-ins and the extension under development are loaded.
  const extensions = join(run, 'extensions');
  mkdirSync(extensions, { recursive: true });
  const userData = join(run, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User/settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false, 'chat.disableAIFeatures': true, 'workbench.tips.enabled': false, 'git.enabled': false, 'git.openRepositoryInParentFolders': 'never' }));
  const workspace = join(run, 'workspace');
  cpSync(join(repo, 'examples'), workspace, { recursive: true });

  const port = await freePort();
  const config = join(run, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\n`);
  log(`starting code-server on ${port} with the smoke-test driver`);
  const server = spawn(node24, [codeServer, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userData, '--extensions-dir', extensions, '--config', config, '--vscode-option', 'enable-smoke-test-driver', workspace], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const serverLog = [];
  server.stdout.on('data', (d) => serverLog.push(String(d)));
  server.stderr.on('data', (d) => serverLog.push(String(d)));
  const serverExited = new Promise((res) => server.on('exit', res));

  let browser;
  const consoleLines = [];
  const started = Date.now();
  let exitCode;
  let results = '';
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok, 60_000, 'code-server /healthz');
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
    server.kill('SIGTERM');
    let timer;
    await Promise.race([serverExited, new Promise((res) => { timer = setTimeout(res, 10_000); })]);
    clearTimeout(timer);
    if (server.exitCode === null) server.kill('SIGKILL');
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

async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

main().catch((error) => {
  console.error(`[extension-host tests] FAILED: ${error.message}`);
  process.exitCode = 1;
});
