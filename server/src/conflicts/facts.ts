// Facts per rule (Regal-style aggregate): what each rule writes, requires and generates, per kind
// it can match, with paths as they stand in that kind's object. Facts depend on one rule alone,
// so they are cached by rule identity: an edit re-derives only the facts of the edited document.
import { UNKNOWN, type FieldWrite, type GenerateTarget, type Policy, type Rule, type SourceRef } from '../model/types.ts';
import { summarizeLegacyMatch } from '../model/matchSummary.ts';
import { matchFacts, type MatchFacts } from './overlap.ts';
import { validationRequirements, type Requirement } from './requirements.ts';
import { autogenPath, podFormPath } from './paths.ts';
import { listStrategy } from '../k8s/patchStrategy.ts';
import { asObj } from '../k8s/objects.ts';

type Obj = Record<string, unknown>;

export interface RuleRef {
  /** Stable within one index revision: file, document, rule path. */
  id: string;
  policy: Policy;
  rule: Rule;
  match: MatchFacts;
  enforcing: boolean;
}

export interface WriteFact {
  owner: RuleRef;
  kind: string;
  /** The path in an object of `kind`; list elements '*', or `name=x` for a named SMP element. */
  path: string[];
  /** The same field as a Pod path, when it lies in a pod template. */
  podPath?: string[];
  value: unknown;
  guard: FieldWrite['guard'];
  source: SourceRef;
}

export interface RequirementFact {
  owner: RuleRef;
  kind: string;
  path: string[];
  requirement: Requirement;
}

export interface ReadFact {
  owner: RuleRef;
  kind: string;
  path: string[];
}

export interface TargetFact {
  owner: RuleRef;
  target: GenerateTarget;
}

export interface RuleFacts {
  ref: RuleRef;
  writes: WriteFact[];
  requirements: RequirementFact[];
  /** Fields an enforcing validation reads (for the engine-based checks), per kind. */
  reads: ReadFact[];
  targets: TargetFact[];
  /** Image references a verifyImages / ImageValidatingPolicy rule checks (globs). */
  imageReferences: { kinds: string[]; patterns: string[]; source: SourceRef }[];
}

export function ruleId(rule: Rule): string {
  return `${rule.source.file}#${rule.source.docIndex}#${rule.source.path.join('.')}`;
}

const cache = new WeakMap<Rule, RuleFacts>();

export function factsOf(policy: Policy, rule: Rule): RuleFacts {
  const hit = cache.get(rule);
  if (hit) return hit;
  const facts = deriveFacts(policy, rule);
  cache.set(rule, facts);
  return facts;
}

