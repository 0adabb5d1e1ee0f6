// Runs the built CLI (dist/cli.js) as a child with the bounds a hostile repository must stay within:
// 20 s, a 1.5 GB heap, and (where /usr/bin/time exists) the child's peak resident memory measured.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

export const TIME_LIMIT_MS = 20_000;
export const MEMORY_LIMIT_MB = 1536;

const cli = resolve('dist/cli.js');
// The cache's key lives in the user's cache folder: the runs here get one of their own.
const xdgCache = mkdtempSync(join(tmpdir(), 'kpa-xdg-'));
process.on('exit', () => rmSync(xdgCache, { recursive: true, force: true }));
export const CACHE_KEY_FILE = join(xdgCache, 'kyverno-analyzer', 'cache-key');
const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Peak resident set of the child, when /usr/bin/time could measure it. */
  maxRssMb?: number;
}

export function runCli(args: string[], cwd: string): Promise<CliRun> {
  const node = [`--max-old-space-size=${MEMORY_LIMIT_MB}`, cli, ...args];
  const [command, argv] = time ? [time, ['-f', 'kpa-maxrss-kb=%M', process.execPath, ...node]] : [process.execPath, node];
  return new Promise((done) => {
    // Its own process group, so that a hang is ended with /usr/bin/time's node child too.
    const child = spawn(command, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, XDG_CACHE_HOME: xdgCache } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s) => (stderr += s));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, 'SIGKILL');
    }, TIME_LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      let maxRssMb: number | undefined;
      const m = /kpa-maxrss-kb=(\d+)\n?$/.exec(stderr);
      if (m) {
        maxRssMb = Number(m[1]) / 1024;
        stderr = stderr.slice(0, m.index);
      }
      // /usr/bin/time reports a signal death on its own line; that is the child's status here.
      stderr = stderr.replace(/^Command (exited with non-zero status \d+|terminated by signal \d+)\n/m, '');
      done({ status: code, stdout, stderr, timedOut, maxRssMb });
    });
  });
}

/** Fails with what the run printed when it broke a bound or exited otherwise than allowed. */
export function assertBounded(run: CliRun, allowed: number[]): void {
  if (run.timedOut) throw new Error(`did not finish within ${TIME_LIMIT_MS} ms`);
  if (run.maxRssMb !== undefined && run.maxRssMb > MEMORY_LIMIT_MB) throw new Error(`peak memory ${run.maxRssMb.toFixed(0)} MB`);
  if (!allowed.includes(run.status ?? -1)) throw new Error(`exit ${run.status}, expected ${allowed.join(' or ')}; stderr: ${run.stderr.slice(0, 2000)}`);
}

/** A usage or I/O failure: exit 2 and exactly one line on stderr. */
export function assertOneLineError(run: CliRun): void {
  assertBounded(run, [2]);
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got ${lines.length}: ${run.stderr.slice(0, 2000)}`);
}

export function tempDir(t: { after: (f: () => void) => void }, prefix = 'kpa-hostile-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function put(root: string, path: string, content: string | Buffer): string {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, content);
  return full;
}
