import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { discoverFiles } from '../../../server/src/workspace/discover.ts';
import { parseConfig, defaultConfig } from '../../../server/src/workspace/config.ts';

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kpa-discover-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test('YAML files are found; .gitignore (scoped to its folder) and config excludes are honoured', (t) => {
  const root = workspace({
    'a.yaml': '', 'b.yml': '', 'c.json': '', 'build/x.yaml': '',
    'sub/.gitignore': 'local.yaml\n', 'sub/local.yaml': '', 'sub/kept.yaml': '', 'local.yaml': '',
    '.gitignore': 'build/\n', 'vendor/v.yaml': '',
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { config } = parseConfig('exclude: ["vendor/**"]\n');
  const { files, problems } = discoverFiles([root], root, config);
  assert.deepEqual(problems, []);
  assert.deepEqual(files.map((f) => relative(root, f.path)).sort(), ['a.yaml', 'b.yml', 'local.yaml', 'sub/kept.yaml']);
});

test('a symlink loop is reported once and not followed', (t) => {
  const root = workspace({ 'd/p.yaml': '' });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  symlinkSync(join(root, 'd'), join(root, 'd', 'loop'));
  const { files, problems } = discoverFiles([root], root, defaultConfig);
  assert.deepEqual(files.map((f) => relative(root, f.path)), ['d/p.yaml']);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].code, 'io/symlink-loop');
});

test('a missing root is a problem naming the path', () => {
  const { problems } = discoverFiles(['/nonexistent/kpa'], '/', defaultConfig);
  assert.match(problems[0].message, /\/nonexistent\/kpa: no such file or directory/);
});

test('a folder given outside the workspace root is still walked, its globs relative to itself', (t) => {
  const root = workspace({ 'policies/a.yaml': '', 'policies/skip/b.yaml': '' });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { config } = parseConfig('exclude: ["skip/**"]\n');
  const { files } = discoverFiles([join(root, 'policies')], join(root, 'elsewhere'), config);
  assert.deepEqual(files.map((f) => relative(root, f.path)), ['policies/a.yaml']);
});

test('each file comes with its real path: through a symlinked folder, and for a symlinked file', (t) => {
  const root = workspace({ 'real/p.yaml': '', 'target.yaml': '' });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  symlinkSync(join(root, 'real'), join(root, 'via'));
  symlinkSync(join(root, 'target.yaml'), join(root, 'link.yaml'));
  const real = realpathSync(root);
  const { files } = discoverFiles([join(root, 'via'), join(root, 'link.yaml')], root, defaultConfig);
  assert.deepEqual(files.map((f) => [relative(root, f.path), f.realPath]), [
    ['via/p.yaml', join(real, 'real', 'p.yaml')],
    ['link.yaml', join(real, 'target.yaml')],
  ]);
});
