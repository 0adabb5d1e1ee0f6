// One CEL environment for every policy kind: Kubernetes admission variables plus the Kyverno
// libraries, with parsed expressions cached by source text.
import { Environment } from '@marcbachmann/cel-js';
import { RE2JS } from 're2js';
import { rewriteTypedLiterals } from './structs.ts';
import { CelUnknown, GeneratorLib, GlobalContextLib, HttpLib, ImageDataLib, ResourceLib, parseImage, type ImageRef } from './libs.ts';
import { fromCel, isRecord, toCel } from './values.ts';

export type CelOutcome = { ok: true; value: unknown } | { ok: false; error: string } | { ok: false; unknown: string };

class ImageValue {
  constructor(readonly ref: ImageRef) {}
}

function buildEnvironment(): Environment {
  const env = new Environment({ unlistedVariablesAreDyn: true, enableOptionalTypes: true, homogeneousAggregateLiterals: false });
  env.registerType('kyverno.Resource', { ctor: ResourceLib, fields: {} });
  env.registerType('kyverno.Http', { ctor: HttpLib, fields: {} });
  env.registerType('kyverno.ImageData', { ctor: ImageDataLib, fields: {} });
  env.registerType('kyverno.GlobalContext', { ctor: GlobalContextLib, fields: {} });
  env.registerType('kyverno.Generator', { ctor: GeneratorLib, fields: {} });
  env.registerType('kyverno.Image', { ctor: ImageValue, fields: {} });
  env.registerType('kyverno.JsonPatch', { ctor: JsonPatchLib, fields: {} });
  env.registerVariable('resource', 'kyverno.Resource');
  env.registerVariable('http', 'kyverno.Http');
  env.registerVariable('image', 'kyverno.ImageData');
  env.registerVariable('imagedata', 'kyverno.ImageData');
  env.registerVariable('globalContext', 'kyverno.GlobalContext');
  env.registerVariable('generator', 'kyverno.Generator');
  env.registerVariable('jsonpatch', 'kyverno.JsonPatch');

  env.registerFunction('kyverno.Resource.Get(string, string, string, string): map<string, dyn>', (lib: ResourceLib, apiVersion: string, plural: string, ns: string, name: string) => {
    const found = lib.find(apiVersion, plural, ns, name)[0];
    if (!found) throw new CelUnknown(`resource.Get(${apiVersion}, ${plural}, ${ns}, ${name}) is not in the test data`);
    return toCel(found);
  });
  env.registerFunction('kyverno.Resource.List(string, string, string): map<string, dyn>', (lib: ResourceLib, apiVersion: string, plural: string, ns: string) => {
    const items = lib.find(apiVersion, plural, ns);
    if (items.length === 0) throw new CelUnknown(`resource.List(${apiVersion}, ${plural}, ${ns}) has no test data`);
    return { items: toCel(items) };
  });
  env.registerFunction('kyverno.Resource.Post(string, string, map<string, dyn>): map<string, dyn>', () => {
    throw new CelUnknown('resource.Post needs a live cluster');
  });
  for (const sig of ['Get(string)', 'Get(string, map<string, dyn>)', 'Post(string, dyn)', 'Post(string, dyn, map<string, dyn>)']) {
    env.registerFunction(`kyverno.Http.${sig}: dyn`, () => { throw new CelUnknown('http calls are never made'); });
  }
  env.registerFunction('kyverno.ImageData.GetMetadata(string): map<string, dyn>', () => { throw new CelUnknown('image metadata needs a registry'); });
  env.registerFunction('kyverno.ImageData.Get(string): map<string, dyn>', () => { throw new CelUnknown('image metadata needs a registry'); });
  env.registerFunction('kyverno.GlobalContext.Get(string, string): dyn', (lib: GlobalContextLib, name: string, projection: string) => {
    const entry = lib.entries[name];
    if (entry === undefined) throw new CelUnknown(`globalContext entry ${name} is not in the test data`);
    if (projection === '') return toCel(entry);
    if (isRecord(entry) && projection in entry) return toCel(entry[projection]);
    throw new CelUnknown(`globalContext projection ${name}.${projection} is not in the test data`);
  });
  env.registerFunction('kyverno.Generator.Apply(string, list<dyn>): bool', (lib: GeneratorLib, namespace: string, objects: unknown[]) => {
    for (const o of objects) {
      const obj = fromCel(o);
      if (!isRecord(obj)) continue;
      const meta = isRecord(obj.metadata) ? { ...obj.metadata } : {};
      if (namespace !== '') meta.namespace = namespace;
      lib.applied.push({ ...obj, metadata: meta });
    }
    return true;
  });
  env.registerFunction('kyverno.JsonPatch.escapeKey(string): string', (_lib: JsonPatchLib, key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1'));

  const img = (s: string) => {
    const ref = parseImage(s);
    if (!ref) throw new Error(`invalid image reference: ${s}`);
    return new ImageValue(ref);
  };
  env.registerFunction('image(string): kyverno.Image', img);
  env.registerFunction('parseImageReference(string): kyverno.Image', img);
  env.registerFunction('isImage(string): bool', (s: string) => parseImage(s) !== undefined);
  env.registerFunction('kyverno.Image.registry(): string', (i: ImageValue) => i.ref.registry);
  env.registerFunction('kyverno.Image.repository(): string', (i: ImageValue) => i.ref.repository);
  env.registerFunction('kyverno.Image.tag(): string', (i: ImageValue) => i.ref.tag);
  env.registerFunction('kyverno.Image.digest(): string', (i: ImageValue) => i.ref.digest);
  env.registerFunction('kyverno.Image.identifier(): string', (i: ImageValue) => i.ref.digest ? `@${i.ref.digest}` : `:${i.ref.tag}`);
  env.registerFunction('kyverno.Image.containsDigest(): bool', (i: ImageValue) => i.ref.digest !== '');

  // Kubernetes list library.
  env.registerFunction('list.indexOf(dyn): int', (l: unknown[], x: unknown) => BigInt(l.findIndex((e) => celEquals(e, x))));
  env.registerFunction('list.lastIndexOf(dyn): int', (l: unknown[], x: unknown) => BigInt(l.findLastIndex((e) => celEquals(e, x))));
  env.registerFunction('list.sum(): dyn', (l: unknown[]) => l.reduce((a: any, b: any) => a + b, typeof l[0] === 'number' ? 0 : 0n));
  env.registerFunction('list.min(): dyn', (l: unknown[]) => { if (!l.length) throw new Error('min of empty list'); return l.reduce((a: any, b: any) => (b < a ? b : a)); });
  env.registerFunction('list.max(): dyn', (l: unknown[]) => { if (!l.length) throw new Error('max of empty list'); return l.reduce((a: any, b: any) => (b > a ? b : a)); });
  env.registerFunction('list.isSorted(): bool', (l: unknown[]) => l.every((v: any, i) => i === 0 || (l[i - 1] as any) <= v));
  // Kubernetes regex library, RE2 as the API server uses.
  env.registerFunction('string.find(string): string', (s: string, re: string) => {
    const m = RE2JS.compile(re).matcher(s);
    return m.find() ? m.group(0) ?? '' : '';
  });
  env.registerFunction('string.findAll(string): list<string>', (s: string, re: string) => {
    const m = RE2JS.compile(re).matcher(s);
    const out: string[] = [];
    while (m.find()) out.push(m.group(0) ?? '');
    return out;
  });
  return env;
}

class JsonPatchLib {}

function celEquals(a: unknown, b: unknown): boolean {
  return JSON.stringify(fromCel(a)) === JSON.stringify(fromCel(b));
}

let shared: Environment | undefined;
const compiled = new Map<string, ((ctx: Record<string, unknown>) => unknown) | { error: string }>();

function compile(expression: string): ((ctx: Record<string, unknown>) => unknown) | { error: string } {
  let fn = compiled.get(expression);
  if (fn) return fn;
  shared ??= buildEnvironment();
  try {
    const parsed = shared.parse(rewriteTypedLiterals(expression));
    fn = (ctx) => parsed(ctx);
  } catch (e) {
    fn = { error: `CEL parse error: ${firstLine(e)}` };
  }
  compiled.set(expression, fn);
  return fn;
}

export interface CelLibraries {
  resources?: Record<string, unknown>[];
  globalContext?: Record<string, unknown>;
  generator?: GeneratorLib;
}

/** Builds the library part of an activation (the policy-independent helpers). */
export function libraryActivation(libs: CelLibraries): Record<string, unknown> {
  return {
    resource: new ResourceLib(libs.resources ?? []),
    http: new HttpLib(),
    image: new ImageDataLib(),
    imagedata: new ImageDataLib(),
    globalContext: new GlobalContextLib(libs.globalContext ?? {}),
    generator: libs.generator ?? new GeneratorLib(),
    jsonpatch: new JsonPatchLib(),
  };
}

/** Evaluates one expression; never throws. Values come back as CEL values (bigint ints, Maps for optionals unwrapped by caller). */
export function runCel(expression: string, activation: Record<string, unknown>): CelOutcome {
  const fn = compile(expression);
  if (typeof fn !== 'function') return { ok: false, error: fn.error };
  try {
    const value = fn(activation);
    if (value instanceof Promise) return { ok: false, unknown: 'asynchronous CEL function' };
    return { ok: true, value };
  } catch (e) {
    const unknown = findUnknown(e);
    if (unknown) return { ok: false, unknown: unknown.reason };
    return { ok: false, error: firstLine(e) };
  }
}

function findUnknown(e: unknown): CelUnknown | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    if (cur instanceof CelUnknown) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}
