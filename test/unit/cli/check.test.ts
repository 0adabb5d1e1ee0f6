import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Ajv04 from 'ajv-draft-04';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { main } from '../../../server/src/cli/main.ts';
import { analyzeWorkspace, loadConfig } from '../../../server/src/analysis.ts';

const badPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: typo
spec:
  validationFailureActon: Enforce
  rules: []
`;
const brokenYaml = 'a: [1, 2\n';
const goodPod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n';

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kpa-cli-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function run(cwd: string, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

test('check --format json: the contract CI users rely on', async (t) => {
  const root = workspace({ 'policy.yaml': badPolicy, 'pod.yaml': goodPod, 'broken.yaml': brokenYaml });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { code, stdout } = await run(root, 'check', '.', '--format', 'json');
  assert.equal(code, 1, 'error findings exit 1');
  const report = JSON.parse(stdout);
  assert.equal(report.version, 1);
  const typo = report.findings.find((f: { code: string }) => f.code === 'schema/additionalProperties');
  assert.deepEqual({ file: typo.file, severity: typo.severity, range: typo.range }, {
    file: 'policy.yaml',
    severity: 'error',
    range: { start: { line: 5, character: 2 }, end: { line: 5, character: 24 } },
  });
  assert.ok(report.findings.some((f: { code: string; file: string }) => f.code === 'yaml/syntax' && f.file === 'broken.yaml'));
  assert.deepEqual(Object.keys(report.summary).sort(), ['documents', 'durationMs', 'files', 'internalErrors', 'policies', 'rules']);
  const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync('schemas/cli-output.schema.json', 'utf8')));
  const valid: boolean = validate(report);
  assert.ok(valid, JSON.stringify(validate.errors));
  assert.equal(report.summary.files, 3);
  assert.equal(report.summary.policies, 1);
});

test('--fail-on decides the exit code', async (t) => {
  const root = workspace({ 'pod.yaml': goodPod, 'tmpl.yaml': 'metadata:\n  name: {{ .Values.x }}\n' });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  assert.equal((await run(root, 'check', '.')).code, 0, 'an info is below the default error threshold');
  assert.equal((await run(root, 'check', '.', '--fail-on', 'info')).code, 1);
  assert.equal((await run(root, 'check', '.', '--fail-on', 'never')).code, 0);
});

test('usage and I/O errors exit 2 with one line naming the path and the cause', async (t) => {
  const root = workspace({ 'pod.yaml': goodPod });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const missing = await run(root, 'check', 'nope');
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, 'kyverno-analyzer check: nope: no such file or directory\n');
  const badFormat = await run(root, 'check', '--format', 'xml');
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /--format must be one of text, json, sarif/);
  assert.equal((await run(root, 'check', '--config', 'none.yaml')).code, 2);
  assert.equal((await run(root, 'frobnicate')).code, 2);
});

test('text output: file:line:col severity code message, 1-based', async (t) => {
  const root = workspace({ 'policy.yaml': badPolicy });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { stdout } = await run(root, 'check', 'policy.yaml');
  assert.match(stdout, /^policy\.yaml:6:3 error schema\/additionalProperties /m);
});

test('the config file is read from the workspace root; unknown keys are findings', async (t) => {
  const root = workspace({ '.kyverno-analyzer.yaml': 'checks:\n  schema: off\nexcludes: []\n', 'policy.yaml': badPolicy });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const report = JSON.parse((await run(root, 'check', '.', '--format', 'json', '--fail-on', 'never')).stdout);
  const codes = report.findings.map((f: { code: string; file: string }) => `${f.file} ${f.code}`);
  assert.ok(codes.includes('.kyverno-analyzer.yaml config/invalid'), codes.join());
  assert.ok(!codes.some((c: string) => c.includes('schema/')), 'schema is off by the config file');
});

test('SARIF output validates against the SARIF 2.1.0 schema', async (t) => {
  const root = workspace({ 'policy.yaml': badPolicy, 'broken.yaml': brokenYaml });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const sarif = JSON.parse((await run(root, 'check', '.', '--format', 'sarif')).stdout);
  const schema = JSON.parse(readFileSync('node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json', 'utf8'));
  const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  const valid: boolean = validate(sarif);
  assert.ok(valid, JSON.stringify(validate.errors?.slice(0, 3)));
  const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'schema/additionalProperties');
  assert.deepEqual(result.locations[0].physicalLocation.region, { startLine: 6, startColumn: 3, endLine: 6, endColumn: 25 });
});

test('--cache: a second run over unchanged files parses nothing and reports the same findings', async (t) => {
  const root = workspace({ 'policy.yaml': badPolicy, 'pod.yaml': goodPod });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const request = { roots: [root], workspaceRoot: root, config: loadConfig(undefined), cacheLocation: join(root, '.cache') };
  const cold = analyzeWorkspace(request);
  const warm = analyzeWorkspace(request);
  assert.ok(cold.index, 'the cold run indexes');
  assert.equal(warm.index, undefined, 'the warm run is served from the cache');
  assert.deepEqual(warm.findings, cold.findings);
  writeFileSync(join(root, 'pod.yaml'), goodPod.replace('name: p', 'name: q'));
  const changed = analyzeWorkspace(request);
  assert.ok(changed.index, 'a changed file is analysed again');
  assert.deepEqual(changed.findings, cold.findings);
});
