// The language server keeps cross-file findings from one edit to the next (WorkspacePass) and
// re-runs only what an edit can change. Whatever the edits, the result must be exactly what a
// fresh analysis of the same texts gives: these tests drive random edit sequences over the
// fixtures of every cross-file check and compare after each step.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { WorkspacePass } from '../../../server/src/checks/workspacePass.ts';
import { runWorkspaceChecks } from '../../../server/src/checks/run.ts';
import { allChecks } from '../../../server/src/checks/registry.ts';
import type { Finding } from '../../../server/src/findings.ts';

const fixtures = join(process.cwd(), 'test', 'fixtures');
const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  return statSync(path).isDirectory() ? walk(path) : name.endsWith('.yaml') ? [path] : [];
});
// The fixtures of every check that has a cross-file part: conflicts, advice, CronJobs, migration, orphans.
const pool = ['conflict', 'advice/prefer-mutate', 'cronjob/mutable-image', 'workload/blocked-by-policy', 'policy/legacy-kind', 'policy/duplicate-name', 'hygiene/orphan']
  .flatMap((dir) => walk(join(fixtures, dir)))
  .map((path) => ({ name: relative(fixtures, path), text: readFileSync(path, 'utf8') }));

/** Edits a user makes: change a scalar value, drop the last document, empty the file, put another file's text in it. */
function variants(text: string): string[] {
  const out = [
    text.replace(/: "?(\w+)"?\n/, ': "changed"\n'),
    text.replace(/\n---\n[\s\S]*$/, '\n'),
    '',
    text.replace(/Enforce/g, 'Audit'),
    text.replace(/kinds:\s*\[?\s*-?\s*Pod/, (m) => m.replace('Pod', 'Deployment')),
    // Typing in a message: cross-file checks that key on verdicts alone must still quote the new text.
    text.replace(/(message: *[>|]?-?\s*)(\S)/, '$1edited $2'),
  ];
  return out.filter((v) => v !== text);
}

const canonical = (findings: readonly Finding[]): string[] =>
  findings.map((f) => JSON.stringify({ code: f.code, severity: f.severity, file: f.file, span: f.span, message: f.message, related: f.related ?? [] })).sort();

function freshFindings(texts: Map<string, string>): string[] {
  const index = new WorkspaceIndex();
  for (const [file, text] of texts) index.setFile(file, text);
  return canonical(runWorkspaceChecks(index, allChecks));
}

type Edit = ({ kind: 'set'; file: number; source: number; variant: number } | { kind: 'remove'; file: number }) & { stopAfter?: number };

describe('the incremental workspace pass', () => {
  it('the pool holds fixtures of every cross-file family (so the property below exercises them)', () => {
    for (const family of ['conflict/', 'advice/prefer-mutate', 'cronjob/mutable-image', 'policy/legacy-kind', 'policy/duplicate-name', 'hygiene/orphan']) {
      assert.ok(pool.some((p) => p.name.startsWith(family)), family);
    }
    assert.ok(freshFindings(new Map(pool.map((p, i) => [`/ws/${i}.yaml`, p.text]))).length > 20, 'the fixtures produce cross-file findings');
  });

  it('after any sequence of edits, some passes overtaken halfway, equals a fresh analysis of the same texts and republishes every file that changed', () => {
    // Workspaces of up to ten pool files: small enough that the engine-based conflict checks never
    // run out of their per-pass simulation budget (a fresh run that stops early would differ from
    // the server, which remembers what earlier passes decided).
    const workspace = fc.uniqueArray(fc.nat(pool.length - 1), { minLength: 3, maxLength: 10 });
    const edit = (size: number): fc.Arbitrary<Edit> => fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), file: fc.nat(size), source: fc.nat(pool.length - 1), variant: fc.nat(6), stopAfter: fc.option(fc.nat(12), { nil: undefined }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), file: fc.nat(size - 1), stopAfter: fc.option(fc.nat(12), { nil: undefined }) }) },
    );
    fc.assert(
      fc.property(workspace.chain((files) => fc.tuple(fc.constant(files), fc.array(edit(files.length), { minLength: 1, maxLength: 6 }))), ([files, edits]) => {
        const texts = new Map(files.map((p, i) => [`/ws/${i}.yaml`, pool[p].text]));
        const index = new WorkspaceIndex();
        for (const [file, text] of texts) index.setFile(file, text);
        const pass = new WorkspacePass(index, allChecks);
        // What an editor shows: only the files a finished pass names as changed are republished.
        const shown = new Map<string, string[]>();
        const publish = (files: Iterable<string>) => { for (const file of files) shown.set(file, canonical(pass.findingsOf(file))); };
        const complete = () => {
          publish(pass.run());
          assert.deepEqual(canonical(pass.allFindings()), freshFindings(texts));
          for (const file of new Set([...shown.keys(), ...index.files().map((f) => f.file)])) assert.deepEqual(shown.get(file) ?? [], canonical(pass.findingsOf(file)), file);
        };
        complete();
        for (const e of edits) {
          const file = `/ws/${e.file}.yaml`;
          if (e.kind === 'remove') {
            texts.delete(file);
            index.removeFile(file);
          } else {
            const source = pool[e.source].text;
            const text = e.variant === 0 ? source : variants(source)[e.variant - 1] ?? source;
            texts.set(file, text);
            index.setFile(file, text);
          }
          if (e.stopAfter === undefined) {
            complete();
            continue;
          }
          // A pass overtaken by the next edit: abandoned at a pause after `stopAfter` steps, as the server does.
          let steps = e.stopAfter;
          for (const check of pass.workspaceChecks) {
            const run = pass.checkSteps(check);
            let step = run.next();
            while (!step.done && steps-- > 0) step = run.next();
            if (!step.done) {
              run.return([]);
              break;
            }
            publish(step.value);
          }
        }
        complete();
      }),
      { numRuns: 60, seed: 20261123 },
    );
  });

  it('reports as changed exactly the files whose cross-file findings changed', () => {
    const index = new WorkspaceIndex();
    pool.forEach((p, i) => index.setFile(`/ws/${i}.yaml`, p.text));
    const pass = new WorkspacePass(index, allChecks);
    pass.run();
    const before = new Map(index.files().map((f) => [f.file, canonical(pass.findingsOf(f.file))]));
    // Turn one side of a mutation-overwrite pair into the other side's value: the pair agrees, both files change.
    const target = pool.findIndex((p) => p.name.startsWith('conflict/mutation-overwrite/') && /runAsUser|value/.test(p.text));
    assert.ok(target >= 0);
    index.setFile(`/ws/${target}.yaml`, '');
    const changed = new Set(pass.run());
    for (const f of index.files()) {
      const differs = JSON.stringify(before.get(f.file)) !== JSON.stringify(canonical(pass.findingsOf(f.file)));
      assert.equal(changed.has(f.file), differs, f.file);
    }
    assert.ok(changed.has(`/ws/${target}.yaml`) || canonical(pass.findingsOf(`/ws/${target}.yaml`)).length === 0);
  });
});

