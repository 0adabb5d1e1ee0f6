// What the real-VS Code tests share (vscode.e2e.mjs, extension-host.e2e.mjs): the tools that
// test/e2e/setup.sh installs, a run folder that keeps code-server and Chromium out of the real home,
// and code-server started on a free port and stopped by the PID we started (../shared/e2e/RECIPE.md).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '../..');
export const tools = join(here, '.tools');
export const node24 = join(tools, 'node/node_modules/node/bin/node');
export const codeServer = join(tools, 'code-server/node_modules/code-server/out/node/entry.js');

export function requireTools() {
  for (const [path, what] of [[node24, 'Node 24'], [codeServer, 'code-server'], ['/usr/bin/chromium', 'chromium']]) {
    if (!existsSync(path)) throw new Error(`${what} missing at ${path}: run bash test/e2e/setup.sh`);
  }
  return createRequire(join(tools, 'playwright/'))('playwright-core').chromium;
}

export async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

const freePort = () => new Promise((res) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address();
    srv.close(() => res(port));
  });
});

/**
 * A fresh run folder: home, temp and XDG folders, a user profile without welcome pages, telemetry
 * or trust prompts, an empty extensions folder, and a copy of examples/ as the workspace.
 */
export function prepareRun(run, extraEnv = {}) {
  const env = {
    ...process.env,
    HOME: join(run, 'home'), TMPDIR: join(run, 'tmp'), XDG_CONFIG_HOME: join(run, 'xdg-config'), XDG_CACHE_HOME: join(run, 'xdg-cache'),
    PATH: `${dirname(node24)}:${process.env.PATH}`,
    ...extraEnv,
  };
  for (const dir of [env.HOME, env.TMPDIR, env.XDG_CONFIG_HOME, env.XDG_CACHE_HOME]) mkdirSync(dir, { recursive: true });
  const extensions = join(run, 'extensions');
  mkdirSync(extensions, { recursive: true });
  const userData = join(run, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User/settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false, 'chat.disableAIFeatures': true, 'workbench.tips.enabled': false, 'git.enabled': false, 'git.openRepositoryInParentFolders': 'never' }));
  const workspace = join(run, 'workspace');
  cpSync(join(repo, 'examples'), workspace, { recursive: true });
  return { env, extensions, userData, workspace };
}

/** Starts code-server on a free port and waits for /healthz; `stop()` ends it (SIGKILL after 10 s). */
export async function startCodeServer({ run, env, extensions, userData, workspace, extraArgs = [], log }) {
  const port = await freePort();
  const config = join(run, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\n`);
  log(`starting code-server on ${port}`);
  const server = spawn(node24, [codeServer, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userData, '--extensions-dir', extensions, '--config', config, ...extraArgs, workspace], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const serverLog = [];
  server.stdout.on('data', (d) => serverLog.push(String(d)));
  server.stderr.on('data', (d) => serverLog.push(String(d)));
  const exited = new Promise((res) => server.on('exit', res));
  const stop = async () => {
    server.kill('SIGTERM');
    let timer;
    await Promise.race([exited, new Promise((res) => { timer = setTimeout(res, 10_000); })]);
    clearTimeout(timer);
    if (server.exitCode === null) server.kill('SIGKILL');
  };
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok, 60_000, 'code-server /healthz');
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, serverLog, exited, stop };
}
