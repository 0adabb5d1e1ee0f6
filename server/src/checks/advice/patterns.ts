// Which validations check an objective property the platform could simply set. Five patterns, in
// both families: container requests present, a default securityContext, automountServiceAccountToken
// false, a FinOps label that should come from the namespace, images from an internal registry.
// Only requirements are recognised (a plain pattern key, a deny that fires on absence, a CEL
// expression without a `!has()` escape); optional anchors, bounds and allow-lists are judgement calls.
import { asArray, asObj, type Obj } from '../cronjob/common.ts';

export type PatternKind = 'requests' | 'securityContext' | 'automount' | 'namespaceLabel' | 'registry';
/** `object`: the top level of the object itself (a ServiceAccount's automountServiceAccountToken). */
export type Level = 'container' | 'pod' | 'object';
export type ContainerList = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface Opportunity {
  kind: PatternKind;
  /** For securityContext: Pod-level (`spec.securityContext`) or every container. */
  level?: Level;
  /** requests: cpu/memory; securityContext: field names; namespaceLabel: label keys; registry: registry prefixes; automount: the field. */
  fields: string[];
  /** Container-level opportunities: the container lists the validation covers (the mutation must cover the same). */
  lists?: ContainerList[];
  /** The validation also requires things this mutation does not set: it only makes that part compliant. */
  partial?: boolean;
}

export const SECURITY_FIELDS = ['runAsNonRoot', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'capabilities.drop', 'seccompProfile.type'] as const;
const POD_LEVEL_SECURITY = new Set(['runAsNonRoot', 'seccompProfile.type']);
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const LIST_ORDER: ContainerList[] = ['containers', 'initContainers', 'ephemeralContainers'];

/** The container lists a text (a foreach list, a CEL expression and its variables) names; `containers` when none. */
export function listsIn(value: string): ContainerList[] {
  const found = LIST_ORDER.filter((l) => new RegExp(l === 'containers' ? '(?<![A-Za-z])containers' : l).test(value));
  return found.length ? found : ['containers'];
}

const isContainerLevel = (o: Opportunity) => o.kind === 'requests' || o.kind === 'registry' || (o.kind === 'securityContext' && o.level === 'container');

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
    // `=(initContainers)`: "every init container, if there are any" is still a requirement on each container.
    if (anchored && anchored[1] !== '^' && !(anchored[1] === '=' && CONTAINER_LISTS.has(anchored[2]))) continue;
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
  // A ServiceAccount: the field sits at the top level.
  if (!container && path.length === 1 && last === 'automountServiceAccountToken' && falsy(value)) return { kind: 'automount', level: 'object', fields: [last] };
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
      out.push({ ...o, fields: [...o.fields], ...(o.lists ? { lists: [...o.lists] } : {}) });
      continue;
    }
    for (const f of o.fields) {
      if (!same.fields.includes(f)) same.fields.push(f);
    }
    if (o.lists) same.lists = LIST_ORDER.filter((l) => same.lists?.includes(l) || o.lists!.includes(l));
    if (o.partial) same.partial = true;
  }
  return out;
}

/** A leaf every object satisfies anyway (`name: "*"` on a container). */
const trivial = (l: Leaf) => l.path.at(-1) === 'name' && presence(l.value);

function patternOpportunities(pattern: unknown, elementLists?: ContainerList[]): Opportunity[] {
  const leaves: Leaf[] = [];
  requiredLeaves(pattern, [], leaves);
  const found: Opportunity[] = [];
  let partial = false;
  for (const leaf of leaves) {
    const o = classifyLeaf(leaf, !!elementLists);
    if (!o) {
      if (!trivial(leaf)) partial = true;
      continue;
    }
    if (isContainerLevel(o)) {
      const list = leaf.path.find((p, i) => CONTAINER_LISTS.has(p) && leaf.path[i + 1] === '[]') as ContainerList | undefined;
      o.lists = list ? [list] : elementLists ?? ['containers'];
    }
    found.push(o);
  }
  const merged = merge(found);
  if (partial) for (const o of merged) o.partial = true;
  return merged;
}

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? ''));

