// Every check has its four parts: module (registered), docs page, a fixture that fires and one that must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allChecks } from '../../server/src/checks/registry.ts';
import { allCodes, FILE_CODES } from '../../server/src/checks/codes.ts';
import { docsPath } from '../../server/src/checks/docs.ts';
import { runDocumentChecks } from '../../server/src/checks/run.ts';
import { analyzeWorkspace, loadConfig } from '../../server/src/analysis.ts';
import { parseConfig, type CheckLevel } from '../../server/src/workspace/config.ts';
import type { Finding } from '../../server/src/findings.ts';
import type { IndexedFile } from '../../server/src/workspace/document.ts';
import { fixturesOf, readExpectations, runFixture } from '../helpers/fixtures.ts';

const root = process.cwd();

function docsPages(id: string): string[] {
  const page = join(root, 'docs', 'checks', `${id}.md`);
  if (existsSync(page)) return [page];
  const dir = join(root, 'docs', 'checks', id);
  return existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir).filter((n) => n.endsWith('.md')).map((n) => join(dir, n)) : [];
}

test('check ids are unique', () => {
  const ids = allChecks.map((c) => c.id);
  assert.deepEqual(ids, [...new Set(ids)]);
});

test('every fixture states its expectations as annotations (the former `# expect:` form is converted by UPDATE_EXPECT=1)', () => {
  const old = allChecks.flatMap((c) => fixturesOf(join(root, 'test', 'fixtures'), c.id)).filter((f) => readExpectations(f).oldForm);
  assert.deepEqual(old.map((f) => f.slice(root.length + 1)), []);
});

for (const check of allChecks) {
  test(`${check.id} has a docs page with Why, Example and Fix`, () => {
    const pages = docsPages(check.id);
    assert.ok(pages.length > 0, `docs/checks/${check.id}.md is missing`);
    for (const page of pages) {
      const text = readFileSync(page, 'utf8');
      for (const section of ['## Why', '## Example', '## Fix']) assert.ok(text.includes(section), `${page} lacks "${section}"`);
    }
  });

  test(`${check.id} has a fixture that fires and one that must not`, () => {
    const fixtures = fixturesOf(join(root, 'test', 'fixtures'), check.id);
    const counts = fixtures.map((f) => readExpectations(f).expectations.filter((e) => e.code === check.id || e.code.startsWith(check.id + '/')).length);
    assert.ok(counts.some((n) => n > 0), `no fixture under test/fixtures/${check.id}/ expects ${check.id}`);
    assert.ok(counts.some((n) => n === 0), `no false-positive guard (a fixture expecting nothing) under test/fixtures/${check.id}/`);
  });
}

// ---- Every code the analyzer can report: declared, documented, and reached by configuration ----

const declared = allCodes();
const isDeclared = (code: string) => declared.some((d) => d === code || (d.endsWith('/*') && code.startsWith(d.slice(0, -1))));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

// Named in the sources but never a finding's code: the CEL evaluator's result for a cost bomb
// (no check reports it, although docs/checks/cel/cost.md documents it).
const NOT_FINDINGS = new Set(['cel/cost']);

