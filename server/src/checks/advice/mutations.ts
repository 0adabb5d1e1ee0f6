// The mutation equivalent to a validation's objective requirements, with add-if-absent semantics:
// a legacy mutate rule (`+()` anchors) or a MutatingPolicy (ApplyConfiguration behind `has()` guards).
import { asArray, asObj, type Obj } from '../cronjob/common.ts';
import type { ContainerList, Opportunity } from './patterns.ts';

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

const listsOf = (o: Opportunity): ContainerList[] => o.lists ?? ['containers'];
const LIST_SUFFIX: Record<ContainerList, string> = { containers: 'defaults', initContainers: 'init-defaults', ephemeralContainers: 'ephemeral-defaults' };

export interface LegacyRuleBase {
  name: string;
  match: unknown;
  exclude?: unknown;
  /** The validation rule's own conditions: the mutation must not touch what the validation exempts. */
  preconditions?: unknown;
  celPreconditions?: unknown;
  context?: unknown;
}

/** `preconditions` plus one more `all` condition (the legacy list form is an `all`). */
function andCondition(preconditions: unknown, condition: Obj): Obj {
  if (Array.isArray(preconditions)) return { all: [...preconditions, condition] };
  const obj = asObj(preconditions);
  return obj ? { ...obj, all: [...asArray(obj.all), condition] } : { all: [condition] };
}

/** Legacy mutate rules (for a ClusterPolicy/Policy) that make a validation's requirements hold. */
export function legacyMutateRules(opportunities: Opportunity[], base: LegacyRuleBase): Obj[] {
  const rules: Obj[] = [];
  const conditioned = base.preconditions !== undefined || base.celPreconditions !== undefined;
  // A copy per rule: shared objects would be written as YAML anchors and aliases.
  const common = (suffix: string): Obj => structuredClone({
    name: `${base.name}-${suffix}`.slice(0, 63),
    match: base.match,
    ...(base.exclude ? { exclude: base.exclude } : {}),
    ...(conditioned && base.context ? { context: base.context } : {}),
    ...(base.preconditions !== undefined ? { preconditions: base.preconditions } : {}),
    ...(base.celPreconditions !== undefined ? { celPreconditions: base.celPreconditions } : {}),
  });
  const root: Obj = {};
  const spec: Obj = {};
  const container = (list: ContainerList): Obj => {
    const entry: Obj = {};
    for (const o of opportunities.filter((x) => listsOf(x).includes(list))) {
      if (o.kind === 'securityContext' && o.level === 'container') entry.securityContext = anchoredSecurityContext(o.fields);
      if (o.kind === 'requests') entry.resources = { requests: Object.fromEntries(o.fields.map((f) => [`+(${f})`, DEFAULT_REQUESTS[f] ?? DEFAULT_REQUESTS.memory])) };
    }
    return entry;
  };
  for (const o of opportunities) {
    if (o.kind === 'securityContext' && o.level === 'pod') spec.securityContext = anchoredSecurityContext(o.fields);
    if (o.kind === 'automount' && o.level === 'object') root['+(automountServiceAccountToken)'] = false;
    else if (o.kind === 'automount') spec['+(automountServiceAccountToken)'] = false;
  }
  // One rule per container list, as Kyverno's own library does: `(name): "*"` on a list the object
  // does not have must not create it.
  for (const list of ['containers', 'initContainers', 'ephemeralContainers'] as ContainerList[]) {
    const entry = container(list);
    const patchSpec: Obj = list === 'containers' ? spec : {};
    if (Object.keys(entry).length) patchSpec[list] = [{ '(name)': '*', ...entry }];
    const patch: Obj = list === 'containers' ? { ...root } : {};
    if (Object.keys(patchSpec).length) patch.spec = patchSpec;
    if (Object.keys(patch).length) rules.push({ ...common(LIST_SUFFIX[list]), mutate: { patchStrategicMerge: patch } });
  }
  for (const o of opportunities.filter((x) => x.kind === 'namespaceLabel')) {
    for (const label of o.fields) {
      const own = common(`label-${label.replace(/[^a-z0-9-]/gi, '-').toLowerCase()}`);
      rules.push({
        ...own,
        context: [...asArray(own.context), { name: 'namespaceLabels', apiCall: { urlPath: '/api/v1/namespaces/{{request.namespace}}', jmesPath: 'metadata.labels' } }],
        preconditions: andCondition(own.preconditions, { key: `{{ ${labelVar(label)} || '' }}`, operator: 'NotEquals', value: '' }),
        mutate: { patchStrategicMerge: { metadata: { labels: { [`+(${label})`]: `{{ ${labelVar(label)} }}` } } } },
      });
    }
  }
  for (const o of opportunities.filter((x) => x.kind === 'registry')) {
    const mirror = o.fields[0];
    rules.push({
      ...common('mirror-registry'),
      mutate: {
        foreach: listsOf(o).map((list) => ({
          list: list === 'containers' ? 'request.object.spec.containers' : `request.object.spec.${list} || \`[]\``,
          preconditions: { all: o.fields.map((prefix) => ({ key: '{{ element.image }}', operator: 'NotEquals', value: `${prefix}/*` })) },
          patchStrategicMerge: { spec: { [list]: [{ name: '{{ element.name }}', image: `${mirror}/{{ element.image }}` }] } },
        })),
      },
    });
  }
  return rules;
}

