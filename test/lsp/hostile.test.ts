// Hostile input to the language server: a 30 MB manifest opened and edited in the editor (the
// server reports the bound, keeps its memory bounded, and still answers for the other documents),
// and a broken or non-LSP wire (framing errors close the connection; batches and bad ids get the
// JSON-RPC error). Every wait is bounded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CLI, LspClient, positionOf, tempWorkspace } from './client.ts';
import { SERVER_NODE_FLAGS } from '../../server/src/lsp/runtime.ts';
import { brokenPolicy } from './texts.ts';

const chunk = Array.from({ length: 1000 }, (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  k: "${'v'.repeat(20)}"\n`).join('');
const huge = chunk.repeat(Math.ceil((30 * 1024 * 1024) / chunk.length));

function serverRssMb(client: LspClient): number {
  const pid = (client as unknown as { child: { pid: number } }).child.pid;
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

describe('language server: a 30 MB document in the editor', () => {
  const ws = tempWorkspace({});
  let client: LspClient;

  before(async () => {
    client = new LspClient({ root: ws.root });
    await client.initialize();
  });
  after(() => {
    client.kill();
    ws.dispose();
  });

  it('when opened and edited, then it is reported as over the size bound, the server stays under 1 GiB and still answers for another document', async () => {
    const big = ws.uri('stream.yaml');
    client.open(big, huge);
    const reported = await client.diagnostics(big, (d) => d.some((x) => x.code === 'limits/file-size'), { timeoutMs: 60_000 });
    assert.ok(reported.some((d) => d.code === 'limits/file-size'));
    client.notify('textDocument/didChange', { textDocument: { uri: big, version: 2 }, contentChanges: [{ text: huge + '# edited\n' }] });
    const policy = ws.uri('policy.yaml');
    client.open(policy, brokenPolicy);
    const diagnostics = await client.diagnostics(policy, (d) => d.length > 0, { timeoutMs: 60_000 });
    assert.ok(diagnostics.some((d) => d.code === 'schema/enum'), 'the other document is still analysed');
    const hover = await client.request('textDocument/hover', { textDocument: { uri: policy }, position: positionOf(brokenPolicy, 'validationFailureAction') }, 60_000);
    assert.ok(hover?.contents?.value, 'hover still answers');
    assert.ok(serverRssMb(client) < 1024, `server RSS ${serverRssMb(client).toFixed(0)} MB`);
  });
});

describe('language server: quick edits to a 20 MB open document', () => {
  const ws = tempWorkspace({});
  let client: LspClient;
  const text = chunk.repeat(Math.ceil((20 * 1024 * 1024) / chunk.length));

  before(async () => {
    client = new LspClient({ root: ws.root });
    await client.initialize();
  });
  after(() => {
    client.kill();
    ws.dispose();
  });

  it('when 50 incremental edits arrive at once, then a hover on another document is answered within 5 s, and the last version is published', async () => {
    const big = ws.uri('big.yaml');
    const policy = ws.uri('policy.yaml');
    client.open(policy, brokenPolicy);
    await client.diagnostics(policy, (d) => d.length > 0, { timeoutMs: 20_000 });
    client.open(big, text);
    await client.diagnostics(big, (d) => d.some((x) => x.code === 'limits/file-size'), { timeoutMs: 60_000 });
    const middle = Math.floor(text.split('\n', 200_000).length / 2);
    for (let version = 2; version <= 51; version++) {
      const at = { line: middle + version, character: 0 };
      client.notify('textDocument/didChange', { textDocument: { uri: big, version }, contentChanges: [{ range: { start: at, end: at }, text: `# edit ${version}\n` }] });
    }
    const started = performance.now();
    const hover = await client.request('textDocument/hover', { textDocument: { uri: policy }, position: positionOf(brokenPolicy, 'validationFailureAction') }, 5_000);
    const elapsed = performance.now() - started;
    assert.ok(hover?.contents?.value, 'hover answers');
    assert.ok(elapsed < 5_000, `hover took ${elapsed.toFixed(0)} ms`);
    const last = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === big && p.version === 51, { timeoutMs: 30_000 });
    assert.ok(last.diagnostics.some((d: any) => d.code === 'limits/file-size'));
  });
});

/** The server over stdio with nothing in between: raw bytes in, framed JSON messages out. */
class RawServer {
  readonly child: ChildProcess;
  readonly messages: any[] = [];
  readonly exited: Promise<number | null>;
  private buffer = Buffer.alloc(0);
  private wake: () => void = () => {};

