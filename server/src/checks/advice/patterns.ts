// Which validations check an objective property the platform could simply set. Five patterns, in
// both families: container requests present, a default securityContext, automountServiceAccountToken
// false, a FinOps label that should come from the namespace, images from an internal registry.
// Only requirements are recognised (a plain pattern key, a deny that fires on absence, a CEL
// expression without a `!has()` escape); optional anchors, bounds and allow-lists are judgement calls.
import { asArray, asObj, type Obj } from '../cronjob/common.ts';

export type PatternKind = 'requests' | 'securityContext' | 'automount' | 'namespaceLabel' | 'registry';
export type Level = 'container' | 'pod';

export interface Opportunity {
  kind: PatternKind;
  /** For securityContext: Pod-level (`spec.securityContext`) or every container. */
  level?: Level;
  /** requests: cpu/memory; securityContext: field names; namespaceLabel: label keys; registry: registry prefixes; automount: the field. */
  fields: string[];
}

export const SECURITY_FIELDS = ['runAsNonRoot', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'capabilities.drop', 'seccompProfile.type'] as const;
const POD_LEVEL_SECURITY = new Set(['runAsNonRoot', 'seccompProfile.type']);
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** FinOps labels that describe who pays, which the namespace already knows. Domain labels (app, team, tier) are not in this list. */
const FINOPS_LABEL = /^(?:[\w.-]+\/)?(?:cost[-_.]?cent(?:er|re)|costcenter|cost[-_.]?code|billing(?:[-_.]?(?:code|id|account|unit))?|charge[-_.]?(?:back|code)|chargeback|business[-_.]?unit|department|budget(?:[-_.]?code)?|finops[-\w.]*)$/i;

export function isFinOpsLabel(key: string): boolean {
  return FINOPS_LABEL.test(key);
}

