// Mechanical migration of a legacy validate ClusterPolicy/Policy to a (Namespaced)ValidatingPolicy.
// Only what translates without judgement: kinds-only matches, `validate.cel` expressions, and
// patterns made of plain keys, `?*` presence and literal values (lists as "every element").
// Anything else (anchors, wildcards, operators, deny, foreach, context, preconditions, selectors,
// exclusions, JMESPath variables) gives undefined: no fix is better than a wrong one.
import { resourceForKind } from '../../k8s/discovery.ts';
import { asArray, asObj, type Obj } from '../cronjob/common.ts';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CEL_RESERVED = new Set(['in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while', 'true', 'false', 'null']);
/** Maps whose keys are data, not field names: `labels['app.kubernetes.io/name']`. */
const STRING_MAPS = new Set(['labels', 'annotations', 'data', 'stringData', 'nodeSelector']);

/** Pod controllers CEL autogen covers (ReplicationController, deprecated, is not one of them). */
export const CEL_AUTOGEN = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job', 'CronJob']);

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function field(access: string, key: string, inMap: boolean): { has: string; get: string } | undefined {
  if (inMap) return { has: `${quote(key)} in ${access}`, get: `${access}[${quote(key)}]` };
  if (!IDENT.test(key) || CEL_RESERVED.has(key)) return undefined;
  return { has: `has(${access}.${key})`, get: `${access}.${key}` };
}

/** A pattern as a CEL predicate over `access`; undefined when it is not mechanical. */
export function patternToCel(pattern: unknown, access: string, parentKey = '', depth = 0): string | undefined {
  if (depth > 12) return undefined;
  const obj = asObj(pattern);
  if (obj) {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(obj)) {
      if (/[()]/.test(key)) return undefined;
      const f = field(access, key, STRING_MAPS.has(parentKey));
      if (!f) return undefined;
      const inner = patternToCel(value, f.get, key, depth + 1);
      if (inner === undefined) return undefined;
      parts.push(inner === 'true' ? f.has : `${f.has} && ${inner}`);
    }
    return parts.length ? parts.map((p) => (parts.length > 1 && p.includes('||') ? `(${p})` : p)).join(' && ') : 'true';
  }
  if (Array.isArray(pattern)) {
    if (pattern.length !== 1 || !asObj(pattern[0])) return undefined;
    const v = `e${depth}`;
    const inner = patternToCel(pattern[0], v, '', depth + 1);
    return inner === undefined ? undefined : `${access}.all(${v}, ${inner})`;
  }
  if (typeof pattern === 'string') {
    if (pattern === '?*') return `string(${access}) != ''`;
    if (/[*?|!<>=&{}]/.test(pattern) || pattern.trim() !== pattern || pattern === '') return undefined;
    // Kyverno compares "true", "1" with the field's own type: compare the string forms.
    return `string(${access}) == ${quote(pattern)}`;
  }
  if (typeof pattern === 'boolean' || (typeof pattern === 'number' && Number.isInteger(pattern))) return `string(${access}) == ${quote(String(pattern))}`;
  return undefined;
}

/** `match` with only kinds (and operations): the resourceRules of matchConstraints. */
function resourceRules(match: unknown, exclude: unknown): Obj[] | undefined {
  if (exclude !== undefined) return undefined;
  const m = asObj(match);
  if (!m) return undefined;
  const filters = m.any !== undefined ? asArray(m.any) : m.all !== undefined ? (asArray(m.all).length === 1 ? asArray(m.all) : []) : m.resources ? [m] : [];
  if (!filters.length) return undefined;
  const rules: Obj[] = [];
  for (const raw of filters) {
    const f = asObj(raw) ?? {};
    if (Object.keys(f).some((k) => k !== 'resources')) return undefined;
    const resources = asObj(f.resources) ?? {};
    if (Object.keys(resources).some((k) => k !== 'kinds' && k !== 'operations')) return undefined;
    const operations = resources.operations ? asArray(resources.operations).map(String) : ['CREATE', 'UPDATE'];
    for (const kind of asArray(resources.kinds).map(String)) {
      if (kind.includes('*') || kind.includes('/')) return undefined;
      const info = resourceForKind(kind);
      if (!info) return undefined;
      rules.push({ apiGroups: [info.group], apiVersions: [info.version], operations, resources: [info.plural] });
    }
  }
  return rules.length ? rules : undefined;
}

