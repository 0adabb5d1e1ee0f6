import { isScalar } from 'yaml';
import type { Check } from '../types.ts';
import type { DocClass } from '../../model/types.ts';
import { extractCelSites } from '../../cel/extract.ts';
import { checkCel } from '../../cel/check.ts';
import { kubernetesTypes, objectKindsForSite } from '../../cel/kinds.ts';
import { scalarSpan } from '../../yaml/scalarMap.ts';
import { nodeAt } from '../../yaml/paths.ts';

const celFamilies = new Set<DocClass['family']>(['kyverno-legacy', 'kyverno-cel', 'k8s-admission']);

/**
 * Every CEL expression of every policy kind, parsed and type-checked with `object` typed from the
 * kinds its rule matches; each problem is placed on the exact character inside the YAML scalar
 * (block, folded, quoted or plain).
 */
export const celCheck: Check = {
  id: 'cel',
  title: 'CEL expressions must parse and type-check',
  severity: 'error',
  codes: ['cel/syntax', 'cel/type', 'cel/unknown-function'],
  checkDocument({ file, document, report }) {
    const cls = document.cls;
    if (!cls || !celFamilies.has(cls.family)) return;
    const value = document.yaml.value;
    for (const site of extractCelSites(cls, value)) {
      const problems = checkCel(site, { objectKinds: objectKindsForSite(cls, value, site), types: kubernetesTypes });
      if (problems.length === 0) continue;
      const node = nodeAt(document.yaml.doc, site.path);
      if (!isScalar(node) || !node.range) continue;
      for (const problem of problems) {
        report({ file: file.file, span: scalarSpan(file.text, node, problem.start, problem.end) }, problem.message, { code: problem.code, severity: problem.severity });
      }
    }
  },
};
