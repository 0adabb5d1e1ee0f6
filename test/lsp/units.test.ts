// The pieces behind the protocol, in process: the client's restart policy, settings merged under
// `.kyverno-analyzer.yaml`, completion on half-typed YAML, a failing check, cancellation, conversion.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decideRestart, defaultRestartPolicy } from '../../client/src/restartPolicy.ts';
import { mergeSettings, sanitizeSettings } from '../../server/src/lsp/settings.ts';
import { completeAt } from '../../server/src/ide/completion.ts';
import { ServerState } from '../../server/src/lsp/state.ts';
import { workspaceSymbols } from '../../server/src/lsp/symbols.ts';
import { toDiagnostic, toWorkspaceEdit } from '../../server/src/lsp/convert.ts';
import { LineIndex } from '../../server/src/yaml/lineIndex.ts';
import type { Check } from '../../server/src/checks/types.ts';
import { brokenPolicy, mutateNonRoot } from './texts.ts';

describe('client restart policy', () => {
  const minute = 60_000;
  it('restarts the first crashes and gives up on the fifth inside three minutes', () => {
    let crashes: number[] = [];
    const decisions = [0, 10_000, 20_000, 30_000, 40_000].map((t) => {
      const d = decideRestart(crashes, t);
      crashes = d.crashes;
      return d.restart;
    });
    assert.deepEqual(decisions, [true, true, true, true, false]);
    assert.match(decideRestart(crashes.slice(0, 4), 40_000).message, /will not be restarted/);
  });

  it('forgets crashes older than the window, so a server crashing once an hour is always restarted', () => {
    let crashes: number[] = [];
    for (let hour = 0; hour < 10; hour++) {
      const d = decideRestart(crashes, hour * 60 * minute);
      assert.equal(d.restart, true);
      assert.equal(d.crashes.length, 1);
      crashes = d.crashes;
    }
  });

  it('says so when it restarts', () => {
    const d = decideRestart([], 0, defaultRestartPolicy);
    assert.match(d.message, /restarted \(1 of 4 restarts in 3 minutes\)/);
  });
});

describe('settings merged under .kyverno-analyzer.yaml', () => {
  it('given editor settings only, then they apply over the defaults', () => {
    const { config } = mergeSettings(sanitizeSettings({ checks: { 'cronjob/*': 'off', 'schema/enum': false }, exclude: ['vendor/**'], maxFileSize: 1000 }), undefined);
    assert.deepEqual(config.checks, { 'cronjob/*': 'off', 'schema/enum': 'off' });
    assert.ok(config.exclude.includes('vendor/**') && config.exclude.includes('**/node_modules/**'));
    assert.equal(config.maxFileSize, 1000);
  });

  it('given both, then the file wins per key and per check id, and the editor keeps what the file does not set', () => {
    const settings = sanitizeSettings({ checks: { 'schema/enum': 'off', 'cel/syntax': 'warning' }, include: ['policies/**'], maxFileSize: 1000 });
    const { config, fileProblems } = mergeSettings(settings, 'checks:\n  schema/enum: hint\nmaxFileSize: 2MB\n');
    assert.deepEqual(config.checks, { 'schema/enum': 'hint', 'cel/syntax': 'warning' });
    assert.equal(config.maxFileSize, 2 * 1024 * 1024);
    assert.deepEqual(config.include, ['policies/**']);
    assert.deepEqual(fileProblems, []);
  });

  it('ignores malformed editor values and reports unknown keys of the file', () => {
    assert.deepEqual(sanitizeSettings({ checks: { a: 'loud' }, include: 'x', maxFileSize: -1 }), { checks: {} });
    assert.match(mergeSettings({}, 'colour: red\n').fileProblems[0].message, /Unknown setting `colour`/);
  });
});

describe('completion on half-typed YAML', () => {
  const labels = (text: string) => completeAt(text.replace('|', ''), text.indexOf('|'))?.items.map((i) => i.label) ?? [];
  const head = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: x\n';

  it('offers spec keys after a partial word, without keys already present', () => {
    const got = labels(`${head}spec:\n  background: true\n  va|\n`);
    assert.ok(got.includes('validationFailureAction'));
    assert.ok(got.includes('rules'));
    assert.ok(!got.includes('background'));
  });

  it('offers rule keys in a new list item and in an existing one', () => {
    assert.ok(labels(`${head}spec:\n  rules:\n    - |\n`).includes('match'));
    assert.ok(labels(`${head}spec:\n  rules:\n    - name: a\n      |\n`).includes('validate'));
    assert.ok(!labels(`${head}spec:\n  rules:\n    - name: a\n      |\n`).includes('name'));
  });

  it('offers top-level keys at column 0 and enum values after a key', () => {
    assert.ok(labels(`${head}|`).includes('spec'));
    assert.deepEqual(labels(`${head}spec:\n  validationFailureAction: E|\n`).filter((l) => /^(Audit|Enforce)$/.test(l)).sort(), ['Audit', 'Enforce']);
  });

  it('answers nothing outside a known kind', () => {
    assert.deepEqual(labels('foo: bar\n|'), []);
  });
});