describe('the index change log', () => {
  it('names each file set or removed since a revision, once, and gives up when too far back', () => {
    const index = new WorkspaceIndex();
    index.setFile('/a.yaml', 'a: 1\n');
    const start = index.revision;
    index.setFile('/b.yaml', 'b: 1\n');
    index.setFile('/a.yaml', 'a: 2\n');
    index.setFile('/a.yaml', 'a: 2\n'); // same text: no revision
    index.removeFile('/b.yaml');
    assert.deepEqual([...index.changedSince(start)!].sort(), ['/a.yaml', '/b.yaml']);
    assert.deepEqual([...index.changedSince(index.revision)!], []);
    for (let i = 0; i < 5000; i++) index.setFile('/c.yaml', `c: ${i}\n`);
    assert.equal(index.changedSince(start), undefined);
  });

  it('keeps the by-kind tables equal to a rebuild after files change kinds and disappear', () => {
    const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec: {containers: [{name: a, image: nginx}]}\n`;
    const index = new WorkspaceIndex();
    index.setFile('/1.yaml', pod('one'));
    index.setFile('/2.yaml', pod('two'));
    index.setFile('/1.yaml', pod('one').replace('kind: Pod', 'kind: ConfigMap'));
    index.setFile('/3.yaml', pod('three'));
    index.removeFile('/2.yaml');
    assert.deepEqual(index.resourcesOfKind('Pod').map((r) => r.name), ['three']);
    assert.deepEqual(index.resourcesOfKind('ConfigMap').map((r) => r.name), ['one']);
    assert.deepEqual(index.resources().map((r) => r.name).sort(), ['one', 'three']);
  });
});

describe('the flat lists of the index', () => {
  it('equal a walk of the files in order after any edits (typing patches them in place, other changes rebuild)', () => {
    const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec: {containers: [{name: a, image: nginx}]}\n`;
    const policy = (name: string) => `apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: ${name}}\nspec:\n  rules:\n    - name: r\n      match: {any: [{resources: {kinds: [Pod]}}]}\n      validate: {message: m, pattern: {metadata: {labels: {a: "?*"}}}}\n`;
    const texts = (n: number) => [pod(`p${n}`), policy(`c${n}`), `${policy(`c${n}`)}---\n${pod(`q${n}`)}`, 'a: 1\n', ''];
    const op = fc.record({ file: fc.nat(4), text: fc.nat(4), name: fc.nat(3), remove: fc.boolean(), look: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
        const index = new WorkspaceIndex();
        for (const o of ops) {
          const file = `/ws/${o.file}.yaml`;
          if (o.remove) index.removeFile(file);
          else index.setFile(file, texts(o.name)[o.text]);
          if (!o.look) continue;
          // The very objects, in order (an earlier version of a file has equal content but is another object).
          const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);
          const walk = index.files().flatMap((f) => f.documents);
          assert.ok(same(index.documents(), walk), 'documents');
          assert.ok(same(index.policies(), walk.filter((d) => d.policy).map((d) => d.policy)), 'policies');
          assert.ok(same(index.resources(), walk.filter((d) => d.resource).map((d) => d.resource)), 'resources');
        }
      }),
      { numRuns: 200, seed: 20261205 },
    );
  });
});

