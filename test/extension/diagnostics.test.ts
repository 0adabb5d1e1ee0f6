// Diagnostics from the language server as VS Code holds them: cross-policy conflicts on both
// policies, and the CronJob checks.
import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { codeOf, describeDiagnostics, eventually, kyvernoDiagnostics, lineOf, open, workspaceFile } from './helpers.ts';

const samePath = (a: vscode.Uri, b: vscode.Uri) => a.fsPath === b.fsPath;
const fileName = (uri: vscode.Uri) => uri.path.split('/').pop();

suite('Diagnostics', () => {
  test('a conflict is reported on both policies, each pointing at the other file', async () => {
    const code = 'conflict/incompatible-mutations';
    const pair = [workspaceFile('conflicts/cel/enforce-non-root.yaml'), workspaceFile('conflicts/cel/force-run-as-user-0.yaml')];
    const documents = await Promise.all(pair.map((uri) => vscode.workspace.openTextDocument(uri)));
    // Only the first is shown: the other policy's file is found by the workspace index.
    await open('conflicts/cel/enforce-non-root.yaml');
    for (const [i, here] of pair.entries()) {
      const other = pair[1 - i];
      const nameLine = lineOf(documents[i], /^\s+name: /);
      const writeLine = lineOf(documents[1 - i], /runAs(NonRoot|User):/);
      await eventually(`${code} on ${fileName(here)}`, () => {
        const found = kyvernoDiagnostics(here, code);
        assert.equal(found.length, 1, `one ${code} expected on ${fileName(here)}; it has ${describeDiagnostics(here)}`);
        const [diagnostic] = found;
        assert.equal(vscode.DiagnosticSeverity[diagnostic.severity], 'Error', `an error expected, got ${vscode.DiagnosticSeverity[diagnostic.severity]}`);
        assert.equal(diagnostic.range.start.line, nameLine, 'the finding sits on the policy name');
        const related = diagnostic.relatedInformation ?? [];
        const toOther = related.filter((r) => samePath(r.location.uri, other));
        assert.equal(toOther.length, 1, `related information should point at ${fileName(other)}: ${related.map((r) => `${r.location.uri.path}:${r.location.range.start.line + 1}`).join(', ') || '(none)'}`);
        assert.equal(toOther[0].location.range.start.line, writeLine, `the related location is the write in ${fileName(other)}`);
        assert.match(toOther[0].message, /sets `spec\.securityContext\.runAs(NonRoot|User)`/);
      });
    }
  });

  test('the CronJob checks report on the examples\' CronJob file', async () => {
    const uri = workspaceFile('cronjobs/nightly-report.yaml');
    const { document } = await open('cronjobs/nightly-report.yaml');
    const expected: [string, number][] = [
      ['cronjob/forbid-silent-skip', lineOf(document, /concurrencyPolicy: Forbid/)],
      ['cronjob/history-limits', lineOf(document, /successfulJobsHistoryLimit: 0/)],
      ['cronjob/history-limits', lineOf(document, /failedJobsHistoryLimit: 0/)],
      ['cronjob/active-deadline-missing', lineOf(document, /^\s+jobTemplate:/)],
      ['cronjob/mutable-image', lineOf(document, /image: ghcr\.io\/acme\/report:2\.4\.0/)],
      ['cronjob/schedule', lineOf(document, /schedule: "CRON_TZ=/)],
    ];
    await eventually('the CronJob diagnostics', () => {
      const have = kyvernoDiagnostics(uri);
      const missing = expected.filter(([code, line]) => !have.some((d) => codeOf(d) === code && d.range.start.line === line));
      assert.deepEqual(missing.map(([code, line]) => `${line + 1}:${code}`), [], `missing on nightly-report.yaml; it has ${describeDiagnostics(uri)}`);
    });
    const schedule = kyvernoDiagnostics(uri, 'cronjob/schedule')[0];
    assert.equal(vscode.DiagnosticSeverity[schedule.severity], 'Error', `cronjob/schedule: an error expected, got ${vscode.DiagnosticSeverity[schedule.severity]}`);
    const target = typeof schedule.code === 'object' ? schedule.code.target : undefined;
    assert.ok(target && /docs\/checks\/cronjob\/schedule\.md$/.test(target.path), `the code links to its docs page: ${target?.toString()}`);
    // The cross-file one: the enforcing ValidatingPolicy in jobs-need-ttl.yaml denies the Job.
    const blocked = await eventually('cronjob/blocked-by-policy', () => {
      const found = kyvernoDiagnostics(uri, 'cronjob/blocked-by-policy').find((d) => d.range.start.line === lineOf(document, /^\s+jobTemplate:/));
      assert.ok(found, `no cronjob/blocked-by-policy on the first jobTemplate; have ${describeDiagnostics(uri)}`);
      return found;
    });
    assert.ok(blocked.relatedInformation?.some((r) => r.location.uri.path.endsWith('/cronjobs/jobs-need-ttl.yaml')), 'related information points at jobs-need-ttl.yaml');
  });
});
