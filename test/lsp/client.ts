// A small LSP client for protocol tests: spawns the built server (stdio or node IPC), speaks real
// JSON-RPC, records every notification, answers the server's requests, and waits for messages with
// a timeout (never a fixed sleep).
import { SERVER_NODE_FLAGS } from '../../server/src/lsp/runtime.ts';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, type CancellationToken, IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

const STATUS = 'kyverno/status';

export const CLI = resolve(process.env.KYVERNO_ANALYZER_CLI ?? 'dist/cli.js');

export interface Received {
  method: string;
  params: any;
}

interface Waiter {
  method: string;
  predicate: (params: any) => boolean;
  resolve: (params: any) => void;
}

export interface ClientOptions {
  transport?: 'stdio' | 'ipc';
  /** Workspace folder (absolute path); none when omitted. */
  root?: string;
  /** What `workspace/configuration` answers for the `kyverno` section. */
  settings?: Record<string, unknown>;
  /** Ask for `window/workDoneProgress/create`. */
  workDoneProgress?: boolean;
}

export class LspClient {
  readonly received: Received[] = [];
  readonly serverRequests: Received[] = [];
  readonly stderr: string[] = [];
  settings: Record<string, unknown>;
  private readonly waiters: Waiter[] = [];
  private readonly connection: MessageConnection;
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(private readonly options: ClientOptions = {}) {
    this.settings = options.settings ?? {};
    if (options.transport === 'ipc') {
      this.child = fork(CLI, ['lsp', '--node-ipc'], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'], execArgv: [...SERVER_NODE_FLAGS] });
      this.connection = createMessageConnection(new IPCMessageReader(this.child), new IPCMessageWriter(this.child));
    } else {
      this.child = spawn(process.execPath, [...SERVER_NODE_FLAGS, CLI, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    }
    this.child.stderr?.on('data', (d) => this.stderr.push(String(d)));
    this.exited = new Promise((res) => this.child.on('exit', (code) => res(code)));
    this.connection.onNotification((method, params) => this.record({ method, params }));
    // vscode-jsonrpc routes `$/progress` to progress handlers, not to the catch-all above.
    this.connection.onUnhandledProgress((params) => this.record({ method: '$/progress', params }));
    this.connection.onRequest((method, params: any) => {
      this.serverRequests.push({ method, params });
      if (method === 'workspace/configuration') return params.items.map((item: { section?: string }) => (item.section === 'kyverno' ? this.settings : null));
      return null; // window/workDoneProgress/create, client/registerCapability, ...
    });
    this.connection.listen();
  }

  private record(message: Received): void {
    this.received.push(message);
    for (const waiter of [...this.waiters]) {
      if (waiter.method === message.method && waiter.predicate(message.params)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message.params);
      }
    }
  }

  async initialize(): Promise<any> {
    const root = this.options.root;
    const result = await this.request('initialize', {
      processId: process.pid,
      rootUri: root ? uriOf(root) : null,
      workspaceFolders: root ? [{ uri: uriOf(root), name: 'ws' }] : null,
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true, workspaceEdit: { documentChanges: true, resourceOperations: ['create'] }, codeLens: { refreshSupport: true } },
        window: { workDoneProgress: this.options.workDoneProgress ?? true },
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true } },
      },
    });
    this.notify('initialized', {});
    return result;
  }

  request<T = any>(method: string, params: unknown, timeoutMs = 10_000, token?: CancellationToken): Promise<T> {
    const sent = token ? this.connection.sendRequest(method, params, token) : this.connection.sendRequest(method, params);
    return withTimeout(sent as Promise<T>, timeoutMs, `request ${method}`);
  }

  notify(method: string, params: unknown): void {
    void this.connection.sendNotification(method, params);
  }

  /**
   * The first notification of `method` satisfying `predicate`, from those received at or after
   * message number `since` (so earlier ones can be skipped), or the next one to arrive.
   */
  waitFor<T = any>(method: string, predicate: (params: T) => boolean = () => true, { since = 0, timeoutMs = 10_000 } = {}): Promise<T> {
    const seen = this.received.slice(since).find((m) => m.method === method && predicate(m.params));
    if (seen) return Promise.resolve(seen.params);
    const promise = new Promise<T>((resolve) => this.waiters.push({ method, predicate, resolve }));
    return withTimeout(promise, timeoutMs, `notification ${method}`, () => this.describe(method));
  }

  /** Diagnostics published for a URI (optionally satisfying a predicate), waiting for them. */
  diagnostics(uri: string, predicate: (diagnostics: any[]) => boolean = () => true, options: { since?: number; timeoutMs?: number } = {}): Promise<any[]> {
    return this.waitFor<any>('textDocument/publishDiagnostics', (p) => p.uri === uri && predicate(p.diagnostics), options).then((p) => p.diagnostics);
  }

  /**
   * Waits until `uri` has been published (at `version`, when given) and the cross-file pass that an
   * analysis schedules has finished: every completed pass ends with a `kyverno/status` notification,
   * so the first status after the publish marks it. Returns the mark just after that status.
   */
  async settled(uri: string, { version, since = 0, timeoutMs = 10_000 }: { version?: number; since?: number; timeoutMs?: number } = {}): Promise<number> {
    const isPublish = (m: Received) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && (version === undefined || m.params.version === version);
    await this.waitFor('textDocument/publishDiagnostics', (p: any) => isPublish({ method: 'textDocument/publishDiagnostics', params: p }), { since, timeoutMs });
    const published = this.received.findIndex((m, i) => i >= since && isPublish(m));
    await this.waitFor(STATUS, () => true, { since: published + 1, timeoutMs });
    return this.received.findIndex((m, i) => i > published && m.method === STATUS) + 1;
  }

  /** A mark for `waitFor(..., { since })`: only what arrives after this point counts. */
  mark(): number {
    return this.received.length;
  }

  open(uri: string, text: string, version = 1): void {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
  }

  async shutdown(): Promise<number | null> {
    await this.request('shutdown', null);
    this.notify('exit', null);
    return withTimeout(this.exited, 5_000, 'server exit');
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
    this.connection.dispose();
  }

  private describe(method: string): string {
    const got = this.received.filter((m) => m.method === method).map((m) => JSON.stringify(m.params).slice(0, 300));
    return `received ${got.length}: ${got.join('\n')}\nstderr: ${this.stderr.join('').slice(-2000)}`;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string, detail?: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}${detail ? '\n' + detail() : ''}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function uriOf(path: string): string {
  return pathToFileURL(path).href;
}

/** A temporary workspace with the given files (relative path → text); removed by `dispose`. */
export function tempWorkspace(files: Record<string, string>): { root: string; path(rel: string): string; uri(rel: string): string; write(rel: string, text: string): void; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'kyverno-lsp-'));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  return { root, path: (rel) => join(root, rel), uri: (rel) => uriOf(join(root, rel)), write, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** Applies LSP text edits to a text (edits must not overlap). */
export function applyEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lines = text.split('\n');
  const offsetAt = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offsetAt(b.range.start) - offsetAt(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetAt(e.range.start)) + e.newText + out.slice(offsetAt(e.range.end));
  return out;
}

/** The 0-based position of the first occurrence of `needle` (plus `delta` characters). */
export function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`"${needle}" not in text`);
  const before = text.slice(0, offset + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}
