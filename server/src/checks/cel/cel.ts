import { isScalar } from 'yaml';
import type { Check } from '../types.ts';
import type { DocClass, Policy } from '../../model/types.ts';
import { extractCelSites } from '../../cel/extract.ts';
import { checkCel } from '../../cel/check.ts';
import type { K8sTypeSource, KindRef } from '../../cel/objectType.ts';
import { scalarSourceMap } from '../../yaml/scalarMap.ts';
import { nodeAt } from '../../yaml/paths.ts';
import { typeOfKind, fieldsOf } from '../../k8s/types.ts';
import { resourceForKind } from '../../k8s/discovery.ts';

const kubernetesTypes: K8sTypeSource = {
  typeOfKind: (apiVersion, kind) => {
    const name = typeOfKind(apiVersion, kind);
    return name ? { kind: 'object', name } : undefined;
  },
  fieldsOf,
};

const celFamilies = new Set<DocClass['family']>(['kyverno-legacy', 'kyverno-cel', 'k8s-admission']);

/** The kinds `object` can be: only built-in kinds the model names; any wildcard or CRD keeps `object` dyn. */
function objectKinds(policy: Policy | undefined): KindRef[] {
  if (!policy) return [];
  const kinds = new Set(policy.rules.flatMap((r) => r.match.kinds));
  const refs: KindRef[] = [];
  for (const kind of kinds) {
    const info = resourceForKind(kind);
    if (!info || kind === '*') return [];
    refs.push({ apiVersion: info.group ? `${info.group}/${info.version}` : info.version, kind: info.kind });
  }
  return refs;
}

/**
 * Every CEL expression of every policy kind, parsed and type-checked; each problem is placed on
 * the exact character inside the YAML scalar (block, folded, quoted or plain).
 */
export const celCheck: Check = {
  id: 'cel',
  title: 'CEL expressions must parse and type-check',
  severity: 'error',
  checkDocument({ file, document, report }) {
    const cls = document.cls;
    if (!cls || !celFamilies.has(cls.family) || file.role !== 'workspace') return;
    const kinds = objectKinds(document.policy);
    for (const site of extractCelSites(cls, document.yaml.value)) {
      const problems = checkCel(site, { objectKinds: kinds, types: kubernetesTypes });
      if (problems.length === 0) continue;
      const node = nodeAt(document.yaml.doc, site.path);
      if (!isScalar(node) || !node.range) continue;
      const toSource = scalarSourceMap(file.text, node);
      for (const problem of problems) {
        const start = toSource(problem.start);
        const end = problem.end > problem.start ? toSource(problem.end - 1) + 1 : start;
        report({ file: file.file, span: { start, end: Math.max(start, end) } }, problem.message, { code: problem.code, severity: problem.severity });
      }
    }
  },
};