describe('released syntax trees', () => {
  it('give the same positions after release as before, for landmarks and for any other path', () => {
    const text = pool.find((p) => p.name.startsWith('advice/prefer-mutate/cel-five-patterns'))!.text;
    const index = new WorkspaceIndex();
    index.setFile('/p.yaml', text);
    const document = index.getFile('/p.yaml')!.documents[0];
    const refs = [
      { file: '/p.yaml', docIndex: 0, path: ['metadata', 'name'] },
      { file: '/p.yaml', docIndex: 0, path: ['spec', 'validations', 0, 'expression'] },
      { file: '/p.yaml', docIndex: 0, path: ['spec', 'matchConstraints'] },
    ];
    const before = refs.map((r) => [index.spanOf(r, 'value'), index.spanOf(r, 'key')]);
    const treeBefore = document.yaml.doc;
    index.releaseTrees('/p.yaml');
    assert.deepEqual(refs.map((r) => [index.spanOf(r, 'value'), index.spanOf(r, 'key')]), before);
    assert.notEqual(document.yaml.doc, treeBefore, 'the tree was dropped and parsed again');
    assert.deepEqual(document.yaml.doc.toJS(), treeBefore.toJS());
    assert.ok(before.every(([value]) => value.end > value.start && text.slice(value.start, value.end).length > 0));
  });
});
