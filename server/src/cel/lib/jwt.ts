// The jwt library of ValidatingPolicies in HTTP and Envoy mode (kyverno-authz, which `kyverno test`
// runs them with). jwt.Decode(token, key) imports the key's bytes as a symmetric key, so only an
// HMAC-signed token can verify: its signature is checked here, offline, and a token that does not
// verify is an error, as the library's parse fails. `Valid` is the registered-claims check (exp,
// nbf, iat against the clock); it is unknown when the clock is. Decoding with a key set needs
// jwks.Fetch, i.e. the network: not modelled, so such a call has no overload here.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Environment } from '@marcbachmann/cel-js';
import { UnknownValue, type Session } from '../session.ts';
import { toCel } from './celValues.ts';
import { namespace } from './io.ts';

export class JwtToken {
  constructor(readonly Valid: boolean, readonly Claims: unknown) {}
}

const HMAC: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function segment(text: string | undefined, what: string): Buffer {
  if (text === undefined || !/^[A-Za-z0-9_-]*$/.test(text)) throw new Error(`invalid JWT: bad ${what}`);
  return Buffer.from(text, 'base64url');
}

function json(buf: Buffer, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8'));
  } catch {
    throw new Error(`invalid JWT: ${what} is not JSON`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`invalid JWT: ${what} is not an object`);
  return v as Record<string, unknown>;
}

/** Exported for tests: the decision jwt.Decode(token, key) makes at `now` (RFC 3339, or unknown). */
export function decodeJwt(token: string, key: string, now: string | undefined): JwtToken {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('invalid JWT: expected three segments');
  const header = json(segment(parts[0], 'header'), 'header');
  const payload = json(segment(parts[1], 'payload'), 'payload');
  const signature = segment(parts[2], 'signature');
  const hash = HMAC[String(header.alg ?? '')];
  if (!hash) throw new Error(`could not verify message: a symmetric key cannot verify alg ${String(header.alg)}`);
  const expected = createHmac(hash, Buffer.from(key, 'utf8')).update(`${parts[0]}.${parts[1]}`).digest();
  if (expected.length !== signature.length || !timingSafeEqual(expected, signature)) throw new Error('could not verify message using any of the signatures or keys');
  const times = (['exp', 'nbf', 'iat'] as const).filter((c) => typeof payload[c] === 'number');
  let valid = true;
  if (times.length > 0) {
    if (!now) throw new UnknownValue('jwt.Decode(...).Valid: the token has time claims and the clock is not known');
    const t = Math.floor(Date.parse(now) / 1000);
    const at = (c: string) => Math.floor(payload[c] as number);
    if (typeof payload.exp === 'number' && t >= at('exp')) valid = false;
    if (typeof payload.nbf === 'number' && t < at('nbf')) valid = false;
    if (typeof payload.iat === 'number' && t < at('iat')) valid = false;
  }
  return new JwtToken(valid, toCelDoubles(payload));
}

/** Claims are a protobuf Struct: every number stays a double (toCel would make integral ones ints). */
function toCelDoubles(v: unknown): unknown {
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map(toCelDoubles);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toCelDoubles(x)]));
  return toCel(v);
}

export function registerJwt(env: Environment, session: Session): void {
  namespace(env, 'JwtNamespace', 'jwt');
  env
    .registerType('JwtToken', { ctor: JwtToken, fields: { Valid: 'bool', Claims: 'map<string, dyn>' } })
    .registerFunction('JwtNamespace.Decode(string, string): JwtToken', (_: unknown, token: string, key: string) => decodeJwt(token, key, session.io.now));
}