function deriveFacts(policy: Policy, rule: Rule): RuleFacts {
  const ref: RuleRef = {
    id: ruleId(rule),
    policy,
    rule,
    match: matchFacts(policy, rule),
    enforcing: rule.enforcement === 'Enforce' || rule.enforcement === 'Deny',
  };
  let kinds = rule.match.kinds.length ? rule.match.kinds : ['*'];
  const legacy = policy.cls.family === 'kyverno-legacy';
  // mutate-existing: the writes land on the targets, not on the object that triggered the rule.
  const mutateTargets = legacy && Array.isArray(asObj(rule.raw.mutate)?.targets) ? (asObj(rule.raw.mutate)!.targets as unknown[]).map(asObj).filter((t): t is Obj => !!t) : [];
  if (rule.phase === 'mutate' && mutateTargets.length) {
    kinds = [...new Set(mutateTargets.map((t) => (typeof t.kind === 'string' ? t.kind : '*')))];
    const namespaces = mutateTargets.map((t) => t.namespace);
    ref.match = {
      ...ref.match,
      kinds,
      namespaces: namespaces.every((n): n is string => typeof n === 'string' && !n.includes('{{')) ? namespaces : [],
      excludedNamespaces: [],
      operations: [],
      objectLabels: undefined,
      undecidable: [ref.match.undecidable, `mutate-existing targets of ${policy.name}`].filter(Boolean).join('; '),
    };
  }
  // The kinds the rule names itself; the others it reaches through autogen, at the pod template.
  const explicit = legacy ? new Set(summarizeLegacyMatch(rule.raw.match, undefined).kinds) : new Set(rule.match.kinds.filter((k) => !policy.autogenKinds.includes(k)));
  if (rule.phase === 'mutate' && mutateTargets.length) kinds.forEach((k) => explicit.add(k)); // targets are written as they are
  const pathFor = (kind: string, path: string[]): string[] => {
    if (explicit.has(kind) || !policy.autogenKinds.includes(kind)) return path;
    return path[0] === 'spec' || path[0] === 'metadata' ? autogenPath(kind, path) : path;
  };

  const writes: WriteFact[] = [];
  if (rule.phase === 'mutate') {
    const schemaKind = [...explicit].find((k) => k !== '*') ?? kinds[0];
    const whole = legacy ? wholeLists(policy.raw, schemaKind, rule.effect.writes) : rule.effect.writes;
    const leaves = whole.flatMap((w) => leafWrites(w)).flatMap((write) => {
      // A JSON patch index (`/spec/containers/0/image`) is taken as any element.
      if (isEmptyContainer(write.value)) return []; // `annotations: {}` builds structure, it sets no value
      const path = (legacy ? namedElements(policy.raw, write) : write.path)?.map((seg) => (/^-?\d+$/.test(seg) || seg === '-' ? '*' : seg));
      return path ? [{ ...write, path }] : [];
    });
    for (const write of qualifyElements(leaves)) {
      const path = write.path;
      for (const kind of kinds) {
        const p = pathFor(kind, path);
        writes.push({ owner: ref, kind, path: p, podPath: podFormPath(kind, p), value: write.value, guard: write.guard, source: write.source });
      }
    }
  }
  const requirements: RequirementFact[] = [];
  if (rule.phase === 'validate') {
    for (const requirement of validationRequirements(policy, rule)) {
      for (const kind of kinds) requirements.push({ owner: ref, kind, path: pathFor(kind, requirement.path), requirement });
    }
  }
  const reads: ReadFact[] = [];
  if (rule.phase === 'validate' && ref.enforcing) {
    const seen = new Set<string>();
    for (const read of [...rule.effect.reads, ...(legacy ? variableReads(rule.raw.validate) : [])]) {
      const key = read.path.join('\u0000');
      if (seen.has(key)) continue;
      seen.add(key);
      for (const kind of kinds) reads.push({ owner: ref, kind, path: pathFor(kind, read.path) });
    }
  }
  const targets = rule.phase === 'generate' ? rule.effect.targets.map((target) => ({ owner: ref, target })) : [];
  return { ref, writes: exact(writes), requirements: exact(requirements), reads: exact(reads), targets, imageReferences: exact(imageReferencesOf(policy, rule)) };
}

// Facts live as long as their rule: a list grown by push keeps room for 16 more (~150 bytes each,
// five lists per rule, ~10 MB over 10,000 rules); a copy is exactly as long as its contents.
const exact = <T>(list: T[]): T[] => (list.length ? list.slice() : []);