/** One deny condition: it denies on absence (NotEquals the safe value, NotIn …), not only on an explicit bad value. */
function denyConditionOpportunities(condition: Obj, elementLists?: ContainerList[]): Opportunity[] {
  const inElement = !!elementLists;
  const operator = String(condition.operator ?? '');
  const all = `${text(condition.key)} ${text(condition.value)}`;
  const negative = /Not/i.test(operator);
  const container = inElement || /containers/i.test(all);
  const out: Opportunity[] = [];
  const values = [condition.key, condition.value].flatMap((v) => (Array.isArray(v) ? v : [v]));
  if (/automountServiceAccountToken/.test(all) && negative && values.some(falsy)) out.push({ kind: 'automount', ...(/request\.object\.automountServiceAccountToken/.test(all) ? { level: 'object' as const } : {}), fields: ['automountServiceAccountToken'] });
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
  const lists = elementLists ?? listsIn(all);
  for (const o of out) if (isContainerLevel(o)) o.lists = lists;
  return out;
}

function denyOpportunities(deny: unknown, elementLists?: ContainerList[]): Opportunity[] {
  const conditions = asObj(asObj(deny)?.conditions);
  // `any`: each condition denies on its own. `all` (and the legacy list): the deny needs every
  // condition, so a condition that is not itself a requirement ("root user AND other registry")
  // makes the whole block a judgement call.
  const each = (list: unknown[]) => list.map((c) => denyConditionOpportunities(asObj(c) ?? {}, elementLists));
  const anyLists = each(conditions ? asArray(conditions.any) : []);
  const any = anyLists.flat();
  const allLists = each(conditions ? asArray(conditions.all) : asArray(asObj(deny)?.conditions));
  const all = allLists.length && allLists.every((o) => o.length) ? allLists.flat() : [];
  const merged = merge([...any, ...all]);
  // An `any` condition that is no opportunity still denies on its own: the mutation fixes only part of the rule.
  if (anyLists.some((o) => !o.length)) for (const o of merged) o.partial = true;
  return merged;
}

/** Opportunities of a legacy `validate` block (pattern, anyPattern, deny, foreach, cel). */
export function legacyValidateOpportunities(validate: Obj): Opportunity[] {
  const found: Opportunity[] = [];
  if (validate.pattern !== undefined) found.push(...patternOpportunities(validate.pattern));
  const alternatives = asArray(validate.anyPattern).map((p) => patternOpportunities(p));
  // Any alternative satisfies the rule: the first one that can be produced by a mutation is enough.
  const first = alternatives.find((a) => a.length);
  if (first) found.push(...first);
  if (validate.deny !== undefined) found.push(...denyOpportunities(validate.deny));
  for (const raw of asArray(validate.foreach)) {
    const each = asObj(raw) ?? {};
    const elementLists = /containers/i.test(text(each.list)) ? listsIn(text(each.list)) : undefined;
    if (each.pattern !== undefined) found.push(...patternOpportunities(each.pattern, elementLists));
    if (each.deny !== undefined) found.push(...denyOpportunities(each.deny, elementLists));
  }
  const cel = asObj(validate.cel);
  for (const raw of asArray(cel?.expressions)) {
    const expression = asObj(raw)?.expression;
    if (typeof expression === 'string') found.push(...celOpportunities(expression, referencedVariables(expression, cel?.variables)));
  }
  return merge(found);
}

const reEscape = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const LITERAL = `'[^']*'|"[^"]*"|true|false|-?\\d+(?:\\.\\d+)?`;
const literal = (v: string) => v.trim().replace(/^"(.*)"$/, "'$1'");

/**
 * True when the expression lets the field be absent: `!has(x.f) || …`, `!x.?a.?f.hasValue() || …`
 * (for any segment of the field: an absent `seccompProfile` lets `seccompProfile.type` be absent),
 * `.?f.orValue(<safe>)`, or `.?f.orValue(X) == V` / `in [...]` / `!= V` where the default X passes.
 */
