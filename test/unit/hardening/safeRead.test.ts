// The one read of a workspace path: special files, links out of the workspace and oversize files
// are refused before their content is read, and the refusal never blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { readWorkspacePath, workspaceRoots } from '../../../server/src/workspace/safeRead.ts';

function workspace(t: { after: (f: () => void) => void }) {
  const base = mkdtempSync(join(tmpdir(), 'kpa-saferead-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const root = join(base, 'ws');
  mkdirSync(root);
  writeFileSync(join(base, 'secret.yaml'), 'token: outside-secret\n');
  writeFileSync(join(root, 'ok.yaml'), 'a: 1\n');
  return { base, root, roots: workspaceRoots([root]) };
}

test('a regular file inside the roots is read', (t) => {
  const { root, roots } = workspace(t);
  assert.deepEqual(readWorkspacePath(join(root, 'ok.yaml'), { roots, maxBytes: 100 }), { ok: true, text: 'a: 1\n' });
});

test('a symlink to a file outside the roots is refused, and its content is not in the answer', (t) => {
  const { base, root, roots } = workspace(t);
  symlinkSync(join(base, 'secret.yaml'), join(root, 'link.yaml'));
  const read = readWorkspacePath(join(root, 'link.yaml'), { roots, maxBytes: 100 });
  assert.equal(read.ok, false);
  assert.equal(!read.ok && read.code, 'io/outside-workspace');
  assert.doesNotMatch(JSON.stringify(read), /outside-secret/);
});

test('a symlink inside the roots is followed', (t) => {
  const { root, roots } = workspace(t);
  symlinkSync(join(root, 'ok.yaml'), join(root, 'alias.yaml'));
  assert.equal(readWorkspacePath(join(root, 'alias.yaml'), { roots, maxBytes: 100 }).ok, true);
});

test('a FIFO is refused at once (no writer: a blocking open would wait forever)', { timeout: 5000 }, (t) => {
  const { root, roots } = workspace(t);
  execFileSync('mkfifo', [join(root, 'pipe.yaml')]);
  const read = readWorkspacePath(join(root, 'pipe.yaml'), { roots, maxBytes: 100 });
  assert.equal(!read.ok && read.code, 'io/not-regular');
});

test('a symlink to /dev/zero is refused as a device, even when the roots confine nothing', (t) => {
  const { root } = workspace(t);
  symlinkSync('/dev/zero', join(root, 'zero.yaml'));
  const read = readWorkspacePath(join(root, 'zero.yaml'), { roots: [], maxBytes: 1 << 30 });
  assert.equal(!read.ok && read.code, 'io/not-regular');
});

test('a file over the bound is refused by its size', (t) => {
  const { root, roots } = workspace(t);
  writeFileSync(join(root, 'big.yaml'), 'x'.repeat(101));
  const read = readWorkspacePath(join(root, 'big.yaml'), { roots, maxBytes: 100 });
  assert.equal(!read.ok && read.code, 'limits/file-size');
});

test('roots are compared by real path: a workspace reached through a symlinked folder still reads its files', (t) => {
  const { base, root } = workspace(t);
  symlinkSync(root, join(base, 'via'));
  const roots = workspaceRoots([join(base, 'via')]);
  assert.deepEqual(roots, [realpathSync(root)]);
  assert.equal(readWorkspacePath(join(base, 'via', 'ok.yaml'), { roots, maxBytes: 100 }).ok, true);
});

test('a real path given by the caller is still held to the roots', (t) => {
  const { base, root, roots } = workspace(t);
  const read = readWorkspacePath(join(root, 'ok.yaml'), { roots, maxBytes: 100, realPath: realpathSync(join(base, 'secret.yaml')) });
  assert.equal(read.ok, false);
  assert.equal(!read.ok && read.code, 'io/outside-workspace');
});

test('a file swapped for a symlink after its real path was resolved is refused at open', (t) => {
  const { base, root, roots } = workspace(t);
  const real = realpathSync(join(root, 'ok.yaml'));
  rmSync(real);
  symlinkSync(join(base, 'secret.yaml'), real);
  const read = readWorkspacePath(join(root, 'ok.yaml'), { roots, maxBytes: 100, realPath: real });
  assert.equal(read.ok, false);
  assert.doesNotMatch(JSON.stringify(read), /outside-secret/);
});
