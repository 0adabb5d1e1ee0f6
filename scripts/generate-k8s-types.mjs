// Generates schemas/k8s/types.json and schemas/k8s/resources.json from @kubernetes/client-node
// (a devDependency: used here only, never at runtime). Run by hand (`npm run schemas`); the output
// is committed.
//
// types.json = { kinds: { "<apiVersion>/<Kind>": "<TypeName>" }, types: { "<TypeName>": { "<jsonField>": "<expr>" } } }
// The field types are the library's own `attributeTypeMap` entries (in 1.3.0 ObjectSerializer's
// `typeMap` is module-private, but every model class it lists is exported from the package root
// with that static map), normalised to this grammar:
//   expr := 'string' | 'integer' | 'number' | 'boolean' | 'Date' | 'IntOrString' | 'Quantity' | 'any'
//         | TypeName                          (a key of `types`)
//         | 'Array<' expr '>'
//         | '{ [key: string]: ' expr '; }'    (a map with string keys)
// 'integer' is the library's `number` with format int32/int64; 'Date' covers date-time and the
// library's V1MicroTime; 'Quantity' is a `string` the Kubernetes API types as resource.Quantity
// (the library cannot tell, so QUANTITY_FIELDS below names them, and the script fails if the model
// stops having one of them).
//
// resources.json = [{ group, version, kind, plural, namespaced }] for every built-in kind, found in
// the library's generated API classes: a `read<Kind>`/`readNamespaced<Kind>` (or, for create-only
// kinds such as TokenReview, `create…`) operation whose path is the resource itself (no
// subresource), and the model type it returns. Namespaced-ness: the API has `listNamespaced<Kind>`
// (or, for create-only kinds, the path has /namespaces/{namespace}/). Plural: the resource segment
// of that path; the script prints where it differs from Kubernetes' guessing rule (guessPlural), which
// for this model is only Endpoints -> endpoints.
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'schemas/k8s');
const apisDir = join(dirname(fileURLToPath(import.meta.resolve('@kubernetes/client-node'))), 'gen/apis');

// Go type resource.Quantity in k8s.io/api; the TypeScript model spells them all `string`.
const QUANTITY_FIELDS = {
  V1ResourceRequirements: ['limits', 'requests'],
  V1VolumeResourceRequirements: ['limits', 'requests'],
  V1ResourceQuotaSpec: ['hard'],
  V1ResourceQuotaStatus: ['hard', 'used'],
  V1LimitRangeItem: ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'],
  V1NodeStatus: ['allocatable', 'capacity'],
  V1PersistentVolumeSpec: ['capacity'],
  V1PersistentVolumeClaimStatus: ['capacity', 'allocatedResources'],
  V1EmptyDirVolumeSource: ['sizeLimit'],
  V1PodSpec: ['overhead'],
  V1ContainerStatus: ['allocatedResources'],
  V1Overhead: ['podFixed'],
  V1CSIStorageCapacity: ['capacity', 'maximumVolumeSize'],
};

const ALIASES = { V1MicroTime: 'Date' };

/**
 * Kubernetes' own rule for a built-in kind's resource name: UnsafeGuessKindToResource in
 * k8s.io/apimachinery/pkg/api/meta/restmapper.go (lowercase; "s" -> +"es"; "y" -> "ies"; else +"s").
 */
