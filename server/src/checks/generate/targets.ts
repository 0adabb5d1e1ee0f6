// What a generate rule or a GeneratingPolicy creates, read from the document as written: the kinds,
// whether the copies are kept in sync, and where to point a finding.
import { parseAllDocuments } from 'yaml';
import type { IndexedDocument } from '../../workspace/document.ts';
import type { Path } from '../../yaml/paths.ts';
import { asArray, asObj, type Obj } from '../cronjob/common.ts';

export interface GeneratedKind {
  kind: string;
  /** `clone`/`cloneList`/`resource.Get`: a copy of an existing object; otherwise inline `data`. */
  copy: boolean;
  synchronized: boolean;
  /** Where the kind is written (the `kind:` value, a cloneList entry, the CEL expression). */
  at: Path;
  /** The mapping that holds (or would hold) the synchronize switch, and the switch's key. */
  syncAt: { map: Path; key: string };
}

const PLURALS: Record<string, string> = {
  secrets: 'Secret', configmaps: 'ConfigMap', networkpolicies: 'NetworkPolicy', serviceaccounts: 'ServiceAccount',
  roles: 'Role', rolebindings: 'RoleBinding', clusterroles: 'ClusterRole', clusterrolebindings: 'ClusterRoleBinding',
};

/** Kinds named in CEL generation text: `"kind": dyn("Secret")`, `kind: "Role"`, `resource.Get("v1", "secrets", …)`. */
export function kindsInCel(text: string): { kind: string; copy: boolean }[] {
  const found: { kind: string; copy: boolean }[] = [];
  for (const m of text.matchAll(/["']?\bkind["']?\s*:\s*(?:dyn\(\s*)?["']([A-Za-z]+)["']/g)) {
    // Only the kind of an object with an apiVersion: not roleRef/subjects kinds inside it.
    if (/["']?\bapiVersion["']?\s*:/.test(enclosingObject(text, m.index!))) found.push({ kind: m[1], copy: false });
  }
  for (const m of text.matchAll(/resource\.(?:Get|List)\(\s*["'][^"']*["']\s*,\s*["']([a-z]+)["']/g)) {
    if (PLURALS[m[1]]) found.push({ kind: PLURALS[m[1]], copy: true });
  }
  return found;
}

/** The text of the innermost `{ … }` around an offset (at the same nesting level: nested objects are cut out). */
function enclosingObject(text: string, at: number): string {
  let depth = 0;
  let start = 0;
  for (let i = at; i >= 0; i--) {
    const c = text[i];
    if (c === '}' || c === ']') depth++;
    else if (c === '{' || c === '[') {
      if (depth === 0) {
        start = i;
        break;
      }
      depth--;
    }
  }
  let out = '';
  depth = 0;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0) out += c;
  }
  return out;
}

/** Top-level kinds of the objects of a YAML generation template. */
function kindsInTemplate(text: string): string[] {
  const kinds: string[] = [];
  for (const doc of parseAllDocuments(text.replace(/\(\([^)]*\)\)/g, 'x'))) {
    const value = 'toJS' in doc ? (doc.toJS() as unknown) : undefined;
    for (const item of Array.isArray(value) ? value : [value]) {
      const kind = asObj(item)?.kind;
      if (typeof kind === 'string') kinds.push(kind);
    }
  }
  return kinds;
}

function legacyKinds(value: Obj): GeneratedKind[] {
  const out: GeneratedKind[] = [];
  asArray(asObj(value.spec)?.rules).forEach((raw, r) => {
    const generate = asObj(asObj(raw)?.generate);
    if (!generate) return;
    const base: Path = ['spec', 'rules', r, 'generate'];
    const entries: { entry: Obj; path: Path }[] = [{ entry: generate, path: base }];
    asArray(generate.foreach).forEach((e, i) => entries.push({ entry: asObj(e) ?? {}, path: [...base, 'foreach', i] }));
    for (const { entry, path } of entries) {
      const synchronized = entry.synchronize === true || (entry !== generate && generate.synchronize === true);
      const syncAt = { map: entry.synchronize !== undefined || entry === generate ? path : base, key: 'synchronize' };
      if (typeof entry.kind === 'string') out.push({ kind: entry.kind, copy: entry.clone !== undefined, synchronized, at: [...path, 'kind'], syncAt });
      asArray(asObj(entry.cloneList)?.kinds).forEach((k, i) => {
        if (typeof k === 'string') out.push({ kind: k.split('/').pop()!, copy: true, synchronized, at: [...path, 'cloneList', 'kinds', i], syncAt });
      });
    }
  });
  return out;
}

function celKinds(value: Obj): GeneratedKind[] {
  const spec = asObj(value.spec) ?? {};
  const synchronized = asObj(asObj(spec.evaluation)?.synchronize)?.enabled === true;
  const syncAt = { map: ['spec', 'evaluation', 'synchronize'], key: 'enabled' };
  const out: GeneratedKind[] = [];
  const scan = (text: unknown, at: Path) => {
    const source = typeof text === 'string' ? text : text === undefined ? '' : JSON.stringify(text);
    for (const k of kindsInCel(source)) out.push({ ...k, synchronized, at, syncAt });
  };
  asArray(spec.variables).forEach((v, i) => scan(asObj(v)?.expression, ['spec', 'variables', i, 'expression']));
  asArray(spec.generate).forEach((g, i) => {
    scan(asObj(g)?.expression, ['spec', 'generate', i, 'expression']);
    const template = asObj(asObj(g)?.template);
    if (template) {
      // A YAML template: `kind: Secret` lines, quoted or not.
      const at = ['spec', 'generate', i, 'template'];
      if (typeof template.value === 'string') {
        for (const kind of kindsInTemplate(template.value)) out.push({ kind, copy: false, synchronized, at, syncAt });
      } else if (template.value !== undefined) scan(template.value, at);
    }
  });
  return out;
}

export function generatedKinds(document: IndexedDocument): GeneratedKind[] {
  const cls = document.cls;
  const value = asObj(document.yaml.value);
  if (!cls || !value) return [];
  if (cls.family === 'kyverno-legacy' && (cls.kind === 'ClusterPolicy' || cls.kind === 'Policy')) return legacyKinds(value);
  if (cls.family === 'kyverno-cel' && (cls.kind === 'GeneratingPolicy' || cls.kind === 'NamespacedGeneratingPolicy')) return celKinds(value);
  return [];
}