function optional(expression: string, field: string, safe?: string): boolean {
  const segments = field.split('.');
  for (const name of segments.map(reEscape)) {
    if (new RegExp(`!\\s*has\\([^()]*\\.${name}\\s*\\)`).test(expression)) return true;
    if (new RegExp(`!\\s*\\(?\\s*${ACCESS}(?:\\.\\??${name}|\\[\\??\\s*['"]${name}['"]\\s*\\])\\.hasValue\\(\\)`).test(expression)) return true;
  }
  const name = reEscape(segments[segments.length - 1]);
  if (safe !== undefined && new RegExp(`\\.\\??${name}\\.orValue\\(\\s*(?:${safe})\\s*\\)`).test(expression)) return true;
  const compared = new RegExp(`(?:\\.\\??${name}|\\[\\??\\s*['"]${name}['"]\\s*\\])\\.orValue\\(\\s*(${LITERAL})\\s*\\)\\s*(==|!=|in)\\s*(\\[[^\\]]*\\]|${LITERAL})`, 'g');
  for (const m of expression.matchAll(compared)) {
    const fallback = literal(m[1]);
    const values = m[3].startsWith('[') ? [...m[3].matchAll(new RegExp(LITERAL, 'g'))].map((v) => literal(v[0])) : [literal(m[3])];
    if (m[2] === '!=' ? !values.includes(fallback) : values.includes(fallback)) return true;
  }
  return false;
}

const ACCESS = '[\\w.?()\\[\\]\'"]*';
/** Access paths that may go through `.orValue({})` and quoted keys: for requests-versus-limits relations. */
const REL = '[\\w.?()\\[\\]\'"{}-]*';

/** The variables (transitively) an expression references, as text for context: `variables.allContainers` → its definition. */
export function referencedVariables(expression: string, variables: unknown): string {
  const defs = new Map(asArray(variables).map((v) => [String(asObj(v)?.name ?? ''), String(asObj(v)?.expression ?? '')] as const));
  const seen = new Set<string>();
  const queue = [expression];
  while (queue.length) {
    for (const m of queue.pop()!.matchAll(/variables\.(\w+)/g)) {
      if (seen.has(m[1]) || !defs.has(m[1])) continue;
      seen.add(m[1]);
      queue.push(defs.get(m[1])!);
    }
  }
  return [...seen].map((n) => defs.get(n)!).join('\n');
}

const NOT_A_KEY = /^(?:orValue|hasValue|all|exists|exists_one|map|filter|size|value|optMap|optFlatMap)$/;

/** The resource names an expression reads under `requests`: `requests.cpu`, `requests.?memory`, `requests[?'ephemeral-storage']`, `'cpu' in …requests`. */
function requestKeys(e: string): Set<string> {
  const keys = new Set<string>();
  for (const m of e.matchAll(/requests(?:\.orValue\(\s*\{\s*\}\s*\))?(?:\??\.\??(\w+)|\[\??\s*['"]([^'"]+)['"]\s*\])/g)) {
    const key = m[1] ?? m[2];
    if (!NOT_A_KEY.test(key)) keys.add(key);
  }
  for (const m of e.matchAll(new RegExp(`['"]([^'"]+)['"]\\s+in\\s+${ACCESS}requests\\b`, 'g'))) keys.add(m[1]);
  return keys;
}