function guessPlural(kind) {
  const lower = kind.toLowerCase();
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

// --- types -------------------------------------------------------------------------------------
const models = new Map();
for (const [name, value] of Object.entries(k8s)) {
  if (typeof value === 'function' && Array.isArray(value.attributeTypeMap)) models.set(name, value.attributeTypeMap);
}

function normalise(type, format, where) {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return `Array<${normalise(array[1], format, where)}>`;
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return `{ [key: string]: ${normalise(map[1], format, where)}; }`;
  if (type === 'number') return format === 'int32' || format === 'int64' ? 'integer' : 'number';
  if (['string', 'boolean', 'Date', 'IntOrString', 'any'].includes(type)) return type;
  if (ALIASES[type]) return ALIASES[type];
  if (models.has(type)) return type;
  throw new Error(`generate-k8s-types: ${where} has type ${type}, which is neither a primitive nor a model`);
}

const types = {};
for (const [name, attributes] of [...models].sort(([a], [b]) => a.localeCompare(b))) {
  const fields = {};
  for (const a of attributes) fields[a.baseName] = normalise(a.type, a.format, `${name}.${a.baseName}`);
  types[name] = fields;
}
for (const [typeName, fields] of Object.entries(QUANTITY_FIELDS)) {
  for (const field of fields) {
    const current = types[typeName]?.[field];
    if (current === 'string') types[typeName][field] = 'Quantity';
    else if (current === '{ [key: string]: string; }') types[typeName][field] = '{ [key: string]: Quantity; }';
    else throw new Error(`generate-k8s-types: quantity field ${typeName}.${field} is ${current ?? 'missing'} in the model`);
  }
}

// --- resources ---------------------------------------------------------------------------------
function methodsOf(source) {
  // RequestFactory methods carry the path; ResponseProcessor's <name>WithHttpInfo the 2xx type.
  const paths = new Map();
  const returns = new Map();
  const methodRe = /\n    async (\w+)\(([^)]*)\) \{/g;
  const starts = [...source.matchAll(methodRe)].map((m) => ({ name: m[1], index: m.index }));
  starts.forEach((m, i) => {
    const body = source.slice(m.index, starts[i + 1]?.index ?? source.length);
    const withInfo = /^(\w+)WithHttpInfo$/.exec(m.name);
    if (withInfo) {
      const type = /isCodeInRange\("20\d", response\.httpStatusCode\)\) \{\s*const body = ObjectSerializer\.deserialize\(ObjectSerializer\.parse\(await response\.body\.text\(\), contentType\), "([^"]+)"/.exec(body);
      if (type) returns.set(withInfo[1], type[1]);
    } else {
      const path = /const localVarPath = '([^']+)'/.exec(body);
      if (path && !paths.has(m.name)) paths.set(m.name, path[1]);
    }
  });
  return { paths, returns };
}

function groupVersionOf(path) {
  const core = /^\/api\/(v[^/]+)\//.exec(path);
  if (core) return { group: '', version: core[1] };
  const named = /^\/apis\/([^/]+)\/(v[^/]+)\//.exec(path);
  return named ? { group: named[1], version: named[2] } : undefined;
}

const resources = new Map();
const kinds = {};
const exceptions = new Set();
for (const file of readdirSync(apisDir).filter((f) => /^\w+V\d\w*Api\.js$/.test(f)).sort()) {
  const { paths, returns } = methodsOf(readFileSync(join(apisDir, file), 'utf8'));
  for (const [method, path] of paths) {
    const read = /^read(Namespaced)?(\w+)$/.exec(method);
    const create = /^create(Namespaced)?(\w+)$/.exec(method);
    let kind;
    let plural;
    if (read && path.endsWith('/{name}')) {
      kind = read[2];
      plural = path.split('/').at(-2);
    } else if (create && !path.includes('{name}')) {
      kind = create[2];
      plural = path.split('/').at(-1);
    } else continue;
    const gv = groupVersionOf(path);
    const typeName = returns.get(method);
    if (!gv || !typeName || !models.has(typeName) || typeName.endsWith('List')) continue;
    const apiVersion = gv.group ? `${gv.group}/${gv.version}` : gv.version;
    const id = `${apiVersion}/${kind}`;
    if (resources.has(id) && read === null) continue; // a read operation is the better witness
    const namespaced = paths.has(`listNamespaced${kind}`) || (!paths.has(`list${kind}`) && path.includes('/namespaces/{namespace}/'));
    const guessed = guessPlural(kind);
    if (guessed !== plural) exceptions.add(`${id}: ${plural} (rule says ${guessed})`);
    resources.set(id, { group: gv.group, version: gv.version, kind, plural, namespaced });
    kinds[id] = typeName;
  }
}

const sortedKinds = Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => a.localeCompare(b)));
const resourceList = [...resources.values()].sort((a, b) => `${a.group}/${a.version}/${a.kind}`.localeCompare(`${b.group}/${b.version}/${b.kind}`));
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'types.json'), JSON.stringify({ generatedBy: 'scripts/generate-k8s-types.mjs', source: '@kubernetes/client-node 1.3.0', kinds: sortedKinds, types }) + '\n');
writeFileSync(join(outDir, 'resources.json'), JSON.stringify(resourceList, null, 1) + '\n');
console.log(`generate-k8s-types: ${Object.keys(types).length} types, ${resourceList.length} resources -> schemas/k8s`);
console.log(`  plurals that differ from UnsafeGuessKindToResource (taken from the API paths): ${[...exceptions].join('; ') || 'none'}`);
