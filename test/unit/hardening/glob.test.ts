// include/exclude globs: picomatch's meaning for the patterns configurations use, compiled to RE2
// so that no pattern can make a match backtrack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { compileGlobs } from '../../../server/src/workspace/glob.ts';

const patterns = ['**/*.yaml', '**/*.yml', '**/node_modules/**', '**/.git/**', 'policies/*.yaml', 'a/**', 'a/**/b.yaml', '*.{yaml,yml}', '**/test-?.yaml', '**/[abc]*.yaml', 'x/{a,b/c}/*.yaml', '**/@(foo|bar).yaml', '**/+(ab).yaml', 'docs/**/*', './local/*.yaml', '**/a\\*b.yaml', '!**/*.json', '**', '*'];
const paths = ['a.yaml', 'x/a.yaml', 'x/y/z.yml', 'node_modules/a.yaml', 'a/node_modules/x/y.yaml', 'node_modules/', '.git/config', 'policies/a.yaml', 'policies/x/a.yaml', 'a', 'a/', 'a/b.yaml', 'a/x/b.yaml', 'a/x/y/b.yaml', 'b.yml', 'test-1.yaml', 'x/test-12.yaml', 'abc.yaml', 'd.yaml', 'x/a/q.yaml', 'x/b/c/q.yaml', 'x/b/q.yaml', 'foo.yaml', 'bar.yaml', 'baz.yaml', 'abab.yaml', 'docs/a/b', 'docs', 'local/a.yaml', 'a*b.yaml', 'aXb.yaml', 'q.json', '.hidden.yaml', 'x/.hidden/a.yaml'];

test('every pattern agrees with picomatch (dot: true) on every path', () => {
  for (const pattern of patterns) {
    const expected = picomatch(pattern, { dot: true });
    const actual = compileGlobs([pattern]);
    for (const path of paths) assert.equal(actual(path), expected(path), `${pattern} on ${path}`);
  }
});

test('a list matches what any of its patterns matches', () => {
  const matcher = compileGlobs(['policies/*.yaml', '**/*.yml']);
  assert.equal(matcher('policies/a.yaml'), true);
  assert.equal(matcher('x/y/z.yml'), true);
  assert.equal(matcher('x/a.yaml'), false);
  assert.equal(compileGlobs([])('a.yaml'), false);
});

test('a negated class excludes its characters (shell meaning)', () => {
  const matcher = compileGlobs(['[!abc]*.yaml']);
  assert.equal(matcher('d.yaml'), true);
  assert.equal(matcher('a.yaml'), false);
  assert.equal(matcher('x/d.yaml'), false);
});

test('a pattern that makes a backtracking matcher exponential matches a long path (answer checked, not time)', () => {
  // With picomatch this call does not return (2^30 ways to place the stars).
  const matcher = compileGlobs([`${'*a'.repeat(30)}*b`]);
  assert.equal(matcher(`${'a'.repeat(60)}.yaml`), false);
  assert.equal(matcher(`${'a'.repeat(60)}b`), true);
});
