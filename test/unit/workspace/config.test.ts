import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, levelFor, defaultConfig } from '../../../server/src/workspace/config.ts';

test('settings are read: globs, per-check levels, sizes with units', () => {
  const { config, problems } = parseConfig('include: ["policies/**/*.yaml"]\nexclude: ["vendor/**"]\nchecks:\n  cronjob/history-limits: off\n  conflict/*: error\nmaxFileSize: 2MB\n');
  assert.deepEqual(problems, []);
  assert.deepEqual(config.include, ['policies/**/*.yaml']);
  assert.ok(config.exclude.includes('vendor/**'));
  assert.equal(config.maxFileSize, 2 * 1024 * 1024);
  assert.equal(levelFor(config, 'cronjob/history-limits', 'warning'), 'off');
  assert.equal(levelFor(config, 'conflict/mutation-overwrite', 'warning'), 'error');
  assert.equal(levelFor(config, 'cronjob/mutable-image', 'warning'), 'warning');
});

test('an unknown key is reported at the key, not ignored', () => {
  const text = 'include: ["a"]\nexcludes: ["b"]\n';
  const { problems } = parseConfig(text);
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /Unknown setting `excludes`/);
  assert.equal(text.slice(problems[0].span.start, problems[0].span.end), 'excludes');
});

test('bad values are reported with the expected form', () => {
  const { problems, config } = parseConfig('checks:\n  schema: loud\nmaxFileSize: huge\ninclude: 3\n');
  assert.equal(problems.length, 3);
  assert.match(problems[0].message, /error, warning, info, hint, off/);
  assert.equal(config.maxFileSize, defaultConfig.maxFileSize);
});
