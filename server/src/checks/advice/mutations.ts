// The mutation equivalent to a validation's objective requirements, with add-if-absent semantics:
// a legacy mutate rule (`+()` anchors) or a MutatingPolicy (ApplyConfiguration behind `has()` guards).
import type { Obj } from '../cronjob/common.ts';
import type { Opportunity } from './patterns.ts';

export const DEFAULT_REQUESTS: Record<string, string> = { cpu: '100m', memory: '128Mi' };

const SAFE: Record<string, unknown> = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  'capabilities.drop': ['ALL'],
  'seccompProfile.type': 'RuntimeDefault',
};

/** `{ '+(runAsNonRoot)': true, capabilities: { '+(drop)': ['ALL'] }, '+(seccompProfile)': { type: … } }` */
function anchoredSecurityContext(fields: string[]): Obj {
  const sc: Obj = {};
  for (const field of fields) {
    if (field === 'capabilities.drop') sc.capabilities = { '+(drop)': ['ALL'] };
    else if (field === 'seccompProfile.type') sc['+(seccompProfile)'] = { type: 'RuntimeDefault' };
    else sc[`+(${field})`] = SAFE[field];
  }
  return sc;
}

const labelVar = (label: string) => `namespaceLabels."${label}"`;

/** Legacy mutate rules (for a ClusterPolicy/Policy) that make a validation's requirements hold. */
export function legacyMutateRules(opportunities: Opportunity[], base: { name: string; match: unknown; exclude?: unknown }): Obj[] {
  const rules: Obj[] = [];
  const common = (suffix: string): Obj => ({ name: `${base.name}-${suffix}`.slice(0, 63), match: base.match, ...(base.exclude ? { exclude: base.exclude } : {}) });
  const spec: Obj = {};
  const container: Obj = {};
  for (const o of opportunities) {
    if (o.kind === 'securityContext' && o.level === 'pod') spec.securityContext = anchoredSecurityContext(o.fields);
    if (o.kind === 'securityContext' && o.level === 'container') container.securityContext = anchoredSecurityContext(o.fields);
    if (o.kind === 'requests') container.resources = { requests: Object.fromEntries(o.fields.map((f) => [`+(${f})`, DEFAULT_REQUESTS[f] ?? DEFAULT_REQUESTS.memory])) };
    if (o.kind === 'automount') spec['+(automountServiceAccountToken)'] = false;
  }
  if (Object.keys(container).length) spec.containers = [{ '(name)': '*', ...container }];
  if (Object.keys(spec).length) rules.push({ ...common('defaults'), mutate: { patchStrategicMerge: { spec } } });
  for (const o of opportunities.filter((x) => x.kind === 'namespaceLabel')) {
    for (const label of o.fields) {
      rules.push({
        ...common(`label-${label.replace(/[^a-z0-9-]/gi, '-').toLowerCase()}`),
        context: [{ name: 'namespaceLabels', apiCall: { urlPath: '/api/v1/namespaces/{{request.namespace}}', jmesPath: 'metadata.labels' } }],
        preconditions: { all: [{ key: `{{ ${labelVar(label)} || '' }}`, operator: 'NotEquals', value: '' }] },
        mutate: { patchStrategicMerge: { metadata: { labels: { [`+(${label})`]: `{{ ${labelVar(label)} }}` } } } },
      });
    }
  }
  for (const o of opportunities.filter((x) => x.kind === 'registry')) {
    const mirror = o.fields[0];
    rules.push({
      ...common('mirror-registry'),
      mutate: {
        foreach: [{
          list: 'request.object.spec.containers',
          preconditions: { all: o.fields.map((prefix) => ({ key: '{{ element.image }}', operator: 'NotEquals', value: `${prefix}/*` })) },
          patchStrategicMerge: { spec: { containers: [{ name: '{{ element.name }}', image: `${mirror}/{{ element.image }}` }] } },
        }],
      },
    });
  }
  return rules;
}

const containersApply = (filter: string, entry: string) =>
  `Object{spec: Object.spec{containers: object.spec.containers.filter(c, ${filter}).map(c, Object.spec.containers{name: c.name, ${entry}})}}`;

