// A workspace built to hurt: every bad file is reported with the bound it hit, the good files'
// findings still appear, and nothing from outside the workspace is read or echoed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';

const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: good
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: main
              image: busybox:latest
`;

function hostileWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'kpa-hostile-'));
  const put = (path: string, content: string | Buffer) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) bomb.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10).fill('*' + 'abcdefghij'[i - 1]).join(',')}]`);
  put('alias-bomb.yaml', bomb.join('\n') + '\n');
  put('deep.yaml', 'a: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n');
  put('junk.yaml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0xff, 0xfe]));
  put('latin1.yml', Buffer.from('name: caf\xe9\n', 'latin1'));
  put('cel-bomb.yaml', `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
  name: cost-bomb
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [""]
        apiVersions: [v1]
        operations: [CREATE]
        resources: [pods]
  validations:
    - expression: "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, '${'a'.repeat(30)}'.matches('(a+)+$')))))"
`);
  put('suite/kyverno-test.yaml', `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: traversal
policies:
  - ../../../../../../../../etc/passwd
resources:
  - ../../../../../../../../etc/hostname
results: []
`);
  put('bom-crlf.yaml', '\ufeff' + cronJob.replace(/\n/g, '\r\n'));
  put('good/cronjob.yaml', cronJob);
  mkdirSync(join(root, 'loop'));
  symlinkSync(join(root, 'loop'), join(root, 'loop', 'again'));
  // A 30 MB manifest stream: over the default 4 MiB bound, reported and skipped without being read whole.
  const fd = openSync(join(root, 'stream.yaml'), 'w');
  const chunk = Array.from({ length: 1000 }, (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  k: "${'v'.repeat(20)}"\n`).join('');
  for (let written = 0; written < 30 * 1024 * 1024; written += chunk.length) writeSync(fd, chunk);
  closeSync(fd);
  return root;
}

test('check on a hostile workspace: JSON, every bad file reported, good findings intact, nothing from outside echoed', (t) => {
  const root = hostileWorkspace();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const run = spawnSync(process.execPath, ['dist/cli.js', 'check', root, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr}`);
  const report = JSON.parse(run.stdout);
  const codesOf = (file: string) => report.findings.filter((f: { file: string }) => f.file.endsWith(file)).map((f: { code: string }) => f.code);
  assert.ok(codesOf('alias-bomb.yaml').includes('limits/yaml-aliases'));
  assert.ok(codesOf('deep.yaml').some((c: string) => c === 'limits/nesting-depth' || c === 'yaml/syntax'), codesOf('deep.yaml').join());
  assert.deepEqual(codesOf('junk.yaml'), ['io/binary']);
  assert.deepEqual(codesOf('latin1.yml'), ['io/encoding']);
  assert.deepEqual(codesOf('stream.yaml'), ['limits/file-size']);
  assert.ok(report.findings.some((f: { code: string }) => f.code === 'io/symlink-loop'));
  assert.ok(codesOf('good/cronjob.yaml').includes('cronjob/mutable-image'), 'the good file still gets its findings');
  assert.deepEqual(codesOf('bom-crlf.yaml').sort(), codesOf('good/cronjob.yaml').sort(), 'BOM + CRLF analysed like the plain file');
  const bomFinding = report.findings.find((f: { file: string; code: string }) => f.file.endsWith('bom-crlf.yaml') && f.code === 'cronjob/mutable-image');
  const plainFinding = report.findings.find((f: { file: string; code: string }) => f.file.endsWith('good/cronjob.yaml') && f.code === 'cronjob/mutable-image');
  assert.deepEqual(bomFinding.range, plainFinding.range, 'positions are exact despite BOM and CRLF');
  assert.doesNotMatch(run.stdout + run.stderr, /root:x:0:0/);
});