/** `registry.corp.example/*`, `ghcr.io/acme/*`, `localhost:5000/*`: a registry prefix, not a tag rule. */
function registryPrefix(value: string): string | undefined {
  const prefix = /^((?:localhost|[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d+)?(?:\/[a-z0-9._\/-]*)?)\/?\*$/i.exec(value.trim());
  return prefix ? prefix[1].replace(/\/+$/, '') : undefined;
}

function registryPrefixes(value: unknown): string[] | undefined {
  if (typeof value !== 'string' || value.includes('!')) return undefined;
  const alternatives = value.split('|').map((v) => registryPrefix(v));
  return alternatives.every(Boolean) ? (alternatives as string[]) : undefined;
}

const truthy = (v: unknown) => v === true || v === 'true';
const falsy = (v: unknown) => v === false || v === 'false';
/** A value that only requires presence: `?*`, `*`. Bounds (`<=2Gi`) are policy decisions. */
const presence = (v: unknown) => typeof v === 'string' && /^\s*\?*\*\s*$/.test(v);

interface Leaf {
  path: string[];
  value: unknown;
}

/** Required leaves of a legacy pattern: every key on the path is plain (no `=()`, `X()`, `()`, `<()` anchors). */
function requiredLeaves(node: unknown, path: string[], out: Leaf[]): void {
  if (Array.isArray(node)) {
    if (node.every((e) => e === null || typeof e !== 'object')) out.push({ path, value: node });
    else for (const element of node) requiredLeaves(element, [...path, '[]'], out);
    return;
  }
  const obj = asObj(node);
  if (!obj) {
    out.push({ path, value: node });
    return;
  }
  // A conditional anchor makes the whole object a condition: "if the image is X, then …".
  if (Object.keys(obj).some((k) => /^<?\(/.test(k))) return;
  for (const [key, value] of Object.entries(obj)) {
    const anchored = /^([=X^+<]?)\((.*)\)$/.exec(key);
    if (anchored && anchored[1] !== '^') continue;
    requiredLeaves(value, [...path, anchored ? anchored[2] : key], out);
  }
}

function inContainer(path: string[]): boolean {
  return path.some((p, i) => CONTAINER_LISTS.has(p) && path[i + 1] === '[]');
}

function classifyLeaf(leaf: Leaf, inElement: boolean): Opportunity | undefined {
  const { path, value } = leaf;
  const last = path[path.length - 1];
  const container = inElement || inContainer(path);
  const sc = path.lastIndexOf('securityContext');
  if (container && path.at(-3) === 'resources' && path.at(-2) === 'requests' && (last === 'cpu' || last === 'memory') && presence(value)) {
    return { kind: 'requests', fields: [last] };
  }
  if (sc >= 0) {
    const field = path.slice(sc + 1).join('.');
    const level: Level = container ? 'container' : 'pod';
    if (level === 'pod' && !POD_LEVEL_SECURITY.has(field)) return undefined;
    if ((field === 'runAsNonRoot' || field === 'readOnlyRootFilesystem') && truthy(value)) return { kind: 'securityContext', level, fields: [field] };
    if (field === 'allowPrivilegeEscalation' && falsy(value)) return { kind: 'securityContext', level, fields: [field] };
    if (field === 'seccompProfile.type' && typeof value === 'string' && /RuntimeDefault/.test(value)) return { kind: 'securityContext', level, fields: [field] };
    if (field === 'capabilities.drop' && (Array.isArray(value) ? value.map(String) : [String(value)]).some((v) => /^ALL$/i.test(v))) return { kind: 'securityContext', level, fields: [field] };
    return undefined;
  }
  if (!container && path.length === 2 && path[0] === 'spec' && last === 'automountServiceAccountToken' && falsy(value)) return { kind: 'automount', fields: [last] };
  if (!container && path.length === 3 && path[0] === 'metadata' && path[1] === 'labels' && isFinOpsLabel(last)) return { kind: 'namespaceLabel', fields: [last] };
  if (container && last === 'image') {
    const prefixes = registryPrefixes(value);
    if (prefixes) return { kind: 'registry', fields: prefixes };
  }
  return undefined;
}

/** Merges opportunities of the same kind (and level), keeping field order. */
export function merge(list: Opportunity[]): Opportunity[] {
  const out: Opportunity[] = [];
  for (const o of list) {
    const same = out.find((x) => x.kind === o.kind && x.level === o.level);
    if (!same) {
      out.push({ ...o, fields: [...o.fields] });
      continue;
    }
    for (const f of o.fields) {
      if (!same.fields.includes(f)) same.fields.push(f);
    }
  }
  return out;
}

function patternOpportunities(pattern: unknown, inElement = false): Opportunity[] {
  const leaves: Leaf[] = [];
  requiredLeaves(pattern, [], leaves);
  return merge(leaves.map((l) => classifyLeaf(l, inElement)).filter((o): o is Opportunity => !!o));
}

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? ''));

/** One deny condition: it denies on absence (NotEquals the safe value, NotIn …), not only on an explicit bad value. */
function denyConditionOpportunities(condition: Obj, inElement: boolean): Opportunity[] {
  const operator = String(condition.operator ?? '');
  const all = `${text(condition.key)} ${text(condition.value)}`;
  const negative = /Not/i.test(operator);
  const container = inElement || /containers/i.test(all);
  const out: Opportunity[] = [];
  const values = [condition.key, condition.value].flatMap((v) => (Array.isArray(v) ? v : [v]));
  if (/automountServiceAccountToken/.test(all) && negative && values.some(falsy)) out.push({ kind: 'automount', fields: ['automountServiceAccountToken'] });
  if (container && /capabilities\.drop/.test(all) && negative && values.some((v) => v === 'ALL')) out.push({ kind: 'securityContext', level: 'container', fields: ['capabilities.drop'] });
  for (const [field, safe] of [['runAsNonRoot', truthy], ['readOnlyRootFilesystem', truthy], ['allowPrivilegeEscalation', falsy]] as const) {
    if (new RegExp(`securityContext\\.${field}`).test(all) && negative && values.some(safe)) {
      const level: Level = container || field !== 'runAsNonRoot' ? 'container' : 'pod';
      out.push({ kind: 'securityContext', level, fields: [field] });
    }
  }
  if (/seccompProfile\.type/.test(all) && negative && /RuntimeDefault/.test(all)) out.push({ kind: 'securityContext', level: container ? 'container' : 'pod', fields: ['seccompProfile.type'] });
  const requests = /resources\.requests\.(cpu|memory)/.exec(all);
  const bound = values.some((v) => typeof v === 'string' && /^\s*[<>]?=?\s*\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)\s*$/.test(v));
  if (requests && container && !bound && (/^(Equals|AnyIn|AllIn|In)$/.test(operator) ? values.some((v) => v === '' || v === null || v === 'null') : false)) out.push({ kind: 'requests', fields: [requests[1]] });
  const label = /labels\.\\?"?([\w./-]+?)\\?"?(?:\s|}|\||$)/.exec(all);
  if (label && isFinOpsLabel(label[1]) && (negative || values.some((v) => v === '' || v === null))) out.push({ kind: 'namespaceLabel', fields: [label[1]] });
  if (/\.registry|image/.test(all) && negative) {
    const hosts = values.flatMap((v) => (typeof v === 'string' ? [v] : [])).filter((v) => !v.includes('{{')).map((v) => registryPrefix(v.endsWith('*') ? v : `${v.replace(/\/$/, '')}/*`)).filter((v): v is string => !!v);
    if (hosts.length) out.push({ kind: 'registry', fields: hosts });
  }
  return out;
}