function validations(validate: Obj): Obj[] | undefined {
  const message = typeof validate.message === 'string' && !validate.message.includes('{{') ? validate.message : undefined;
  const keys = Object.keys(validate).filter((k) => k !== 'message' && k !== 'failureAction' && k !== 'allowExistingViolations');
  if (keys.length !== 1) return undefined;
  if (keys[0] === 'pattern') {
    const expression = patternToCel(validate.pattern, 'object');
    if (!expression || expression === 'true') return undefined;
    return [{ expression, ...(message ? { message } : {}) }];
  }
  if (keys[0] === 'cel') {
    const cel = asObj(validate.cel) ?? {};
    if (Object.keys(cel).some((k) => k !== 'expressions')) return undefined;
    const out = asArray(cel.expressions).map((e) => asObj(e) ?? {});
    if (!out.length || out.some((e) => typeof e.expression !== 'string')) return undefined;
    return out.map((e) => ({ expression: e.expression, ...(typeof e.message === 'string' ? { message: e.message } : message ? { message } : {}) }));
  }
  return undefined;
}

/** The ValidatingPolicy equivalent of a legacy validate policy, or undefined when not mechanical. */
export function migrateLegacyValidate(policy: Obj, autogenKinds: string[]): Obj | undefined {
  const metadata = asObj(policy.metadata) ?? {};
  const spec = asObj(policy.spec) ?? {};
  const allowedSpec = new Set(['rules', 'validationFailureAction', 'failureAction', 'background', 'admission']);
  if (Object.keys(spec).some((k) => !allowedSpec.has(k))) return undefined;
  const rules = asArray(spec.rules).map((r) => asObj(r) ?? {});
  if (!rules.length) return undefined;
  let matchConstraints: { resourceRules: Obj[] } | undefined;
  let action: string | undefined;
  const out: Obj[] = [];
  for (const rule of rules) {
    if (Object.keys(rule).some((k) => !['name', 'match', 'validate', 'exclude'].includes(k))) return undefined;
    const validate = asObj(rule.validate);
    if (!validate) return undefined;
    const rr = resourceRules(rule.match, rule.exclude);
    if (!rr) return undefined;
    const constraints = { resourceRules: rr };
    if (matchConstraints && JSON.stringify(matchConstraints) !== JSON.stringify(constraints)) return undefined;
    matchConstraints = constraints;
    const ruleAction = String(validate.failureAction ?? spec.validationFailureAction ?? spec.failureAction ?? 'Audit');
    if (action !== undefined && action !== ruleAction) return undefined;
    action = ruleAction;
    const v = validations(validate);
    if (!v) return undefined;
    out.push(...v);
  }
  const namespaced = policy.kind === 'Policy';
  const annotations = asObj(metadata.annotations);
  const keptAnnotations = annotations ? Object.fromEntries(Object.entries(annotations).filter(([k]) => k !== 'pod-policies.kyverno.io/autogen-controllers')) : undefined;
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: namespaced ? 'NamespacedValidatingPolicy' : 'ValidatingPolicy',
    metadata: {
      name: metadata.name,
      ...(namespaced && metadata.namespace ? { namespace: metadata.namespace } : {}),
      ...(metadata.labels ? { labels: metadata.labels } : {}),
      ...(keptAnnotations && Object.keys(keptAnnotations).length ? { annotations: keptAnnotations } : {}),
    },
    spec: {
      validationActions: [/^enforce$/i.test(action ?? '') ? 'Deny' : 'Audit'],
      ...(spec.background === false ? { evaluation: { background: { enabled: false } } } : {}),
      // The engine (like Kyverno) autogens CEL policies on pods for every controller by default:
      // state the legacy policy's own list, empty when its autogen was off.
      ...(matchConstraints!.resourceRules.some((r) => asArray(r.resources).includes('pods'))
        ? { autogen: { podControllers: { controllers: autogenKinds.filter((k) => CEL_AUTOGEN.has(k)).map((k) => `${k.toLowerCase()}s`) } } }
        : {}),
      matchConstraints,
      validations: out,
    },
  };
}