test('every code the sources can report is declared (checks/codes.ts or a check\'s `codes`)', () => {
  const matchesDeclared = (code: string) => NOT_FINDINGS.has(code) || isDeclared(code);
  const families = new Set(declared.map((c) => c.split('/')[0]));
  const undeclared: string[] = [];
  for (const file of sourceFiles(join(root, 'server', 'src'))) {
    const text = readFileSync(file, 'utf8');
    const where = file.slice(root.length + 1);
    // A code given to a finding, and any string that names a code of a known family.
    for (const m of text.matchAll(/\bcode:\s*(['"`])([^'"`$]+)\1/g)) if (!matchesDeclared(m[2])) undeclared.push(`${where}: ${m[2]}`);
    for (const m of text.matchAll(/(['"`])([a-z]+)\/([a-z][a-zA-Z-]*)\1/g)) {
      if (families.has(m[2]) && !matchesDeclared(`${m[2]}/${m[3]}`)) undeclared.push(`${where}: ${m[2]}/${m[3]}`);
    }
    // A code named at run time needs its family declared as `family/*`.
    for (const m of text.matchAll(/\bcode(?::\s*|\s*=\s*)`([a-z]+)\/\$\{/g)) if (!declared.includes(`${m[1]}/*`)) undeclared.push(`${where}: ${m[1]}/\${…}`);
  }
  assert.deepEqual(undeclared, []);
});

test('the analysis core (server/src but lsp/ and cli/) never imports vscode or vscode-languageserver', () => {
  const src = join(root, 'server', 'src');
  const edge = [join(src, 'lsp'), join(src, 'cli')];
  const offenders = sourceFiles(src)
    .filter((f) => !edge.some((e) => f.startsWith(e + '/')))
    .filter((f) => /from\s+['"]vscode(-languageserver[^'"]*)?['"]|require\(['"]vscode/.test(readFileSync(f, 'utf8')))
    .map((f) => f.slice(root.length + 1));
  assert.deepEqual(offenders, []);
});

test('the scan above finds an undeclared code (it is not vacuous)', () => {
  assert.ok(!isDeclared('yaml/not-a-code') && isDeclared('schema/type') && isDeclared('cel/syntax'));
});

for (const code of declared) {
  test(`${code} has a docs page`, () => {
    const page = docsPath(code, join(root, 'docs', 'checks'));
    assert.ok(existsSync(join(root, 'docs', 'checks', page)) || docsPages(code).length > 0, `no docs/checks/${code}.md nor docs/checks/${code.split('/')[0]}.md`);
  });
}

// `.kyverno-analyzer.yaml` cannot switch off its own errors: its page says so.
const NOT_CONFIGURABLE = new Set(['config/invalid']);
test('config/invalid documents that it is not configurable', () => {
  assert.match(readFileSync(join(root, 'docs', 'checks', 'config.md'), 'utf8'), /## Configuration\s+Not configurable/);
});

/** Codes produced by small workspaces written on the fly (no fixture carries them: they are about files, not policies). */
const SAMPLES: Record<string, { files: Record<string, string | Buffer>; links?: Record<string, string>; config?: string }> = {
  'yaml/syntax': { files: { 'a.yaml': 'a: [1, 2\nb: c\n' } },
  'yaml/helm-template': { files: { 'a.yaml': 'metadata:\n  name: {{ .Values.name }}\n' } },
  'limits/file-size': { files: { 'a.yaml': `a: ${'x'.repeat(200)}\n` }, config: 'maxFileSize: 100\n' },
  'limits/document-count': { files: { 'a.yaml': 'a: 1\n---\na: 2\n---\na: 3\n' }, config: 'maxDocuments: 2\n' },
  'limits/nesting-depth': { files: { 'a.yaml': 'a: ' + '['.repeat(200) + ']'.repeat(200) + '\n' } },
  'limits/yaml-aliases': { files: { 'a.yaml': 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n' } },
  'io/binary': { files: { 'a.yaml': Buffer.from('a: 1\n\0\n') } },
  'io/encoding': { files: { 'a.yaml': Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]) } },
  'io/unreadable': { files: {}, links: { 'broken.yaml': 'nowhere.yaml' } },
  'io/symlink-loop': { files: { 'a.yaml': 'a: 1\n' }, links: { loop: '.' } },
};

function analyzeSample(code: string, levels: Record<string, CheckLevel>): Finding[] {
  const sample = SAMPLES[code];
  const dir = mkdtempSync(join(tmpdir(), 'kpa-meta-'));
  try {
    for (const [name, content] of Object.entries(sample.files)) writeFileSync(join(dir, name), content);
    for (const [name, target] of Object.entries(sample.links ?? {})) symlinkSync(target, join(dir, name));
    const loaded = loadConfig(undefined);
    const config = { ...loaded, config: { ...loaded.config, ...(sample.config ? parseConfig(sample.config).config : {}), checks: levels } };
    return analyzeWorkspace({ roots: [dir], workspaceRoot: dir, config }).findings;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The other file problems (a special file, a modelling defect, the costlier bounds) go through the gate as the language server hands them over: on a file record. */
function gateFileProblem(code: string, levels: Record<string, CheckLevel>): Finding[] {
  const problem: Finding = { code, severity: 'warning', message: 'sample', file: '/w/a.yaml', span: { start: 0, end: 0 } };
  const record = { file: '/w/a.yaml', text: '', role: 'skipped', documents: [], problems: [problem] } as unknown as IndexedFile;
  return runDocumentChecks(record, allChecks, { ...loadConfig(undefined).config, checks: levels });
}

const fixtureByCode = new Map<string, string>();
for (const check of allChecks) {
  for (const fixture of fixturesOf(join(root, 'test', 'fixtures'), check.id)) {
    for (const e of readExpectations(fixture).expectations) if (!fixtureByCode.has(e.code)) fixtureByCode.set(e.code, fixture);
  }
}

function producer(code: string): ((levels: Record<string, CheckLevel>) => Finding[]) | undefined {
  if (SAMPLES[code]) return (levels) => analyzeSample(code, levels);
  if (FILE_CODES.includes(code)) return (levels) => gateFileProblem(code, levels);
  const fixture = code.endsWith('/*') ? [...fixtureByCode].find(([c]) => c.startsWith(code.slice(0, -1)))?.[1] : fixtureByCode.get(code);
  return fixture ? (levels) => runFixture(fixture, levels).findings : undefined;
}

for (const code of declared) {
  if (NOT_CONFIGURABLE.has(code) || allChecks.some((c) => c.id === code && c.codes?.length)) continue;
  test(`configuration reaches ${code}: a level changes its severity, off silences it`, () => {
    const run = producer(code);
    assert.ok(run, `nothing produces ${code}: add a fixture that expects it`);
    const ours = (f: Finding) => (code.endsWith('/*') ? f.code.startsWith(code.slice(0, -1)) : f.code === code);
    const hinted = run({ [code]: 'hint' }).filter(ours);
    assert.ok(hinted.length > 0, `the sample does not produce ${code}`);
    assert.deepEqual([...new Set(hinted.map((f) => f.severity))], ['hint']);
    assert.deepEqual(run({ [code]: 'off' }).filter(ours).map((f) => f.message), []);
  });
}
