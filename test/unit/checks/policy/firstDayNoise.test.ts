// Advice that repeats on every policy of a repository is presented so that it does not fill the
// Problems panel (issue 13, "first-day noise"): hints, and the Deprecated tag on `kind:`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import { toDiagnostic } from '../../../../server/src/lsp/convert.ts';
import { LineIndex } from '../../../../server/src/yaml/lineIndex.ts';
import { analyze } from '../harness.ts';
import { allChecks } from '../../../../server/src/checks/registry.ts';

const MUTATING_LEGACY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: default-run-as-non-root
spec:
  rules:
    - name: non-root
      match:
        any:
          - resources:
              kinds: [Pod]
      mutate:
        patchStrategicMerge:
          spec:
            securityContext:
              runAsNonRoot: true
`;

test('policy/legacy-kind is a hint on `kind:` carrying the Deprecated tag; mutation-without-report a hint', () => {
  const findings = analyze({ '/w/p.yaml': MUTATING_LEGACY }, allChecks);
  const legacy = findings.find((f) => f.code === 'policy/legacy-kind');
  const silent = findings.find((f) => f.code === 'advice/mutation-without-report');
  assert.equal(legacy?.severity, 'hint');
  assert.deepEqual(legacy?.tags, ['deprecated']);
  assert.equal(MUTATING_LEGACY.slice(legacy!.span.start, legacy!.span.end), 'ClusterPolicy');
  assert.equal(silent?.severity, 'hint');
  const diagnostic = toDiagnostic(legacy!, { uriOf: (f) => `file://${f}`, linesOf: () => new LineIndex(MUTATING_LEGACY), versionOf: () => null });
  assert.equal(diagnostic.severity, DiagnosticSeverity.Hint);
  assert.deepEqual(diagnostic.tags, [DiagnosticTag.Deprecated]);
});