  constructor() {
    this.child = spawn(process.execPath, [...SERVER_NODE_FLAGS, CLI, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    this.child.stdin!.on('error', () => {}); // writing after the server closed the connection
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const end = this.buffer.indexOf('\r\n\r\n');
        const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, Math.max(0, end)).toString())?.[1]);
        if (end < 0 || !(this.buffer.length >= end + 4 + length)) break;
        this.messages.push(JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString()));
        this.buffer = this.buffer.subarray(end + 4 + length);
      }
      this.wake();
    });
  }

  send(body: unknown): void {
    const text = JSON.stringify(body);
    this.raw(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  }

  raw(bytes: string): void {
    this.child.stdin!.write(bytes);
  }

  /** The first message received that satisfies `predicate`, waiting at most `timeoutMs`. */
  async message(predicate: (m: any) => boolean, timeoutMs = 5_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no such message within ${timeoutMs} ms; got ${JSON.stringify(this.messages).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => (clearTimeout(timer), resolve());
      });
    }
  }

  /** Whether the process exits within `timeoutMs`, and its code. */
  exit(timeoutMs: number): Promise<number | null | 'still running'> {
    return Promise.race([this.exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), timeoutMs).unref())]);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

const initialize = (id: number | string) => ({ jsonrpc: '2.0', id, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });

describe('language server: a broken wire closes the connection (so the client restarts the server)', () => {
  const cases: [string, (server: RawServer) => void][] = [
    ['a Content-Length shorter than the body', (s) => s.raw('Content-Length: 20\r\n\r\n' + JSON.stringify(initialize(1)))],
    ['a Content-Length longer than the body, and nothing after it', (s) => s.raw('Content-Length: 5000\r\n\r\n' + JSON.stringify(initialize(1)))],
    ['a garbage header', (s) => s.raw('Hello there\r\n\r\n' + JSON.stringify(initialize(1)))],
    ['a Content-Length that is not a number', (s) => s.raw('Content-Length: many\r\n\r\n{}')],
  ];
  for (const [name, write] of cases) {
    it(`when it gets ${name}, then it exits with 1 within 10 s`, async () => {
      const server = new RawServer();
      try {
        write(server);
        // A later well-formed request cannot resynchronise the stream: it must not be answered as if nothing happened.
        setTimeout(() => server.child.exitCode === null && server.send(initialize(2)), 200).unref();
        assert.equal(await server.exit(10_000), 1);
        assert.equal(server.messages.filter((m) => m.id === 2 && m.result).length, 0);
      } finally {
        server.kill();
      }
    });
  }

  it('when it gets a body that is not JSON, then it answers a Parse error (-32700) and exits with 1', async () => {
    const server = new RawServer();
    try {
      server.raw('Content-Length: 9\r\n\r\n{"a": no}');
      const error = await server.message((m) => m.error);
      assert.deepEqual([error.id, error.error.code], [null, -32700]);
      assert.equal(await server.exit(10_000), 1);
    } finally {
      server.kill();
    }
  });
});

describe('language server: JSON-RPC messages that LSP does not allow get the spec\'s error, and the server goes on', () => {
  let server: RawServer;
  before(() => (server = new RawServer()));
  after(() => server.kill());

  it('a batch: each request in it gets Invalid Request (-32600) with its id, in one array; notifications in it get nothing', async () => {
    server.send([initialize(11), { jsonrpc: '2.0', method: 'initialized', params: {} }, initialize('twelve')]);
    const answer = await server.message((m) => Array.isArray(m));
    assert.deepEqual(answer.map((r: any) => [r.id, r.error.code]), [[11, -32600], ['twelve', -32600]]);
  });

  it('an empty batch: one Invalid Request with id null', async () => {
    server.send([]);
    const answer = await server.message((m) => !Array.isArray(m) && m.error && /empty batch/.test(m.error.message));
    assert.deepEqual([answer.id, answer.error.code], [null, -32600]);
  });

  it('a request whose id is an object, a boolean or null, and a message that is not an object: Invalid Request with id null each', async () => {
    const before = server.messages.length;
    for (const id of [{ x: 1 }, true, null]) server.send({ jsonrpc: '2.0', id, method: 'initialize', params: {} });
    server.send(42);
    server.send({ jsonrpc: '2.0', id: 7 }); // neither request, notification nor response
    await server.message(() => server.messages.length >= before + 5);
    const answers = server.messages.slice(before);
    assert.deepEqual(answers.map((m) => [m.id, m.error?.code]), [[null, -32600], [null, -32600], [null, -32600], [null, -32600], [7, -32600]]);
  });

  it('after all that, a well-formed initialize is answered', async () => {
    server.send(initialize(99));
    const answer = await server.message((m) => m.id === 99);
    assert.equal(answer.result?.serverInfo?.name, 'kyverno-analyzer');
  });
});
