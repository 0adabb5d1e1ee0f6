// Generates schemas/<group>/<Kind>.<version>.json from Kyverno's CRDs, plus schemas/index.json and
// server/src/schema/registry.ts. Run by hand (`npm run schemas`) when the CRDs change; the output is
// committed so that neither the build nor the tests need the CRDs.
//
// CRD OpenAPI v3 is not quite JSON Schema; the translation follows the apiserver's semantics so that
// ajv accepts exactly what a cluster would accept (structural schemas, k8s.io/apiextensions-apiserver):
//   - x-kubernetes-int-or-string        -> type: [integer, string]
//   - x-kubernetes-preserve-unknown-fields -> unknown keys allowed (no additionalProperties: false)
//   - an object with `properties` and no additionalProperties -> additionalProperties: false
//     (the apiserver prunes, and strict field validation rejects, unknown fields)
//   - a null field value is pruned before validation unless `nullable`, so every field and map value
//     accepts null (ajv's own `nullable` keyword, plus null in its enum) and skips its
//     oneOf/anyOf/allOf/not when null
//   - `format`s the apiserver does not check the way ajv-formats would (duration is a Go duration,
//     byte, …) are moved to `x-format`: kept for hover, never validated
//   - x-kubernetes-validations (CEL), list/map-type markers and `status` internals are dropped: they
//     say nothing an author writes or a hover shows.
// Large subtrees that repeat within a group (rule bodies, match blocks, across kinds and versions)
// are moved once to schemas/<group>/_defs.json.
import { readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { join, resolve, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const crdDir = resolve(root, process.env.KYVERNO_CRDS_DIR ?? '../shared/kyverno-crds');
const outDir = join(root, 'schemas');
const registryFile = join(root, 'server/src/schema/registry.ts');

// Formats ajv-formats checks the way the apiserver does; any other is informational.
const CHECKED_FORMATS = new Set(['date-time', 'int32', 'int64']);
const DROPPED_KEYS = new Set([
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-validations',
  'x-kubernetes-embedded-resource', 'example', 'Example', 'title',
]);
// Subtrees at least this large (serialized) that occur twice or more go to $defs.
const DEDUPE_MIN_CHARS = 1500;

export function translate(node, { isField }) {
  if (Array.isArray(node)) return node.map((n) => translate(n, { isField: false }));
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, translate(v, { isField: true })]));
    } else if (key === 'additionalProperties' && typeof value === 'object') {
      out.additionalProperties = translate(value, { isField: true });
    } else if (key === 'items') {
      out.items = translate(value, { isField: false });
    } else if (key === 'format') {
      if (CHECKED_FORMATS.has(value)) out.format = value;
      else out['x-format'] = value;
    } else if (key === 'x-kubernetes-int-or-string') {
      continue;
    } else if (key === 'x-kubernetes-preserve-unknown-fields') {
      continue;
    } else if (['oneOf', 'anyOf', 'allOf'].includes(key)) {
      out[key] = value.map((v) => translate(v, { isField: false }));
    } else if (key === 'not') {
      out.not = translate(value, { isField: false });
    } else if (key === 'nullable') {
      continue;
    } else {
      out[key] = value;
    }
  }
  if (node['x-kubernetes-int-or-string']) {
    out.type = ['integer', 'string'];
    // The CRD spells the alternatives again as anyOf; the type array says it already.
    delete out.anyOf;
  }
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (preserve) out['x-preserve-unknown-fields'] = true;
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !preserve) {
    out.additionalProperties = false;
  }
  if ((isField || node.nullable) && out.type !== undefined) {
    out.nullable = true;
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    // `required` ignores non-objects, so `not: {required: [any, all]}` would reject the null that
    // `nullable` admits (and a oneOf of required-lists would match every branch): a pruned null
    // skips them.
    const combinators = ['oneOf', 'anyOf', 'allOf', 'not'].filter((k) => out[k] !== undefined);
    if (combinators.length) {
      out.if = { type: 'null' };
      out.else = Object.fromEntries(combinators.map((k) => [k, out[k]]));
      for (const k of combinators) delete out[k];
    }
  }
  return out;
}

/** The status subtree is written by the controller, never by an author: keep its description only. */
export function stripStatus(schema) {
  if (schema.properties?.status) {
    const { description } = schema.properties.status;
    schema.properties.status = { description, type: 'object', nullable: true, 'x-preserve-unknown-fields': true };
  }
  return schema;
}

function canonical(node) {
  return JSON.stringify(node);
}

/**
 * Moves every large subtree that occurs more than once in a group (across kinds and versions: the
 * rule body of ClusterPolicy v1 is that of v2beta1 and of Policy) into the group's `_defs.json`.
 * Besides smaller files, ajv then compiles each shared subtree once for all the schemas using it,
 * and compiling is the expensive part of validation.
 */
