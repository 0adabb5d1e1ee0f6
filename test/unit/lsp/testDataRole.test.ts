// The server keeps document findings per file; a test added or removed changes the role of the
// files it names, and their findings must follow without those files being edited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerState } from '../../../server/src/lsp/state.ts';
import { allChecks } from '../../../server/src/checks/registry.ts';
import { badCronJob } from '../../helpers/testDataTexts.ts';

const cronJob = badCronJob();
const kyvernoTest = 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\npolicies: []\nresources: [cron.yaml]\n';

test('a kyverno-test.yaml opened after the resource it names silences that resource, and removing it brings the findings back', () => {
  const state = new ServerState(allChecks, () => {});
  const cron = '/ws/suite/cron.yaml';
  const cronFindings = () => state.findingsOf(cron).filter((f) => f.code.startsWith('cronjob/'));
  state.updateText(cron, cronJob);
  state.runWorkspace();
  assert.ok(cronFindings().length > 0);
  state.updateText('/ws/suite/kyverno-test.yaml', kyvernoTest);
  const republished = state.runWorkspace();
  assert.deepEqual(cronFindings(), []);
  assert.ok(republished.includes(cron), 'the silenced file is published again');
  state.removeFile('/ws/suite/kyverno-test.yaml');
  state.runWorkspace();
  assert.ok(cronFindings().length > 0);
});