function isEmptyContainer(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (!!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
}

/** List merge keys (strategic merge and server-side apply): they name an element, they are not values. */
const MERGE_KEYS = ['name', 'mountPath', 'containerPort', 'devicePath', 'ip'];

/**
 * Writes inside list elements of one rule, qualified by the element's merge key when the rule
 * names exactly one element under that list (`containers[*].image` of a rule that adds the
 * container `vault-agent` is `containers[name=vault-agent].image`); with several elements under
 * one list the element is ambiguous (`name=?`). Merge-key writes themselves are dropped.
 */
function qualifyElements(writes: FieldWrite[]): FieldWrite[] {
  const keysAt = new Map<string, Set<string>>();
  for (const w of writes) {
    const n = w.path.length;
    if (n >= 2 && w.path[n - 2] === '*' && MERGE_KEYS.includes(w.path[n - 1]) && w.value !== UNKNOWN) {
      const prefix = w.path.slice(0, n - 1).join('\u0000');
      const set = keysAt.get(prefix) ?? new Set<string>();
      set.add(`${w.path[n - 1]}=${String(w.value)}`);
      keysAt.set(prefix, set);
    }
  }
  const out: FieldWrite[] = [];
  for (const w of writes) {
    const n = w.path.length;
    if (n >= 2 && w.path[n - 2] === '*' && MERGE_KEYS.includes(w.path[n - 1])) continue;
    if (keysAt.size === 0) {
      out.push(w);
      continue;
    }
    const path = [...w.path];
    for (let i = 0; i < path.length; i++) {
      if (path[i] !== '*') continue;
      const keys = keysAt.get(w.path.slice(0, i + 1).join('\u0000'));
      if (keys) path[i] = keys.size === 1 ? [...keys][0] : `${[...keys][0].split('=')[0]}=?`;
    }
    out.push({ ...w, path });
  }
  return out;
}

/**
 * A strategic-merge patch replaces a list without a merge key whole (`command`, `args`,
 * `envFrom`, `tolerations`), so its elements are not fields of their own: the leaves under such a
 * list become one write of the list's value. Elements of a set (`finalizers`) are qualified by
 * their value, so that two policies adding different elements never meet.
 */
function wholeLists(raw: unknown, kind: string, writes: FieldWrite[]): FieldWrite[] {
  const out: FieldWrite[] = [];
  const done = new Set<string>();
  for (const w of writes) {
    const src = w.source.path;
    if (!src.includes('patchStrategicMerge')) {
      out.push(w);
      continue;
    }
    let cut = -1;
    let path = w.path;
    for (let i = 0; i < w.path.length; i++) {
      if (w.path[i] !== '*') continue;
      const strategy = listStrategy(kind, w.path.slice(0, i));
      if (strategy === 'set' && i === w.path.length - 1 && w.value !== UNKNOWN) {
        path = [...w.path.slice(0, i), `item=${typeof w.value === 'string' ? w.value : JSON.stringify(w.value)}`];
        break;
      }
      // Outside the model, a list of scalars has no key to merge by either.
      if (strategy === 'replace' || (strategy === undefined && i === w.path.length - 1)) {
        cut = i;
        break;
      }
    }
    if (cut < 0) {
      out.push(path === w.path ? w : { ...w, path });
      continue;
    }
    // The list's own place in the source: its element index is the n-th index from the end,
    // n being the number of list elements from the cut down to the leaf.
    const depth = w.path.slice(cut).filter((s) => s === '*').length;
    let at = src.length;
    for (let seen = 0; at > 0 && seen < depth; ) if (typeof src[--at] === 'number') seen++;
    if (typeof src[at] !== 'number') {
      out.push(w);
      continue;
    }
    const listSrc = src.slice(0, at);
    const id = listSrc.join('\u0000');
    if (done.has(id)) continue;
    done.add(id);
    const value = valueAt(raw, listSrc);
    out.push({ path: w.path.slice(0, cut), value: Array.isArray(value) && plainList(value) ? value : UNKNOWN, guard: w.guard, source: { ...w.source, path: listSrc } });
  }
  return out;
}

function valueAt(raw: unknown, path: (string | number)[]): unknown {
  let node = raw;
  for (const seg of path) node = Array.isArray(node) ? node[seg as number] : asObj(node)?.[seg as string];
  return node;
}

/** A list value as it lands: no variables to substitute, no anchors to resolve. */
function plainList(value: unknown): boolean {
  if (typeof value === 'string') return !value.includes('{{');
  if (Array.isArray(value)) return value.every(plainList);
  if (value && typeof value === 'object') return Object.entries(value).every(([k, v]) => !/^[+=X^<]?\(.*\)$/.test(k) && !k.includes('{{') && plainList(v));
  return true;
}

/** `{{ request.object.metadata.labels.app || '' }}` in deny conditions/foreach: the fields they read. */
function variableReads(validate: unknown): { path: string[] }[] {
  const out: { path: string[] }[] = [];
  const visit = (node: unknown): void => {
    if (typeof node === 'string') {
      for (const m of node.matchAll(/request\.object\.((?:[A-Za-z_][A-Za-z0-9_-]*|"[^"]+")(?:\.(?:[A-Za-z_][A-Za-z0-9_-]*|"[^"]+"))*)/g)) {
        out.push({ path: m[1].split(/\.(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((seg) => seg.replace(/^"|"$/g, '')) });
      }
    } else if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') Object.values(node).forEach(visit);
  };
  const v = asObj(validate);
  if (v?.deny) visit(v.deny);
  if (v?.foreach) visit(v.foreach);
  return out;
}

/** An object-valued write (JSON6902 `add` of a map) as the leaves it sets. */
function leafWrites(write: FieldWrite): FieldWrite[] {
  const value = write.value;
  if (value === UNKNOWN || !value || typeof value !== 'object' || Array.isArray(value)) return [write];
  const entries = Object.entries(value as Obj);
  if (entries.length === 0) return [write];
  return entries.flatMap(([k, v]) => leafWrites({ ...write, path: [...write.path, k], value: v }));
}

/**
 * A strategic-merge patch merges list elements by name: `- name: app` writes only the element
 * named app. Such elements get a `name=app` segment so that they meet only writes of the same
 * element (or of every element); the merge key itself is not a write.
 */
function namedElements(raw: unknown, write: FieldWrite): string[] | undefined {
  const src = write.source.path;
  const names: (string | undefined)[] = [];
  let node: unknown = raw;
  for (let i = 0; i < src.length; i++) {
    const seg = src[i];
    node = Array.isArray(node) ? node[seg as number] : asObj(node)?.[seg as string];
    if (typeof seg === 'number' && src.slice(0, i).includes('patchStrategicMerge')) {
      const name = asObj(node)?.name ?? asObj(node)?.['(name)'];
      names.push(typeof name === 'string' && !/[*?{]/.test(name) ? name : undefined);
    }
  }
  if (!src.includes('patchStrategicMerge')) return write.path;
  const path = [...write.path];
  let n = 0;
  for (let i = 0; i < path.length; i++) {
    if (path[i] !== '*') continue;
    const name = names[n++];
    if (name !== undefined) {
      if (i === path.length - 2 && path[i + 1] === 'name') return undefined; // the merge key
      path[i] = `name=${name}`;
    }
  }
  return path;
}

function imageReferencesOf(policy: Policy, rule: Rule): RuleFacts['imageReferences'] {
  const out: RuleFacts['imageReferences'] = [];
  const kinds = rule.match.kinds.length ? rule.match.kinds : ['*'];
  if (rule.phase !== 'verifyImages') return out;
  if (policy.cls.family === 'kyverno-legacy') {
    const list = Array.isArray(rule.raw.verifyImages) ? rule.raw.verifyImages : [];
    list.forEach((entry, i) => {
      const e = asObj(entry) ?? {};
      const refs = Array.isArray(e.imageReferences) ? e.imageReferences : typeof e.image === 'string' ? [e.image] : [];
      const patterns = refs.filter((r): r is string => typeof r === 'string');
      if (patterns.length) out.push({ kinds, patterns, source: { ...rule.source, path: [...rule.source.path, 'verifyImages', i, Array.isArray(e.imageReferences) ? 'imageReferences' : 'image'] } });
    });
    return out;
  }
  const refs = Array.isArray(rule.raw.matchImageReferences) ? rule.raw.matchImageReferences : [];
  const patterns = refs.map((r) => asObj(r)?.glob).filter((g): g is string => typeof g === 'string');
  if (patterns.length && patterns.length === refs.length) out.push({ kinds, patterns, source: { ...policy.source, path: ['spec', 'matchImageReferences', 0, 'glob'] } });
  return out;
}
