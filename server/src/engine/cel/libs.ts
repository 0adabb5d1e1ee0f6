// The Kyverno CEL libraries an admission evaluation can reach. Anything that would talk to a
// cluster, a registry or the network is answered from the test data handed in, or is unknown.
import { isRecord } from './values.ts';

export class CelUnknown extends Error {
  constructor(readonly reason: string) { super(reason); }
}

/** `resource.Get/List/Post`: served from the resources the caller supplied. */
export class ResourceLib {
  constructor(readonly resources: Record<string, unknown>[]) {}

  find(apiVersion: string, plural: string, namespace: string, name?: string): Record<string, unknown>[] {
    return this.resources.filter((r) => {
      const meta = isRecord(r.metadata) ? r.metadata : {};
      if (r.apiVersion !== apiVersion) return false;
      if (!pluralMatches(plural, String(r.kind ?? ''))) return false;
      if (namespace !== '' && (meta.namespace ?? '') !== namespace && String(r.kind) !== 'Namespace') return false;
      if (name !== undefined && meta.name !== name) return false;
      return true;
    });
  }
}

// The discovery table maps plural -> kind precisely; this fallback lower-cases and strips the
// regular English plural, which is right for every core kind a lookup in a test names.
function pluralMatches(plural: string, kind: string): boolean {
  const k = kind.toLowerCase();
  const p = plural.toLowerCase();
  return p === k || p === `${k}s` || p === `${k}es` || (k.endsWith('y') && p === `${k.slice(0, -1)}ies`);
}

export class HttpLib {}
export class ImageDataLib {}
export class GlobalContextLib {
  constructor(readonly entries: Record<string, unknown>) {}
}

/** `generator.Apply(namespace, [objects])`: records what would be created. */
export class GeneratorLib {
  readonly applied: Record<string, unknown>[] = [];
}

export interface ImageRef {
  registry: string;
  repository: string;
  tag: string;
  digest: string;
  original: string;
}

/** Splits an image reference the way the distribution reference grammar does (docker.io defaults). */
export function parseImage(ref: string): ImageRef | undefined {
  if (!ref || /\s/.test(ref) || ref !== ref.trim()) return undefined;
  let rest = ref;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) { digest = rest.slice(at + 1); rest = rest.slice(0, at); if (!/^[a-z0-9]+:[a-fA-F0-9]+$/.test(digest)) return undefined; }
  let tag = '';
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) { tag = rest.slice(colon + 1); rest = rest.slice(0, colon); if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined; }
  let registry = 'docker.io';
  let repository = rest;
  const first = rest.split('/')[0]!;
  if (rest.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    repository = rest.slice(first.length + 1);
  } else if (!rest.includes('/')) {
    repository = `library/${rest}`;
  }
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)) return undefined;
  if (!tag && !digest) tag = 'latest';
  return { registry, repository, tag, digest, original: ref };
}