/** Opportunities of one CEL validation expression; `context` is the text of the variables it uses. */
export function celOpportunities(expression: string, context = ''): Opportunity[] {
  const e = expression;
  const aboutContainers = /containers/i.test(`${expression}\n${context}`);
  const out: Opportunity[] = [];
  const level = (m: RegExpExecArray | null): Level => (m && /^object\.spec\.\??securityContext/.test(m[1] ?? '') ? 'pod' : 'container');
  const checks: [string, RegExp, string | undefined][] = [
    ['runAsNonRoot', new RegExp(`(${ACCESS})runAsNonRoot(?:\\.orValue\\(\\s*false\\s*\\))?\\s*==\\s*true`), 'true'],
    ['readOnlyRootFilesystem', new RegExp(`(${ACCESS})readOnlyRootFilesystem(?:\\.orValue\\(\\s*false\\s*\\))?\\s*==\\s*true`), 'true'],
    ['allowPrivilegeEscalation', new RegExp(`(${ACCESS})allowPrivilegeEscalation(?:\\.orValue\\(\\s*true\\s*\\))?\\s*==\\s*false`), 'false'],
    ['seccompProfile.type', new RegExp(`(${ACCESS})seccompProfile${ACCESS}type${ACCESS}\\s*(?:==|in)\\s*\\[?\\s*['"]RuntimeDefault`), `['"](?:RuntimeDefault|Localhost)['"]`],
    ['capabilities.drop', new RegExp(`()['"]ALL['"]\\s+in\\s+${ACCESS}capabilities${ACCESS}drop|()drop${ACCESS}\\.exists\\(\\s*\\w+\\s*,\\s*\\w+(?:\\.upperAscii\\(\\))?\\s*==\\s*['"]ALL['"]`), `\\[\\s*['"]ALL['"]\\s*\\]`],
  ];
  for (const [field, re, safe] of checks) {
    const m = re.exec(e);
    if (!m || optional(e, field, safe)) continue;
    const l = field === 'runAsNonRoot' || field === 'seccompProfile.type' ? level(m) : 'container';
    out.push({ kind: 'securityContext', level: l, fields: [field] });
  }
  const automount = /(\S*?)automountServiceAccountToken(?:\.orValue\(\s*true\s*\))?\s*==\s*false/.exec(e);
  if (automount && !optional(e, 'automountServiceAccountToken', 'false')) {
    out.push({ kind: 'automount', ...(/(?:^|[^\w.])object\.\??$/.test(automount[1]) ? { level: 'object' as const } : {}), fields: ['automountServiceAccountToken'] });
  }
  const relation = new RegExp(`requests${REL}\\s*[!=]=\\s*${REL}limits|limits${REL}\\s*[!=]=\\s*${REL}requests`).test(e);
  if (/resources\??\.\??requests/.test(e) && !/quantity\(|isGreaterThan|isLessThan|compareTo/.test(e) && !relation) {
    // Requests compared with limits (Guaranteed QoS) are a relation a fixed default cannot satisfy; other
    // resources (ephemeral-storage, GPUs) are not what the cpu/memory defaults set.
    const keys = requestKeys(e);
    const named = ['cpu', 'memory'].filter((f) => keys.has(f));
    const other = [...keys].some((k) => k !== 'cpu' && k !== 'memory');
    const fields = named.filter((f) => !optional(e, `requests.${f}`));
    const presenceOnly = keys.size === 0 && [...e.matchAll(/(!?)\s*has\(\s*[\w.?]*resources\.\??requests\s*\)/g)].some((m) => !m[1]);
    if (fields.length) out.push({ kind: 'requests', fields, ...(other || /limits/.test(e) ? { partial: true } : {}) });
    else if (presenceOnly && !optional(e, 'requests')) out.push({ kind: 'requests', fields: ['cpu', 'memory'] });
  }
  if (/labels/.test(e)) {
    const labels = [...e.matchAll(/['"]([\w./-]+)['"]|labels\??\.\??([\w]+)/g)].map((m) => m[1] ?? m[2]).filter(isFinOpsLabel);
    if (labels.length) {
      // Other required labels (owner, team, app) are domain labels the mutation does not set.
      const keys = [...e.matchAll(/labels\??\.\??(\w+)|labels\[\??\s*['"]([^'"]+)['"]|['"]([^'"]+)['"]\s+in\s+[\w.?]*labels\b/g)].map((m) => m[1] ?? m[2] ?? m[3]).filter((k) => !NOT_A_KEY.test(k));
      out.push({ kind: 'namespaceLabel', fields: [...new Set(labels)], ...(keys.some((k) => !isFinOpsLabel(k)) ? { partial: true } : {}) });
    }
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
  const lists = listsIn(`${e}\n${context}`);
  for (const o of out) if (isContainerLevel(o)) o.lists = lists;
  return merge(out);
}

/** Resource kinds (plural CEL resources or legacy kinds) that mean "this validates Namespaces", where a label cannot come from the namespace. */
export function matchesOnlyNamespaces(kinds: string[]): boolean {
  return kinds.length > 0 && kinds.every((k) => /^namespaces?$/i.test(k));
}
