// issue 15, command-line side: each failure of the adversarial run, against the built CLI, within
// 20 s and 1.5 GB, with the documented exit, and nothing from outside the workspace in the output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, createHmac } from 'node:crypto';
import { assertBounded, assertOneLineError, CACHE_KEY_FILE, put, runCli, tempDir } from './cli.ts';
import { threadsFor } from '../../../server/src/cli/check.ts';

const SECRET = 'kpa-outside-secret-7f3a';
const typoPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: typo
spec:
  validationFailureActon: Enforce
  rules: []
`;

const findingsOf = (stdout: string) => JSON.parse(stdout).findings as { file: string; code: string; message: string }[];

test('a backtracking exclude glob and a matching file name: check finishes', async (t) => {
  const root = tempDir(t);
  put(root, '.kyverno-analyzer.yaml', `exclude: ["${'*a'.repeat(12)}*b"]\n`);
  put(root, `${'a'.repeat(60)}.yaml`, typoPolicy);
  const run = await runCli(['check', '.', '--format', 'json'], root);
  assertBounded(run, [1]);
  assert.ok(findingsOf(run.stdout).some((f) => f.file.endsWith(`${'a'.repeat(60)}.yaml`)), 'the file is not excluded, and is analysed');
});

test('check names a FIFO: reported as not a regular file, never opened for a blocking read', async (t) => {
  const root = tempDir(t);
  execFileSync('mkfifo', [join(root, 'x.yaml')]);
  const run = await runCli(['check', 'x.yaml', '--format', 'json'], root);
  assertBounded(run, [0]);
  assert.deepEqual(findingsOf(run.stdout).map((f) => f.code), ['io/not-regular']);
});

test('a FIFO inside a walked folder does not block the walk', async (t) => {
  const root = tempDir(t);
  execFileSync('mkfifo', [join(root, 'pipe.yaml')]);
  put(root, 'policy.yaml', typoPolicy);
  const run = await runCli(['check', '.', '--format', 'json'], root);
  assertBounded(run, [1]);
});

test('the config file symlinked to /dev/zero: one line on stderr, exit 2', async (t) => {
  const root = tempDir(t);
  symlinkSync('/dev/zero', join(root, '.kyverno-analyzer.yaml'));
  put(root, 'policy.yaml', typoPolicy);
  const run = await runCli(['check', '.'], root);
  assertOneLineError(run);
  assert.match(run.stderr, /\.kyverno-analyzer\.yaml/);
});

test('the config file is a FIFO (found, or named by --config): one line on stderr, exit 2', async (t) => {
  const root = tempDir(t);
  execFileSync('mkfifo', [join(root, '.kyverno-analyzer.yaml')]);
  put(root, 'policy.yaml', typoPolicy);
  assertOneLineError(await runCli(['check', '.'], root));
  assertOneLineError(await runCli(['check', '.', '--config', '.kyverno-analyzer.yaml'], root));
  assertOneLineError(await runCli(['graph', '.'], root));
});

test('a config file over its bound: one line on stderr, exit 2', async (t) => {
  const root = tempDir(t);
  put(root, '.kyverno-analyzer.yaml', `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
  assertOneLineError(await runCli(['check', '.'], root));
});

test('a file linked to a file outside the workspace is refused; its content appears in no output format', async (t) => {
  const base = tempDir(t);
  const root = join(base, 'repo');
  put(base, 'outside/secret.yaml', `apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: ${SECRET}\nspec:\n  validationFailureActon: ${SECRET}\n  rules: []\n`);
  put(root, 'policy.yaml', typoPolicy);
  symlinkSync(join(base, 'outside/secret.yaml'), join(root, 'leak.yaml'));
  symlinkSync(join(base, 'outside'), join(root, 'leakdir'));
  for (const format of ['text', 'json', 'sarif']) {
    const run = await runCli(['check', '.', '--format', format], root);
    assertBounded(run, [1]);
    assert.doesNotMatch(run.stdout + run.stderr, new RegExp(SECRET), format);
    assert.match(run.stdout, /io\/outside-workspace/, format);
  }
  // Named on the command line, the link is held to the folder it is named in.
  const named = await runCli(['check', 'leak.yaml', '--format', 'json'], root);
  assertBounded(named, [0]);
  assert.deepEqual(findingsOf(named.stdout).map((f) => f.code), ['io/outside-workspace']);
  assert.doesNotMatch(named.stdout, new RegExp(SECRET));
});

test('--jobs is held to the number of cores', () => {
  assert.equal(threadsFor(1000, 2), 2);
  assert.equal(threadsFor(1, 8), 1);
  assert.equal(threadsFor(4, 8), 4);
});

test('--jobs 1000 on a workspace big enough for workers: bounded time and memory', async (t) => {
  const root = tempDir(t);
  for (let i = 0; i < 480; i++) put(root, `p/${i}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  k: v\n`);
  const run = await runCli(['check', '.', '--jobs', '1000', '--format', 'json'], root);
  assertBounded(run, [0]);
});

