// The JSON document JMESPath queries see: request, userInfo, images, values-file variables, context entries.
import type { AdmissionContext } from '../types.ts';
import { parseImage } from '../jmespath/image.ts';
import { query } from '../jmespath/query.ts';
import { substitute } from '../jmespath/substitute.ts';
import { UnsupportedError } from '../jmespath/errors.ts';
import { isObj } from '../../k8s/objects.ts';
import { resolveApiCall, resolveGlobalReference } from './apiCall.ts';

type Obj = Record<string, unknown>;

/**
 * Builds the query document. Like `kyverno test`, an UPDATE without an old object compares the
 * resource with itself, and values-file keys under request.* overlay copies of the objects.
 */
export function buildData(resource: Obj, ctx: AdmissionContext): Obj {
  const user = ctx.userInfo ?? {};
  const overlays = Object.keys(ctx.variables ?? {}).some((k) => k.startsWith('request.object') || k.startsWith('request.oldObject'));
  const own = (o: Obj) => (overlays ? structuredClone(o) : o);
  const object = ctx.operation === 'DELETE' ? null : own(resource);
  const oldObject = ctx.operation === 'DELETE'
    ? own(ctx.oldObject ?? resource)
    : ctx.oldObject ? own(ctx.oldObject) : ctx.operation === 'UPDATE' ? structuredClone(resource) : null;
  const meta = isObj(resource.metadata) ? resource.metadata : {};
  const data: Obj = {
    request: {
      operation: ctx.operation,
      object,
      oldObject,
      namespace: meta.namespace ?? '',
      name: meta.name ?? '',
      kind: { kind: resource.kind, version: String(resource.apiVersion ?? '').split('/').pop(), group: String(resource.apiVersion ?? '').includes('/') ? String(resource.apiVersion).split('/')[0] : '' },
      userInfo: { username: user.username ?? '', uid: user.uid ?? '', groups: user.groups ?? [] },
      roles: user.roles ?? [],
      clusterRoles: user.clusterRoles ?? [],
    },
    images: imagesOf(resource),
  };
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user.username ?? '');
  data.serviceAccountName = sa ? sa[2] : '';
  data.serviceAccountNamespace = sa ? sa[1] : '';
  for (const [key, value] of Object.entries(ctx.variables ?? {})) setPath(data, key, value);
  return data;
}

/** Values-file keys are dotted paths ("request.operation"): they overlay the request. */
export function setPath(data: Obj, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur: Obj = data;
  for (const p of parts.slice(0, -1)) {
    if (!isObj(cur[p])) cur[p] = {};
    cur = cur[p] as Obj;
  }
  cur[parts[parts.length - 1]!] = value;
}

function hasPath(data: Obj, key: string): boolean {
  let cur: unknown = data;
  for (const p of key.split('.')) {
    if (!isObj(cur) || !(p in cur)) return false;
    cur = cur[p];
  }
  return true;
}

function podSpecs(resource: Obj): Obj | undefined {
  const spec = isObj(resource.spec) ? resource.spec : undefined;
  if (!spec) return undefined;
  if (resource.kind === 'Pod') return spec;
  const tpl = isObj(spec.template) && isObj(spec.template.spec) ? spec.template.spec : undefined;
  if (tpl) return tpl;
  const job = isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
  if (job && isObj(job.template) && isObj(job.template.spec)) return job.template.spec;
  return undefined;
}

/** Kyverno's `images` variable: containers by name, with registry/path/name/tag/digest. */
function imagesOf(resource: Obj): Obj {
  const spec = podSpecs(resource);
  const out: Obj = {};
  if (!spec) return out;
  for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    const byName: Obj = {};
    for (const c of list) {
      if (!isObj(c) || typeof c.image !== 'string') continue;
      const ref = parseImage(c.image);
      byName[String(c.name)] = {
        registry: ref.registry,
        path: ref.path,
        name: ref.path.split('/').pop(),
        tag: ref.tag ?? '',
        digest: ref.digest ?? '',
        reference: `${ref.registry}/${ref.path}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`,
        referenceWithTag: `${ref.registry}/${ref.path}:${ref.tag ?? ''}`,
      };
    }
    if (Object.keys(byName).length > 0) out[field] = byName;
  }
  return out;
}