/** One ApplyConfiguration per field, each guarded by `has()`: only absent fields are written. */
export function celMutations(opportunities: Opportunity[]): Obj[] {
  const expressions: string[] = [];
  for (const o of opportunities) {
    if (o.kind === 'securityContext' && o.level === 'container') {
      for (const field of o.fields) {
        if (field === 'capabilities.drop') {
          expressions.push(containersApply('!has(c.securityContext) || !has(c.securityContext.capabilities) || !has(c.securityContext.capabilities.drop)', "securityContext: Object.spec.containers.securityContext{capabilities: Object.spec.containers.securityContext.capabilities{drop: ['ALL']}}"));
        } else if (field === 'seccompProfile.type') {
          expressions.push(containersApply('!has(c.securityContext) || !has(c.securityContext.seccompProfile)', "securityContext: Object.spec.containers.securityContext{seccompProfile: Object.spec.containers.securityContext.seccompProfile{type: 'RuntimeDefault'}}"));
        } else {
          expressions.push(containersApply(`!has(c.securityContext) || !has(c.securityContext.${field})`, `securityContext: Object.spec.containers.securityContext{${field}: ${SAFE[field]}}`));
        }
      }
    }
    if (o.kind === 'securityContext' && o.level === 'pod') {
      for (const field of o.fields) {
        const [head] = field.split('.');
        const value = field === 'seccompProfile.type' ? "Object.spec.securityContext.seccompProfile{type: 'RuntimeDefault'}" : String(SAFE[field]);
        expressions.push(`has(object.spec.securityContext) && has(object.spec.securityContext.${head}) ? Object{} : Object{spec: Object.spec{securityContext: Object.spec.securityContext{${head}: ${value}}}}`);
      }
    }
    if (o.kind === 'requests') {
      for (const field of o.fields) {
        expressions.push(containersApply(`!has(c.resources) || !has(c.resources.requests) || !('${field}' in c.resources.requests)`, `resources: Object.spec.containers.resources{requests: {'${field}': '${DEFAULT_REQUESTS[field] ?? DEFAULT_REQUESTS.memory}'}}`));
      }
    }
    if (o.kind === 'automount') {
      expressions.push('has(object.spec.automountServiceAccountToken) ? Object{} : Object{spec: Object.spec{automountServiceAccountToken: false}}');
    }
    if (o.kind === 'namespaceLabel') {
      for (const label of o.fields) {
        expressions.push(`(has(object.metadata.labels) && '${label}' in object.metadata.labels) || namespaceObject == null || !has(namespaceObject.metadata.labels) || !('${label}' in namespaceObject.metadata.labels) ? Object{} : Object{metadata: Object.metadata{labels: {'${label}': namespaceObject.metadata.labels['${label}']}}}`);
      }
    }
    if (o.kind === 'registry') {
      const allowed = o.fields.map((p) => `c.image.startsWith('${p}/')`).join(' || ');
      expressions.push(containersApply(`!(${allowed})`, `image: '${o.fields[0]}/' + c.image`));
    }
  }
  return expressions.map((expression) => ({ patchType: 'ApplyConfiguration', applyConfiguration: { expression } }));
}

/** What the mutation does, in words, for titles and messages. */
export function describeOpportunity(o: Opportunity): string {
  switch (o.kind) {
    case 'requests':
      return `default container requests (${o.fields.map((f) => `${f}: ${DEFAULT_REQUESTS[f] ?? DEFAULT_REQUESTS.memory}`).join(', ')}) where absent`;
    case 'securityContext':
      return `${o.level === 'pod' ? 'Pod' : 'container'} securityContext defaults (${o.fields.map((f) => `${f}: ${JSON.stringify(SAFE[f])}`).join(', ')}) where absent`;
    case 'automount':
      return 'automountServiceAccountToken: false where absent';
    case 'namespaceLabel':
      return `the ${o.fields.join(', ')} label${o.fields.length > 1 ? 's' : ''} copied from the namespace where absent`;
    case 'registry':
      return `image references rewritten to the ${o.fields[0]} mirror`;
  }
}
