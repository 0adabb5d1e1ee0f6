// Every CronJob quick fix, applied to the text, removes its finding and leaves valid YAML; the
// companion files (ValidatingPolicy, PrometheusRule) are valid documents of their kinds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allChecks } from '../../../../server/src/checks/registry.ts';
import { analyze, applyEdits, yamlErrors } from '../harness.ts';

const FILE = '/ws/jobs/report.yaml';
const BAD = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
  namespace: billing
spec:
  schedule: "*/15 * * * *"   # every quarter hour
  concurrencyPolicy: Forbid
  successfulJobsHistoryLimit: 0
  failedJobsHistoryLimit: 50
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: ghcr.io/acme/report:1.4.2
              args:
                - |
                  run --all
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: report-api
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/report:1.4.2@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
`;

const cronChecks = allChecks.filter((c) => c.id.startsWith('cronjob/'));

test('the bad CronJob gets each of its codes', () => {
  const codes = analyze({ [FILE]: BAD }, cronChecks).map((f) => f.code).sort();
  assert.deepEqual(codes, [
    'cronjob/active-deadline-missing',
    'cronjob/backoff-limit-implicit',
    'cronjob/forbid-silent-skip',
    'cronjob/history-limits',
    'cronjob/history-limits',
    'cronjob/mutable-image',
    'cronjob/starting-deadline',
  ]);
});

test('each preferred fix removes its finding and keeps the YAML valid', () => {
  const before = analyze({ [FILE]: BAD }, cronChecks);
  const count = (findings: { code: string }[], code: string) => findings.filter((f) => f.code === code).length;
  for (const finding of before) {
    const fix = finding.fixes?.find((f) => f.isPreferred);
    assert.ok(fix, `${finding.code} offers a quick fix`);
    const after = applyEdits({ [FILE]: BAD }, fix.edits);
    assert.deepEqual(yamlErrors(after), [], `${finding.code}: ${after[FILE]}`);
    const again = analyze(after, cronChecks);
    assert.equal(count(again, finding.code), count(before, finding.code) - 1, `${finding.code} is gone after "${fix.title}":\n${after[FILE]}`);
    for (const f of again) assert.ok(count(again, f.code) <= count(before, f.code), `no new ${f.code} after "${fix.title}"`);
  }
});

test('all preferred fixes together give a CronJob without findings', () => {
  let files: Record<string, string> = { [FILE]: BAD };
  for (let round = 0; round < 10; round++) {
    const next = analyze(files, cronChecks).find((f) => f.fixes?.some((x) => x.isPreferred));
    if (!next) break;
    files = applyEdits(files, next.fixes!.find((x) => x.isPreferred)!.edits);
  }
  assert.deepEqual(analyze(files, cronChecks).map((f) => f.code), []);
  assert.match(files[FILE], /\n {6}activeDeadlineSeconds: 720\n/);
  assert.match(files[FILE], /\n {6}backoffLimit: 2\n/);
  assert.match(files[FILE], /\n {2}startingDeadlineSeconds: 450\n/);
  assert.match(files[FILE], /image: ghcr.io\/acme\/report:1.4.2@sha256:9f86/);
});

test('the fields are inserted in the document\'s own indentation (4 spaces, sequences not indented)', () => {
  const text = `apiVersion: batch/v1
kind: CronJob
metadata:
    name: four
spec:
    schedule: "0 * * * *"
    jobTemplate:
        spec:
            template:
                spec:
                    restartPolicy: Never
                    containers:
                    - name: a
                      image: busybox:1.36@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
`;
  const findings = analyze({ [FILE]: text }, cronChecks);
  const active = findings.find((f) => f.code === 'cronjob/active-deadline-missing')!;
  const after = applyEdits({ [FILE]: text }, active.fixes![0].edits);
  assert.match(after[FILE], /\n {8}spec:\n(.*\n)* {12}activeDeadlineSeconds: 2880\n?/);
  assert.deepEqual(yamlErrors(after), []);
  const starting = findings.find((f) => f.code === 'cronjob/starting-deadline')!;
  assert.match(applyEdits({ [FILE]: text }, starting.fixes![0].edits)[FILE], /\n {4}startingDeadlineSeconds: 600\n/);
});

test('a TZ prefix moves to the timeZone field', () => {
  const text = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: tz
spec:
  schedule: CRON_TZ=Europe/Paris 0 3 * * *
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{ name: a, image: busybox }]
`;
  const [finding] = analyze({ [FILE]: text }, cronChecks).filter((f) => f.code === 'cronjob/schedule');
  const after = applyEdits({ [FILE]: text }, finding.fixes![0].edits);
  assert.match(after[FILE], /schedule: 0 3 \* \* \*\n {2}jobTemplate:[^]*\n {2}timeZone: Europe\/Paris\n?$/);
  assert.deepEqual(analyze(after, cronChecks).filter((f) => f.code === 'cronjob/schedule'), []);
});

test('companion files: a schema-valid ValidatingPolicy and a PrometheusRule with 2 × the longest interval', () => {
  const finding = analyze({ [FILE]: BAD }, cronChecks).find((f) => f.code === 'cronjob/starting-deadline')!;
  const policyFix = finding.fixes!.find((f) => /ValidatingPolicy/.test(f.title))!;
  const alertFix = finding.fixes!.find((f) => /PrometheusRule/.test(f.title))!;
  assert.equal(policyFix.edits[0].file, '/ws/jobs/require-cronjob-deadlines.yaml');
  assert.deepEqual(policyFix.edits[0].span, { start: 0, end: 0 });
  assert.equal(alertFix.edits[0].file, '/ws/jobs/report-schedule-alert.yaml');
  assert.match(alertFix.edits[0].newText, /time\(\) - kube_cronjob_status_last_schedule_time\{namespace="billing",cronjob="report"\} > 1800/);
  const files = applyEdits({ [FILE]: BAD }, [...policyFix.edits, ...alertFix.edits]);
  assert.deepEqual(yamlErrors(files), []);
  const created = { [policyFix.edits[0].file]: files[policyFix.edits[0].file], [alertFix.edits[0].file]: files[alertFix.edits[0].file] };
  const problems = analyze(created, allChecks).filter((f) => f.severity === 'error' || f.severity === 'warning');
  assert.deepEqual(problems.map((f) => `${f.code}: ${f.message}`), []);
});