/** Loads a rule's (or foreach's) context entries into data, in order. Throws UnsupportedError / Error. */
export function loadContext(entries: unknown, data: Obj, ctx: AdmissionContext): void {
  if (!Array.isArray(entries)) return;
  for (const entry of entries) {
    if (!isObj(entry) || typeof entry.name !== 'string') continue;
    const name = entry.name;
    // `kyverno test` puts the values file's answers in first and then loads every entry it can;
    // a variable entry it always can, so it overwrites what the values gave.
    if (isObj(entry.variable)) {
      setPath(data, name, variableEntry(entry.variable, data));
      continue;
    }
    // With clusterResources listed `kyverno test` loads configMap and apiCall entries too, over the values' answers.
    const loaded = ctx.suite?.legacyLookups === true && (isObj(entry.configMap) || isObj(entry.apiCall));
    const perElement = ctx.foreachValues?.[name];
    if (!loaded && perElement && typeof data.elementIndex === 'number') {
      setPath(data, name, perElement[data.elementIndex] ?? null);
      continue;
    }
    // Other entries `kyverno test` loads only with a cluster or a registry: here the values file's answer stays.
    if (!loaded && (Object.prototype.hasOwnProperty.call(ctx.variables ?? {}, name) || hasPathPrefix(ctx.variables ?? {}, name))) {
      continue;
    }
    if (isObj(entry.configMap)) {
      const cm = substitute(entry.configMap, data) as Obj;
      const found = findResource(ctx, 'ConfigMap', String(cm.name ?? ''), String(cm.namespace ?? ''));
      const where = `ConfigMap ${String(cm.namespace)}/${String(cm.name)}`;
      // In the suite's whole cluster a missing ConfigMap is not found, and the entry fails as Kyverno's loader does.
      if (!found && loaded) throw new Error(`context entry ${name}: failed to get ${where}: not found`);
      if (!found) throw new UnsupportedError(`context entry ${name}: ${where} is not among the supplied resources`);
      setPath(data, name, found);
    } else if (isObj(entry.apiCall)) {
      setPath(data, name, resolveApiCall(name, substitute(entry.apiCall, data) as Obj, data, ctx));
    } else if (isObj(entry.globalReference)) {
      setPath(data, name, resolveGlobalReference(name, substitute(entry.globalReference, data) as Obj, data, ctx));
    } else if (isObj(entry.imageRegistry)) {
      throw new UnsupportedError(`context entry ${name}: an imageRegistry lookup needs a registry`);
    } else {
      throw new UnsupportedError(`context entry ${name}: unsupported entry type`);
    }
  }
}

function hasPathPrefix(vars: Obj, name: string): boolean {
  return Object.keys(vars).some((k) => k.startsWith(`${name}.`));
}

function variableEntry(v: Obj, data: Obj): unknown {
  const def = v.default === undefined ? undefined : substitute(v.default, data);
  let result: unknown;
  try {
    if (v.value !== undefined) {
      result = substitute(v.value, data);
      if (typeof v.jmesPath === 'string' && v.jmesPath !== '') result = query(substitute(v.jmesPath, data) as string, result);
    } else if (typeof v.jmesPath === 'string') {
      result = query(substitute(v.jmesPath, data) as string, data);
    }
  } catch (e) {
    if (e instanceof UnsupportedError || def === undefined) throw e;
    return def;
  }
  if ((result === null || result === undefined) && def !== undefined) return def;
  return result ?? null;
}

function findResource(ctx: AdmissionContext, kind: string, name: string, namespace: string): Obj | undefined {
  return (ctx.clusterResources ?? []).find((r) => {
    const m = isObj(r.metadata) ? r.metadata : {};
    return r.kind === kind && m.name === name && (m.namespace ?? '') === namespace;
  }) as Obj | undefined;
}