test('parse cost: 4 MB of document markers, 1.9 M list items, 44,000 documents, 600,000 nodes in small lists: bounded, each with its limits finding', async (t) => {
  const root = tempDir(t);
  put(root, 'dashes.yaml', '---\n'.repeat(1_000_000));
  put(root, 'items.yaml', 'a: [' + '1,'.repeat(1_900_000) + '1]\n');
  put(root, 'stream.yaml', Array.from({ length: 44_000 }, (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n`).join(''));
  put(root, 'nodes.yaml', Array.from({ length: 60 }, (_, i) => `k${i}: [${'1,'.repeat(5000)}1]\n`).join(''));
  put(root, 'policy.yaml', typoPolicy);
  const run = await runCli(['check', '.', '--format', 'json'], root);
  assertBounded(run, [1]);
  const codes = (file: string) => findingsOf(run.stdout).filter((f) => f.file.endsWith(file)).map((f) => f.code);
  assert.deepEqual(codes('dashes.yaml'), ['limits/document-count']);
  assert.deepEqual(codes('items.yaml'), ['limits/collection-items']);
  assert.deepEqual(codes('stream.yaml'), ['limits/document-count']);
  assert.deepEqual(codes('nodes.yaml'), ['limits/yaml-nodes']);
  assert.ok(codes('policy.yaml').length > 0, 'the other files are still analysed');
});

test('cache: a planted symlink at the old temporary name is not written through', async (t) => {
  const root = tempDir(t);
  put(root, 'policy.yaml', typoPolicy);
  const victim = put(root, 'victim.txt', 'untouched\n');
  mkdirSync(join(root, '.kyverno-analyzer-cache'));
  symlinkSync(victim, join(root, '.kyverno-analyzer-cache/results.json.tmp'));
  symlinkSync(victim, join(root, '.kyverno-analyzer-cache/results.json'));
  const run = await runCli(['check', '.', '--cache'], root);
  assertBounded(run, [1]);
  assert.equal(readFileSync(victim, 'utf8'), 'untouched\n');
  assert.deepEqual(readdirSync(join(root, '.kyverno-analyzer-cache')).filter((n) => n.endsWith('.tmp') && n !== 'results.json.tmp'), [], 'no temporary file left behind');
});

test('cache: an edited cache does not turn a failing check green', async (t) => {
  const root = tempDir(t);
  put(root, 'policy.yaml', typoPolicy);
  const first = await runCli(['check', '.', '--cache', '--format', 'json'], root);
  assertBounded(first, [1]);
  const path = join(root, '.kyverno-analyzer-cache/results.json');
  // Every finding the analyzer stored is removed, in whatever shape the file has.
  const edited = readFileSync(path, 'utf8').replace(/\\?"findings\\?":\[[^\]]*\]/g, (m) => m.replace(/\[[^\]]*\]/, '[]'));
  assert.notEqual(edited, readFileSync(path, 'utf8'), 'the edit changed the cache');
  writeFileSync(path, edited);
  const second = await runCli(['check', '.', '--cache', '--format', 'json'], root);
  assertBounded(second, [1]);
  assert.deepEqual(findingsOf(second.stdout), findingsOf(first.stdout));
});

test('cache: a forged cache, its checksum recomputed by whoever wrote the repository, does not turn a failing check green', async (t) => {
  const root = tempDir(t);
  put(root, 'policy.yaml', typoPolicy);
  const first = await runCli(['check', '.', '--cache', '--format', 'json'], root);
  assertBounded(first, [1]);
  const path = join(root, '.kyverno-analyzer-cache/results.json');
  const envelope = JSON.parse(readFileSync(path, 'utf8'));
  // Every finding the analyzer stored is dropped, keeping the data's shape.
  const data = JSON.parse(envelope.body);
  for (const entry of Object.values(data.files) as { findings: unknown[] }[]) entry.findings = [];
  if (data.workspace) data.workspace.findings = [];
  envelope.body = JSON.stringify(data);
  assert.ok(findingsOf(first.stdout).length > 0);
  // Whatever a repository can compute: a plain hash, or an HMAC under a key it chose.
  for (const checksum of [createHash('sha256').update(envelope.body).digest('hex'), createHmac('sha256', 'guess').update(envelope.body).digest('hex')]) {
    writeFileSync(path, JSON.stringify({ ...envelope, checksum }));
    const second = await runCli(['check', '.', '--cache', '--format', 'json'], root);
    assertBounded(second, [1]);
    assert.deepEqual(findingsOf(second.stdout), findingsOf(first.stdout));
  }
  assert.ok(existsSync(CACHE_KEY_FILE), 'the key is in the user\'s cache folder, not the workspace');
});

test('cache: concurrent runs sharing one cache all succeed with the same findings', async (t) => {
  const root = tempDir(t);
  put(root, 'policy.yaml', typoPolicy);
  for (let i = 0; i < 5; i++) put(root, `cm/${i}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n`);
  const runs = await Promise.all(Array.from({ length: 8 }, () => runCli(['check', '.', '--cache', '--format', 'json', '--jobs', '1'], root)));
  for (const run of runs) {
    assertBounded(run, [1]);
    assert.equal(run.stderr, '');
    assert.deepEqual(findingsOf(run.stdout), findingsOf(runs[0].stdout));
  }
  assert.deepEqual(readdirSync(join(root, '.kyverno-analyzer-cache')), ['results.json']);
});

test('cache: a location that is a file prints the findings, then one line on stderr, exit 2', async (t) => {
  const root = tempDir(t);
  put(root, 'policy.yaml', typoPolicy);
  put(root, 'not-a-folder', 'x\n');
  const run = await runCli(['check', '.', '--cache-location', 'not-a-folder', '--format', 'json'], root);
  assertOneLineError(run);
  assert.ok(findingsOf(run.stdout).some((f) => f.code === 'schema/additionalProperties' || f.code.startsWith('schema/')), 'the findings are printed');
});

test('cache: a location under /proc does not spin: one line on stderr, exit 2', async (t) => {
  const root = tempDir(t);
  put(root, 'policy.yaml', typoPolicy);
  for (const location of ['/proc/kpa-cache/deeper', '/proc/self/kpa-cache']) {
    const run = await runCli(['check', '.', '--cache-location', location, '--format', 'json'], root);
    assertOneLineError(run);
    assert.ok(findingsOf(run.stdout).length > 0);
  }
  assert.equal(existsSync('/proc/kpa-cache'), false);
});

test('test: a kyverno-test.yaml whose resources name a FIFO reports the suite as an error', async (t) => {
  const root = tempDir(t);
  put(root, 'suite/policy.yaml', `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
spec:
  rules:
    - name: r
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: m
        pattern:
          metadata:
            name: "?*"
`);
  put(root, 'suite/kyverno-test.yaml', `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: fifo
policies: [policy.yaml]
resources: [pipe.yaml]
results: []
`);
  execFileSync('mkfifo', [join(root, 'suite/pipe.yaml')]);
  const run = await runCli(['test', '.', '--format', 'json'], root);
  assertBounded(run, [1]);
  const report = JSON.parse(run.stdout);
  assert.equal(report.errors.length, 1);
  assert.match(report.errors[0].error, /not a regular file/);
});

/** No control character but the line ends; every line of a finding list starts with a path and a position, or is the summary. */
function assertCleanLines(stdout: string, linePattern: RegExp): void {
  assert.doesNotMatch(stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  for (const line of stdout.trimEnd().split('\n')) assert.match(line, linePattern, line);
}

test('check text output: ESC sequences and newlines in a file name and a schedule are escaped; one finding per line', async (t) => {
  const root = tempDir(t);
  put(root, 'f\u001b[2J\nforged.yaml', `apiVersion: batch/v1
kind: CronJob
metadata:
  name: c
spec:
  schedule: "0 * * * *\\e]8;;https://evil.example\\a\\nforged.yaml:1:1 error fake/finding pwned"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: main
              image: busybox:1.36
`);
  const run = await runCli(['check', '.'], root);
  assertBounded(run, [1]);
  assertCleanLines(run.stdout, /^(f\\x1b\[2J\\nforged\.yaml:\d+:\d+ (error|warning|info|hint) [a-z-]+\/[a-z-]+ |\d+ files, )/);
  assert.match(run.stdout, /cronjob\/schedule/);
});

test('test text output: names from the suite with ESC sequences and newlines are escaped; one failure per line', async (t) => {
  const root = tempDir(t);
  put(root, 'suite/kyverno-test.yaml', `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: t
policies: []
resources: []
results:
  - policy: "p\\e[2J\\nforged: x/y on Pod/z: expected pass, got pass"
    rule: "r\\e]8;;https://evil.example\\a"
    resources: ["n\\nforged"]
    kind: Pod
    result: pass
`);
  const run = await runCli(['test', '.'], root);
  assertBounded(run, [1]);
  assertCleanLines(run.stdout, /^(suite\/kyverno-test\.yaml: |agree \d+ \/ total \d+)/);
});

test('test: a resources file of 4 MB of document markers is parsed under the same bounds', async (t) => {
  const root = tempDir(t);
  put(root, 'suite/kyverno-test.yaml', `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: many
policies: []
resources: [many.yaml]
results: []
`);
  put(root, 'suite/many.yaml', '---\n'.repeat(1_000_000));
  const run = await runCli(['test', '.', '--format', 'json'], root);
  assertBounded(run, [1]);
  assert.match(JSON.parse(run.stdout).errors[0].error, /maxDocuments/);
});
