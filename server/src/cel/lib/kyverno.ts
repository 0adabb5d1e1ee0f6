// Kyverno's CEL libraries. Pure ones (image, json, yaml, x509, hashes, math, base64, transform, time
// arithmetic) are implemented; anything that would touch the cluster, a registry or the network
// answers only from the session's modelled data, otherwise the evaluation is "unknown".
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Environment } from '@marcbachmann/cel-js';
import { parse as parseYaml } from 'yaml';
import { ImageRef } from './image.ts';
import type { Session } from '../session.ts';
import { toCel } from './celValues.ts';
import { namespace, registerIo } from './io.ts';
import { decodeX509 } from './x509.ts';
import { registerAuthz } from './authz.ts';
import { registerJwt } from './jwt.ts';

export { toCel };

const fail = (message: string): never => { throw new Error(message); };

/** A decompression bomb stops here: far beyond any text a policy reads. */
const GZIP_MAX_OUTPUT = 16 * 1024 * 1024;

function registerPure(env: Environment): void {
  const img = (s: string): ImageRef => ImageRef.parse(s) ?? fail(`invalid image reference: ${s}`);
  env
    .registerType('Image', ImageRef)
    .registerFunction('image(string): Image', img)
    .registerFunction('isImage(string): bool', (s: string) => ImageRef.parse(s) !== undefined)
    .registerFunction('parseImageReference(string): Image', img)
    .registerFunction('Image.registry(): string', (i: ImageRef) => i.registry)
    .registerFunction('Image.repository(): string', (i: ImageRef) => i.repository)
    .registerFunction('Image.identifier(): string', (i: ImageRef) => i.identifier())
    .registerFunction('Image.tag(): string', (i: ImageRef) => i.tag)
    .registerFunction('Image.digest(): string', (i: ImageRef) => i.digest)
    .registerFunction('Image.containsDigest(): bool', (i: ImageRef) => i.digest !== '')
    .registerFunction('string(Image): string', (i: ImageRef) => i.text);

  namespace(env, 'JsonNamespace', 'json');
  env
    // Declared over dyn, as Kyverno does: a string or bytes holding JSON.
    .registerFunction('JsonNamespace.unmarshal(dyn): dyn', (_: unknown, s: unknown) => {
      if (typeof s === 'string') return toCel(JSON.parse(s));
      if (s instanceof Uint8Array) return toCel(JSON.parse(Buffer.from(s).toString('utf8')));
      return fail('json.unmarshal: expected a string or bytes');
    })
    .registerFunction('JsonNamespace.marshal(dyn): string', (_: unknown, v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)));
  namespace(env, 'GzipNamespace', 'gzip');
  env
    .registerFunction('GzipNamespace.decompress(bytes): string', (_: unknown, b: Uint8Array) => {
      try {
        return gunzipSync(b, { maxOutputLength: GZIP_MAX_OUTPUT }).toString('utf8');
      } catch (e) {
        return fail(`gzip: ${(e as Error).message}`);
      }
    })
    .registerFunction('GzipNamespace.compress(dyn): bytes', (_: unknown, v: unknown) =>
      typeof v === 'string' ? new Uint8Array(gzipSync(v)) : fail('gzip.compress: expected a string'));
  namespace(env, 'YamlNamespace', 'yaml');
  env.registerFunction('YamlNamespace.parse(string): dyn', (_: unknown, s: string) => toCel(parseYaml(s, { maxAliasCount: 100, logLevel: 'error' })));
  namespace(env, 'JsonPatchNamespace', 'jsonpatch');
  env.registerFunction('JsonPatchNamespace.escapeKey(string): string', (_: unknown, s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1'));

  namespace(env, 'X509Namespace', 'x509');
  env.registerFunction('X509Namespace.decode(string): dyn', (_: unknown, pem: string) => decodeX509(pem));

  namespace(env, 'Base64Namespace', 'base64');
  env
    .registerFunction('Base64Namespace.encode(bytes): string', (_: unknown, b: Uint8Array) => Buffer.from(b).toString('base64'))
    .registerFunction('Base64Namespace.encode(string): string', (_: unknown, s: string) => Buffer.from(s).toString('base64'))
    .registerFunction('Base64Namespace.decode(string): bytes', (_: unknown, s: string) => new Uint8Array(Buffer.from(s, 'base64')));

  for (const algo of ['md5', 'sha1', 'sha256'] as const) {
    env.registerFunction(`${algo}(string): string`, (s: string) => createHash(algo).update(s).digest('hex'));
  }

  namespace(env, 'MathNamespace', 'math');
  const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));
  const pick = (l: unknown[], dir: number): unknown => (l.length ? l.reduce((a, b) => (Math.sign(num(b) - num(a)) === dir ? b : a)) : fail('math: empty list'));
  env
    .registerFunction('MathNamespace.round(double, int): double', (_: unknown, v: number, d: bigint) => {
      const f = 10 ** Number(d);
      return Math.round(v * f) / f;
    })
    .registerFunction('MathNamespace.round(double): double', (_: unknown, v: number) => Math.round(v))
    .registerFunction('MathNamespace.ceil(double): double', (_: unknown, v: number) => Math.ceil(v))
    .registerFunction('MathNamespace.floor(double): double', (_: unknown, v: number) => Math.floor(v))
    .registerFunction('MathNamespace.abs(dyn): dyn', (_: unknown, v: any) => (v < 0 ? -v : v))
    .registerFunction('MathNamespace.greatest(list<dyn>): dyn', (_: unknown, l: unknown[]) => pick(l, 1))
    .registerFunction('MathNamespace.least(list<dyn>): dyn', (_: unknown, l: unknown[]) => pick(l, -1))
    .registerFunction('MathNamespace.greatest(dyn, dyn): dyn', (_: unknown, a: unknown, b: unknown) => pick([a, b], 1))
    .registerFunction('MathNamespace.least(dyn, dyn): dyn', (_: unknown, a: unknown, b: unknown) => pick([a, b], -1));

  env
    .registerFunction('parseServiceAccount(string): dyn', (s: string) => {
      // As Kyverno splits it: the namespace ends at the first ':' after the prefix.
      const rest = s.startsWith('system:serviceaccount:') ? s.slice('system:serviceaccount:'.length) : '';
      const sep = rest.indexOf(':');
      return sep < 0 ? { Namespace: '', Name: '' } : { Namespace: rest.slice(0, sep), Name: rest.slice(sep + 1) };
    })
    .registerFunction('listObjToMap(list<dyn>, list<dyn>, string, string): map<dyn, dyn>', (keys: unknown[], values: unknown[], k: string, v: string) => {
      const out: Record<string, unknown> = {};
      keys.forEach((obj, i) => {
        const key = (obj as Record<string, unknown>)?.[k];
        if (typeof key === 'string') out[key] = (values[i] as Record<string, unknown> | undefined)?.[v];
      });
      return out;
    });
}

/** Registers Kyverno's libraries; modelled I/O reads the session. */
export function registerKyvernoLibraries(env: Environment, session: Session): void {
  registerIo(env, session);
  registerPure(env);
  registerAuthz(env);
  registerJwt(env, session);
}