function denyOpportunities(deny: unknown, inElement: boolean): Opportunity[] {
  const conditions = asObj(asObj(deny)?.conditions);
  // `any`: each condition denies on its own. `all` (and the legacy list): the deny needs every
  // condition, so a condition that is not itself a requirement ("root user AND other registry")
  // makes the whole block a judgement call.
  const each = (list: unknown[]) => list.map((c) => denyConditionOpportunities(asObj(c) ?? {}, inElement));
  const any = each(conditions ? asArray(conditions.any) : []).flat();
  const allLists = each(conditions ? asArray(conditions.all) : asArray(asObj(deny)?.conditions));
  const all = allLists.length && allLists.every((o) => o.length) ? allLists.flat() : [];
  return merge([...any, ...all]);
}

/** Opportunities of a legacy `validate` block (pattern, anyPattern, deny, foreach, cel). */
export function legacyValidateOpportunities(validate: Obj): Opportunity[] {
  const found: Opportunity[] = [];
  if (validate.pattern !== undefined) found.push(...patternOpportunities(validate.pattern));
  const alternatives = asArray(validate.anyPattern).map((p) => patternOpportunities(p));
  // Any alternative satisfies the rule: the first one that can be produced by a mutation is enough.
  const first = alternatives.find((a) => a.length);
  if (first) found.push(...first);
  if (validate.deny !== undefined) found.push(...denyOpportunities(validate.deny, false));
  for (const raw of asArray(validate.foreach)) {
    const each = asObj(raw) ?? {};
    const inElement = /containers/i.test(text(each.list));
    if (each.pattern !== undefined) found.push(...patternOpportunities(each.pattern, inElement));
    if (each.deny !== undefined) found.push(...denyOpportunities(each.deny, inElement));
  }
  for (const raw of asArray(asObj(validate.cel)?.expressions)) {
    const expression = asObj(raw)?.expression;
    if (typeof expression === 'string') found.push(...celOpportunities(expression));
  }
  return merge(found);
}

/** True when the expression lets the field be absent (`!has(x.f) || …`, `.?f.orValue(<safe>)`). */
function optional(expression: string, field: string, safe?: string): boolean {
  const name = field.split('.').pop()!;
  if (new RegExp(`!\\s*has\\([^()]*\\.${name}\\s*\\)`).test(expression)) return true;
  return safe !== undefined && new RegExp(`\\.\\?${name}\\.orValue\\(\\s*${safe}\\s*\\)`).test(expression);
}

const ACCESS = '[\\w.?()\\[\\]\'"]*';

