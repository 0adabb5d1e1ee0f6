import type { Check } from '../types.ts';
import { validateAgainstSchema } from '../../schema/validate.ts';

/**
 * Structure of every Kyverno document against the JSON Schemas generated from Kyverno's CRDs.
 * One module for the family: each finding's code is `schema/<keyword>` (type, required, enum, …).
 */
export const schemaCheck: Check = {
  id: 'schema',
  title: 'Kyverno documents must match their CRD schema',
  severity: 'error',
  codes: ['schema/*'],
  checkDocument({ file, document, spanOf, report }) {
    const cls = document.cls;
    if (!cls) return;
    if (cls.family !== 'kyverno-legacy' && cls.family !== 'kyverno-cel' && cls.family !== 'kyverno-cli') return;
    // `kyverno test` loads its own files leniently (it ignores unknown fields, fills defaults): a
    // mismatch there is a likely mistake (a misspelt flag is silently ignored), not a rejection.
    const severity = cls.family === 'kyverno-cli' ? 'warning' : undefined;
    for (const problem of validateAgainstSchema(cls.group, cls.kind, cls.version, document.yaml.value)) {
      report({ file: file.file, span: spanOf(problem.path, problem.target) }, problem.message, { code: problem.code, severity });
    }
  },
};
