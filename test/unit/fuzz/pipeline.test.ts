// Short property-based run (the long one: test/fuzz/run.mjs): random and mutated YAML/CEL/policy
// documents through parse -> index -> checks never throw and give well-formed findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { runDocumentChecks, runWorkspaceChecks } from '../../../server/src/checks/run.ts';
import { allChecks } from '../../../server/src/checks/registry.ts';
import { anyText } from '../../helpers/fuzzInputs.ts';

test('any text through index and every check: no throw, findings inside the text', () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const index = new WorkspaceIndex();
      const { indexed } = index.setFile('/fuzz/doc.yaml', text);
      const failures: string[] = [];
      const hooks = { onCheckFailure: (f: { checkId: string; error: unknown }) => failures.push(`${f.checkId}: ${(f.error as Error)?.stack}`) };
      const findings = [...runDocumentChecks(indexed, allChecks, index.config, hooks), ...runWorkspaceChecks(index, allChecks, hooks)];
      assert.deepEqual(failures, []);
      for (const f of findings) {
        assert.ok(f.span.start >= 0 && f.span.start <= f.span.end && f.span.end <= text.length, `${f.code} span ${f.span.start}-${f.span.end} outside ${text.length}`);
        assert.ok(typeof f.message === 'string' && f.message.length > 0);
      }
    }),
    { numRuns: 300, seed: Number(process.env.FUZZ_SEED ?? 20261123) },
  );
});