/** `object.spec.<list>` filtered and mapped to apply configurations; lists other than `containers` only when present. */
const listApply = (list: ContainerList, filter: string, entry: (type: string) => string) => {
  const type = `Object.spec.${list}`;
  const body = `Object{spec: Object.spec{${list}: object.spec.${list}.filter(c, ${filter}).map(c, ${type}{name: c.name, ${entry(type)}})}}`;
  return list === 'containers' ? body : `!has(object.spec.${list}) ? Object{} : ${body}`;
};

/** One ApplyConfiguration per field, each guarded by `has()`: only absent fields are written. */
export function celMutations(opportunities: Opportunity[]): Obj[] {
  const expressions: string[] = [];
  for (const o of opportunities) {
    if (o.kind === 'securityContext' && o.level === 'container') {
      for (const list of listsOf(o)) {
        for (const field of o.fields) {
          if (field === 'capabilities.drop') {
            expressions.push(listApply(list, '!has(c.securityContext) || !has(c.securityContext.capabilities) || !has(c.securityContext.capabilities.drop)', (t) => `securityContext: ${t}.securityContext{capabilities: ${t}.securityContext.capabilities{drop: ['ALL']}}`));
          } else if (field === 'seccompProfile.type') {
            expressions.push(listApply(list, '!has(c.securityContext) || !has(c.securityContext.seccompProfile)', (t) => `securityContext: ${t}.securityContext{seccompProfile: ${t}.securityContext.seccompProfile{type: 'RuntimeDefault'}}`));
          } else {
            expressions.push(listApply(list, `!has(c.securityContext) || !has(c.securityContext.${field})`, (t) => `securityContext: ${t}.securityContext{${field}: ${SAFE[field]}}`));
          }
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
      for (const list of listsOf(o)) {
        for (const field of o.fields) {
          expressions.push(listApply(list, `!has(c.resources) || !has(c.resources.requests) || !('${field}' in c.resources.requests)`, (t) => `resources: ${t}.resources{requests: {'${field}': '${DEFAULT_REQUESTS[field] ?? DEFAULT_REQUESTS.memory}'}}`));
        }
      }
    }
    if (o.kind === 'automount') {
      expressions.push(o.level === 'object'
        ? 'has(object.automountServiceAccountToken) ? Object{} : Object{automountServiceAccountToken: false}'
        : 'has(object.spec.automountServiceAccountToken) ? Object{} : Object{spec: Object.spec{automountServiceAccountToken: false}}');
    }
    if (o.kind === 'namespaceLabel') {
      for (const label of o.fields) {
        expressions.push(`(has(object.metadata.labels) && '${label}' in object.metadata.labels) || namespaceObject == null || !has(namespaceObject.metadata.labels) || !('${label}' in namespaceObject.metadata.labels) ? Object{} : Object{metadata: Object.metadata{labels: {'${label}': namespaceObject.metadata.labels['${label}']}}}`);
      }
    }
    if (o.kind === 'registry') {
      const allowed = o.fields.map((p) => `c.image.startsWith('${p}/')`).join(' || ');
      for (const list of listsOf(o)) expressions.push(listApply(list, `!(${allowed})`, () => `image: '${o.fields[0]}/' + c.image`));
    }
  }
  return expressions.map((expression) => ({ patchType: 'ApplyConfiguration', applyConfiguration: { expression } }));
}

/** What the mutation does, in words, for titles and messages. */
export function describeOpportunity(o: Opportunity): string {
  const where = o.lists && (o.lists.length > 1 || o.lists[0] !== 'containers') ? ` (in ${o.lists.join(', ')})` : '';
  switch (o.kind) {
    case 'requests':
      return `default container requests (${o.fields.map((f) => `${f}: ${DEFAULT_REQUESTS[f] ?? DEFAULT_REQUESTS.memory}`).join(', ')}) where absent${where}`;
    case 'securityContext':
      return `${o.level === 'pod' ? 'Pod' : 'container'} securityContext defaults (${o.fields.map((f) => `${f}: ${JSON.stringify(SAFE[f])}`).join(', ')}) where absent${where}`;
    case 'automount':
      return `automountServiceAccountToken: false where absent${o.level === 'object' ? ' (on the ServiceAccount)' : ''}`;
    case 'namespaceLabel':
      return `the ${o.fields.join(', ')} label${o.fields.length > 1 ? 's' : ''} copied from the namespace where absent`;
    case 'registry':
      return `image references rewritten to the ${o.fields[0]} mirror${where}`;
  }
}