export function dedupeGroup(group, schemas) {
  const counts = new Map();
  const count = (node) => {
    if (!node || typeof node !== 'object') return;
    if (!Array.isArray(node)) {
      const text = canonical(node);
      if (text.length >= DEDUPE_MIN_CHARS) counts.set(text, (counts.get(text) ?? 0) + 1);
    }
    for (const child of Object.values(node)) count(child);
  };
  schemas.forEach((s) => count(s));
  const defsId = `kyverno-analyzer:${group}/_defs`;
  const defs = {};
  const names = new Map();
  const used = new Set();
  const rewrite = (node, hint, isRoot) => {
    if (!node || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map((n) => rewrite(n, hint, false));
    const text = canonical(node);
    if (!isRoot && (counts.get(text) ?? 0) >= 2) {
      let name = names.get(text);
      if (!name) {
        const base = hint.replace(/[^A-Za-z0-9]/g, '') || 'def';
        name = base;
        for (let i = 2; used.has(name); i++) name = `${base}${i}`;
        used.add(name);
        names.set(text, name);
        defs[name] = rewriteChildren(node, hint);
      }
      return { $ref: `${defsId}#/$defs/${name}` };
    }
    return rewriteChildren(node, hint);
  };
  const rewriteChildren = (node, hint) => {
    const out = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties') {
        out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, k, false)]));
      } else if (key === 'items') {
        out.items = rewrite(value, `${hint}Item`, false);
      } else {
        out[key] = rewrite(value, hint, false);
      }
    }
    return out;
  };
  const rewritten = schemas.map((s) => rewrite(s, 'root', true));
  const sortedDefs = Object.fromEntries(Object.entries(defs).sort(([x], [y]) => x.localeCompare(y)));
  return { rewritten, defs: { $schema: 'http://json-schema.org/draft-07/schema#', $id: defsId, $defs: sortedDefs } };
}

function main() {
  if (!existsSync(crdDir)) {
    console.error(`generate-schemas: CRD folder not found: ${crdDir} (set KYVERNO_CRDS_DIR)`);
    process.exit(2);
  }
  const crdFiles = [];
  for (const sub of readdirSync(crdDir).sort()) {
    const dir = join(crdDir, sub);
    let entries;
    try { entries = readdirSync(dir); } catch { continue; }
    for (const name of entries.sort()) if (/\.ya?ml$/.test(name)) crdFiles.push(join(dir, name));
  }

  rmSync(outDir + '/kyverno.io', { recursive: true, force: true });
  rmSync(outDir + '/policies.kyverno.io', { recursive: true, force: true });
  rmSync(outDir + '/cli.kyverno.io', { recursive: true, force: true });
  const byGroup = new Map();
  for (const file of crdFiles) {
    const crd = parse(readFileSync(file, 'utf8'));
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const { group, names, versions } = crd.spec;
    for (const version of versions) {
      const source = version.schema?.openAPIV3Schema;
      if (!source) continue;
      const entry = {
        group, kind: names.kind, version: version.name, file: `${group}/${names.kind}.${version.name}.json`,
        served: version.served !== false, storage: version.storage === true, source: relative(crdDir, file),
      };
      if (!byGroup.has(group)) byGroup.set(group, []);
      byGroup.get(group).push({ entry, schema: stripStatus(translate(source, { isField: false })) });
    }
  }
  const index = [];
  const sharedDefs = [];
  for (const [group, items] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
    const { rewritten, defs } = dedupeGroup(group, items.map((i) => i.schema));
    mkdirSync(join(outDir, group), { recursive: true });
    const defsFile = `${group}/_defs.json`;
    writeFileSync(join(outDir, defsFile), JSON.stringify(defs) + '\n');
    sharedDefs.push({ id: defs.$id, file: defsFile });
    items.forEach(({ entry }, i) => {
      const schema = {
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: `kyverno-analyzer:${entry.group}/${entry.kind}/${entry.version}`,
        ...rewritten[i],
      };
      writeFileSync(join(outDir, entry.file), JSON.stringify(schema) + '\n');
      index.push(entry);
    });
  }
  index.sort((a, b) => `${a.group}/${a.kind}/${a.version}`.localeCompare(`${b.group}/${b.kind}/${b.version}`));
  writeFileSync(join(outDir, 'index.json'), JSON.stringify({ generatedBy: 'scripts/generate-schemas.mjs', schemas: index, sharedDefs }, null, 2) + '\n');

  // Static JSON imports let esbuild bundle every schema, so the CLI runs from any directory.
  const hashOf = (text) => createHash('sha256').update(text).digest('hex').slice(0, 8);
  const lines = [
    '// Generated by scripts/generate-schemas.mjs; do not edit. Static imports so that esbuild bundles',
    '// every schema and the CLI needs no files beside it.',
    '',
  ];
  index.forEach((entry, i) => lines.push(`import s${i} from '../../../schemas/${entry.file}' with { type: 'json' };`));
  sharedDefs.forEach((d, i) => lines.push(`import d${i} from '../../../schemas/${d.file}' with { type: 'json' };`));
  lines.push('', '/** Schemas by `group/kind/version`. */', 'export const schemaRegistry: Record<string, object> = {');
  index.forEach((entry, i) => lines.push(`  '${entry.group}/${entry.kind}/${entry.version}': s${i},`));
  lines.push('};', '', '/** The shared $defs files the schemas reference, by $id. */', 'export const sharedDefs: Record<string, object> = {');
  sharedDefs.forEach((d, i) => lines.push(`  '${d.id}': d${i},`));
  lines.push('};', '');
  const registry = lines.join('\n');
  mkdirSync(dirname(registryFile), { recursive: true });
  writeFileSync(registryFile, registry);
  console.log(`generate-schemas: ${index.length} schemas from ${crdFiles.length} CRDs -> ${relative(root, outDir)} (registry ${hashOf(registry)})`);
}

// Importable (tests exercise the translation) without generating anything.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