describe('server state', () => {
  const throwing: Check = {
    id: 'test/throws',
    title: 'always throws',
    severity: 'error',
    checkDocument() {
      throw new Error('boom');
    },
  };
  const reporting: Check = {
    id: 'test/reports',
    title: 'reports every document',
    severity: 'warning',
    checkDocument(ctx) {
      ctx.report({ file: ctx.file.file, span: { start: 0, end: 1 } }, 'seen');
    },
  };

  it('given a check that throws, then it is logged once with its id and file, and the other checks still report', () => {
    const logs: string[] = [];
    const state = new ServerState([throwing, reporting], (m) => logs.push(m));
    state.updateText('/ws/a.yaml', brokenPolicy);
    state.updateText('/ws/a.yaml', brokenPolicy + '\n# edit\n');
    assert.equal(logs.length, 1);
    assert.match(logs[0], /^check test\/throws failed on \/ws\/a\.yaml: Error: boom/);
    assert.deepEqual(state.findingsOf('/ws/a.yaml').map((f) => f.code), ['test/reports']);
  });

  it('given a cancelled token, then workspace symbols stop and answer nothing', async () => {
    const state = new ServerState([], () => {});
    state.updateText('/ws/a.yaml', mutateNonRoot('a', true));
    const args = [state.index, '', (f: string) => state.uriOf(f), (f: string) => state.linesOf(f)] as const;
    assert.equal((await workspaceSymbols(...args)).length, 2);
    assert.deepEqual(await workspaceSymbols(...args, { isCancellationRequested: true, onCancellationRequested: () => ({ dispose() {} }) }), []);
  });
});

describe('conversion to LSP', () => {
  const ctx = {
    uriOf: (f: string) => 'file://' + f,
    linesOf: (f: string) => (f === '/ws/a.yaml' ? new LineIndex('a: 1\nb: 2\n') : undefined),
    versionOf: () => 3,
  };

  it('turns a finding into a diagnostic with code, docs link and related locations', () => {
    const d = toDiagnostic({ code: 'conflict/mutation-overwrite', severity: 'warning', message: 'm', file: '/ws/a.yaml', span: { start: 5, end: 9 }, related: [{ file: '/ws/a.yaml', span: { start: 0, end: 1 }, message: 'other' }] }, ctx);
    assert.deepEqual(d.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } });
    assert.equal(d.severity, 2);
    assert.match(d.codeDescription!.href, /docs\/checks\/conflict\/mutation-overwrite\.md$/);
    assert.deepEqual(d.relatedInformation, [{ location: { uri: 'file:///ws/a.yaml', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } }, message: 'other' }]);
  });

  it('turns edits to existing files into changes, and an edit to a missing file into CreateFile + insert', () => {
    assert.deepEqual(toWorkspaceEdit([{ file: '/ws/a.yaml', span: { start: 5, end: 6 }, newText: 'c' }], ctx), { changes: { 'file:///ws/a.yaml': [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, newText: 'c' }] } });
    const edit = toWorkspaceEdit([{ file: '/ws/a.yaml', span: { start: 0, end: 0 }, newText: '# x\n' }, { file: '/ws/new.yaml', span: { start: 0, end: 0 }, newText: 'kind: X\n' }], ctx);
    assert.deepEqual(edit.documentChanges, [
      { textDocument: { uri: 'file:///ws/a.yaml', version: 3 }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# x\n' }] },
      { kind: 'create', uri: 'file:///ws/new.yaml', options: { ignoreIfExists: true } },
      { textDocument: { uri: 'file:///ws/new.yaml', version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'kind: X\n' }] },
    ]);
  });
});

describe('the cross-file pass after an edit', () => {
  const recording = (name: string, order: string[]): Check => ({
    id: `test/${name}`,
    title: name,
    severity: 'info',
    checkWorkspace: () => void order.push(name),
  });

  it('yields between checks, so a request waiting in the event loop is answered before the pass ends', async () => {
    const order: string[] = [];
    const state = new ServerState([recording('first', order), recording('second', order)], () => {});
    const pass = state.runWorkspaceCooperatively(() => false);
    setImmediate(() => order.push('hover request'));
    assert.ok(Array.isArray(await pass));
    assert.ok(order.indexOf('hover request') < order.indexOf('second'), order.join(' → '));
  });

  it('is abandoned once the index moves on, and its results are not stored', async () => {
    const order: string[] = [];
    const state = new ServerState([recording('first', order), recording('second', order)], () => {});
    let stale = false;
    // A slice of 0 ms yields after every step (the server's slice would run both quick checks at once).
    const pass = state.runWorkspaceCooperatively(() => stale, 0);
    setImmediate(() => (stale = true));
    assert.equal(await pass, undefined);
    assert.deepEqual(order, ['first'], 'the second check never ran');
  });
});