/** Opportunities of one CEL validation expression. */
export function celOpportunities(expression: string, context = ''): Opportunity[] {
  const e = expression;
  const aboutContainers = /containers/i.test(`${expression}\n${context}`);
  const out: Opportunity[] = [];
  const level = (m: RegExpExecArray | null): Level => (m && /^object\.spec\.\??securityContext/.test(m[1] ?? '') ? 'pod' : 'container');
  const checks: [string, RegExp, string][] = [
    ['runAsNonRoot', new RegExp(`(${ACCESS})runAsNonRoot(?:\\.orValue\\(\\s*false\\s*\\))?\\s*==\\s*true`), 'true'],
    ['readOnlyRootFilesystem', new RegExp(`(${ACCESS})readOnlyRootFilesystem(?:\\.orValue\\(\\s*false\\s*\\))?\\s*==\\s*true`), 'true'],
    ['allowPrivilegeEscalation', new RegExp(`(${ACCESS})allowPrivilegeEscalation(?:\\.orValue\\(\\s*true\\s*\\))?\\s*==\\s*false`), 'false'],
    ['seccompProfile.type', new RegExp(`(${ACCESS})seccompProfile${ACCESS}type${ACCESS}\\s*(?:==|in)\\s*\\[?\\s*['"]RuntimeDefault`), ''],
    ['capabilities.drop', new RegExp(`()['"]ALL['"]\\s+in\\s+${ACCESS}capabilities${ACCESS}drop|()drop${ACCESS}\\.exists\\(\\s*\\w+\\s*,\\s*\\w+(?:\\.upperAscii\\(\\))?\\s*==\\s*['"]ALL['"]`), ''],
  ];
  for (const [field, re, safe] of checks) {
    const m = re.exec(e);
    if (!m || optional(e, field, safe || undefined)) continue;
    const l = field === 'runAsNonRoot' || field === 'seccompProfile.type' ? level(m) : 'container';
    out.push({ kind: 'securityContext', level: l, fields: [field] });
  }
  if (/automountServiceAccountToken\s*==\s*false/.test(e) && !optional(e, 'automountServiceAccountToken', 'false')) out.push({ kind: 'automount', fields: ['automountServiceAccountToken'] });
  if (/resources\??\.\??requests/.test(e) && !/quantity\(|isGreaterThan|isLessThan|compareTo/.test(e)) {
    const fields = ['cpu', 'memory'].filter((f) => new RegExp(`requests\\??\\.\\??${f}|requests\\[\\s*['"]${f}|['"]${f}['"]\\s+in\\s+${ACCESS}requests`).test(e));
    if (!optional(e, 'requests')) out.push({ kind: 'requests', fields: fields.length ? fields : ['cpu', 'memory'] });
  }
  if (/labels/.test(e)) {
    const labels = [...e.matchAll(/['"]([\w./-]+)['"]|labels\??\.\??([\w]+)/g)].map((m) => m[1] ?? m[2]).filter(isFinOpsLabel);
    if (labels.length) out.push({ kind: 'namespaceLabel', fields: [...new Set(labels)] });
  }
  if (aboutContainers && /image/i.test(`${e}\n${context}`)) {
    // The receiver must be an image: `c.image.startsWith(…)`, or `i` bound over images (`images.all(i, i.startsWith(…))`).
    const isImage = (receiver: string) => /image$/i.test(receiver) || new RegExp(`images?\\w*\\.(?:all|exists|exists_one|filter|map)\\(\\s*${receiver.replace(/[^\w]/g, '')}\\s*,`, 'i').test(e);
    const prefixes = [...e.matchAll(/([\w.?]+?)(?:\.orValue\([^)]*\))?\.startsWith\(\s*['"]([^'"]+)['"]\s*\)/g)]
      .filter((m) => isImage(m[1]))
      .map((m) => registryPrefix(m[2].endsWith('/') ? `${m[2]}*` : `${m[2]}/*`))
      .filter((p): p is string => !!p);
    const negated = /!\s*\w[\w.]*\.startsWith\(/.test(e);
    if (prefixes.length && !negated) out.push({ kind: 'registry', fields: [...new Set(prefixes)] });
  }
  return merge(out);
}

/** Resource kinds (plural CEL resources or legacy kinds) that mean "this validates Namespaces", where a label cannot come from the namespace. */
export function matchesOnlyNamespaces(kinds: string[]): boolean {
  return kinds.length > 0 && kinds.every((k) => /^namespaces?$/i.test(k));
}
