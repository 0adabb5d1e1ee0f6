// The language server applies the same suppression comments as the CLI, to document and cross-file
// findings alike, and offers "Disable <check> for this line / for this file" as quick fixes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ServerState } from '../../../server/src/lsp/state.ts';
import { codeActions } from '../../../server/src/lsp/codeActions.ts';
import { allChecks } from '../../../server/src/checks/registry.ts';
import { LineIndex } from '../../../server/src/yaml/lineIndex.ts';

const file = '/w/etl.yaml';
const cronJob = (containers: string) => `apiVersion: batch/v1
kind: CronJob
metadata:
  name: etl
spec:
  schedule: "0 4 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
${containers}`;
const twoImages = cronJob(`            - name: a
              image: ghcr.io/acme/a:latest
            - name: b
              image: ghcr.io/acme/b:latest
`);

function stateWith(text: string): ServerState {
  const state = new ServerState(allChecks, () => {});
  state.updateText(file, text);
  state.runWorkspace();
  return state;
}

const imageLines = (state: ServerState) => {
  const lines = new LineIndex(state.index.getFile(file)!.text);
  return state.findingsOf(file).filter((f) => f.code === 'cronjob/mutable-image').map((f) => lines.positionAt(f.span.start).line + 1);
};

function applyEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lines = new LineIndex(text);
  const sorted = [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start));
  for (const e of sorted) text = text.slice(0, lines.offsetAt(e.range.start)) + e.newText + text.slice(lines.offsetAt(e.range.end));
  return text;
}

describe('suppression comments in the language server', () => {
  it('given a next-line comment above one of two findings, then only the other is published', () => {
    assert.deepEqual(imageLines(stateWith(twoImages)), [14, 16]);
    const suppressed = twoImages.replace('              image: ghcr.io/acme/a:latest', '              # kyverno-analyzer-disable-next-line cronjob/mutable-image -- a is rebuilt daily\n              image: ghcr.io/acme/a:latest');
    const state = stateWith(suppressed);
    assert.deepEqual(imageLines(state), [17]);
    assert.deepEqual(state.findingsOf(file).filter((f) => f.code === 'hygiene/unused-suppression'), []);
  });

  it('given a comment that silences nothing, then it is reported on its id', () => {
    const text = twoImages.replace('            - name: b\n', '            - name: b\n              # kyverno-analyzer-disable-next-line cronjob/schedule\n');
    const state = stateWith(text);
    const unused = state.findingsOf(file).filter((f) => f.code === 'hygiene/unused-suppression');
    assert.deepEqual(unused.map((f) => text.slice(f.span.start, f.span.end)), ['cronjob/schedule']);
    assert.deepEqual(imageLines(state), [14, 17]);
  });

  for (const [scope, expected] of [['line', [17]], ['file', []]] as const) {
    it(`when "Disable cronjob/mutable-image for this ${scope}" is applied, then the findings it names go away and the comment is not unused`, () => {
      const state = stateWith(twoImages);
      const finding = state.findingsOf(file).find((f) => f.code === 'cronjob/mutable-image')!;
      const range = new LineIndex(twoImages).rangeOf(finding.span);
      const action = codeActions(state, file, range, []).find((a) => a.title === `Disable cronjob/mutable-image for this ${scope}`);
      assert.ok(action, 'offered');
      const edited = applyEdits(twoImages, action.edit!.changes!['file:///w/etl.yaml']!);
      const after = stateWith(edited);
      const lines = new LineIndex(edited);
      assert.deepEqual(after.findingsOf(file).filter((f) => f.code === 'cronjob/mutable-image').map((f) => lines.positionAt(f.span.start).line + 1), expected);
      assert.deepEqual(after.findingsOf(file).filter((f) => f.code === 'hygiene/unused-suppression'), []);
      if (scope === 'line') assert.match(edited, /\n {14}# kyverno-analyzer-disable-next-line cronjob\/mutable-image\n {14}image: ghcr.io\/acme\/a:latest/);
      else assert.match(edited, /^# kyverno-analyzer-disable-file cronjob\/mutable-image\napiVersion/);
    });
  }
});
