// The Kubernetes CEL libraries (lists, sets, regex, url, quantity, ip, cidr, format, semver,
// authz) and the cel-go string extensions Kubernetes enables, on top of what cel-js ships.
import { Optional, type Environment } from '@marcbachmann/cel-js';
import equal from 'fast-deep-equal';
import { Quantity } from './quantity.ts';
import { IPAddress, CIDRBlock } from './net.ts';
import { re2Find, re2FindAll, re2Test } from './regex.ts';
import { UnknownValue, type AuthorizationRequest, type Session } from '../session.ts';
import { registerOptionalExtras } from './optional.ts';

const fail = (message: string): never => { throw new Error(message); };
const toNum = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  return fail('no such overload: values are not comparable');
}

function registerLists(env: Environment): void {
  env
    .registerFunction('list<dyn>.isSorted(): bool', (l: unknown[]) => l.every((v, i) => i === 0 || compare(l[i - 1], v) <= 0))
    .registerFunction('list<dyn>.sum(): dyn', (l: unknown[]) => {
      if (l.length === 0) return 0n;
      return l.reduce((acc: any, v: any) => (typeof acc === typeof v ? acc + v : fail('sum: mixed element types')));
    })
    .registerFunction('list<dyn>.min(): dyn', (l: unknown[]) => (l.length ? l.reduce((a, b) => (compare(b, a) < 0 ? b : a)) : fail('min called on empty list')))
    .registerFunction('list<dyn>.max(): dyn', (l: unknown[]) => (l.length ? l.reduce((a, b) => (compare(b, a) > 0 ? b : a)) : fail('max called on empty list')))
    .registerFunction('list<dyn>.indexOf(dyn): int', (l: unknown[], x: unknown) => BigInt(l.findIndex((v) => equal(v, x))))
    .registerFunction('list<dyn>.lastIndexOf(dyn): int', (l: unknown[], x: unknown) => {
      for (let i = l.length - 1; i >= 0; i--) if (equal(l[i], x)) return BigInt(i);
      return -1n;
    })
    .registerFunction('list<dyn>.slice(int, int): list<dyn>', (l: unknown[], a: bigint, b: bigint) => {
      if (a < 0n || b > BigInt(l.length) || a > b) fail('slice: index out of range');
      return l.slice(Number(a), Number(b));
    })
    .registerFunction('list<dyn>.flatten(): list<dyn>', (l: unknown[]) => l.flatMap((v) => (Array.isArray(v) ? v : [v])))
    .registerFunction('list<dyn>.flatten(int): list<dyn>', (l: unknown[], d: bigint) => (l as any[]).flat(Number(d)))
    .registerFunction('list<dyn>.distinct(): list<dyn>', (l: unknown[]) => l.filter((v, i) => l.findIndex((w) => equal(v, w)) === i))
    .registerFunction('list<dyn>.reverse(): list<dyn>', (l: unknown[]) => [...l].reverse())
    .registerFunction('list<dyn>.sort(): list<dyn>', (l: unknown[]) => [...l].sort(compare));
  class ListsNamespace {}
  env
    .registerType('ListsNamespace', ListsNamespace)
    .registerConstant('lists', 'ListsNamespace', new ListsNamespace())
    .registerFunction('ListsNamespace.range(int): list<int>', (_: unknown, n: bigint) => {
      if (n > 100_000n) fail('lists.range: too large');
      return Array.from({ length: Math.max(0, Number(n)) }, (_x, i) => BigInt(i));
    });
}

/** Conversions cel-go has and cel-js lacks: string(timestamp), string(duration), int(timestamp). */
function registerTimeConversions(env: Environment): void {
  env
    .registerFunction('string(google.protobuf.Timestamp): string', (t: Date) => t.toISOString().replace('.000Z', 'Z'))
    .registerFunction('string(google.protobuf.Duration): string', (d: { seconds: number | bigint; nanos: number }) => `${Number(d.seconds) + d.nanos / 1e9}s`)
    .registerFunction('int(google.protobuf.Timestamp): int', (t: Date) => BigInt(Math.floor(t.getTime() / 1000)));
}

function registerSets(env: Environment): void {
  class SetsNamespace {}
  const has = (l: unknown[], x: unknown): boolean => l.some((v) => equal(v, x));
  env
    .registerType('SetsNamespace', SetsNamespace)
    .registerConstant('sets', 'SetsNamespace', new SetsNamespace())
    .registerFunction('SetsNamespace.contains(list<dyn>, list<dyn>): bool', (_: unknown, a: unknown[], b: unknown[]) => b.every((x) => has(a, x)))
    .registerFunction('SetsNamespace.equivalent(list<dyn>, list<dyn>): bool', (_: unknown, a: unknown[], b: unknown[]) => b.every((x) => has(a, x)) && a.every((x) => has(b, x)))
    .registerFunction('SetsNamespace.intersects(list<dyn>, list<dyn>): bool', (_: unknown, a: unknown[], b: unknown[]) => b.some((x) => has(a, x)));
}

function registerStrings(env: Environment): void {
  class StringsNamespace {}
  const replace = (s: string, from: string, to: string, n: bigint): string => {
    if (n < 0n) return s.split(from).join(to);
    let out = s;
    let at = 0;
    for (let i = 0n; i < n; i++) {
      const k = out.indexOf(from, at);
      if (k < 0) break;
      out = out.slice(0, k) + to + out.slice(k + from.length);
      at = k + to.length + (from === '' ? 1 : 0);
    }
    return out;
  };
  env
    .registerFunction('matches(string, string): bool', (s: string, p: string) => re2Test(s, p))
    .registerFunction('string.find(string): string', (s: string, p: string) => re2Find(s, p))
    .registerFunction('string.findAll(string): list<string>', (s: string, p: string) => re2FindAll(s, p))
    .registerFunction('string.findAll(string, int): list<string>', (s: string, p: string, n: bigint) => re2FindAll(s, p, Number(n)))
    .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => replace(s, a, b, -1n))
    .registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => replace(s, a, b, n))
    .registerFunction('string.charAt(int): string', (s: string, i: bigint) => (i < 0n || i > BigInt(s.length) ? fail('charAt: index out of range') : s.charAt(Number(i))))
    .registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''))
    .registerFunction('string.format(list<dyn>): string', (s: string, args: unknown[]) => formatString(s, args))
    .registerType('StringsNamespace', StringsNamespace)
    .registerConstant('strings', 'StringsNamespace', new StringsNamespace())
    .registerFunction('StringsNamespace.quote(string): string', (_: unknown, s: string) => JSON.stringify(s));
}

/** cel-go's string.format: %s %d %f %e %x %X %o %b %%, with an optional precision. */
function formatString(fmt: string, args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%(\.[0-9]+)?([sdfexXob%])/g, (_m, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (i >= args.length) fail('format: too few arguments');
    const v = args[i++];
    const digits = precision ? Number(precision.slice(1)) : 6;
    switch (verb) {
      case 's': return celToString(v);
      case 'd': return String(v);
      case 'f': return toNum(v).toFixed(digits);
      case 'e': return toNum(v).toExponential(digits);
      case 'x': return typeof v === 'string' ? Buffer.from(v).toString('hex') : toNum(v).toString(16);
      case 'X': return (typeof v === 'string' ? Buffer.from(v).toString('hex') : toNum(v).toString(16)).toUpperCase();
      case 'o': return toNum(v).toString(8);
      default: return toNum(v).toString(2);
    }
  });
}

function celToString(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(celToString).join(', ')}]`;
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === 'object' && !(v instanceof Map) && Object.getPrototypeOf(v) === Object.prototype) {
    return `{${Object.entries(v).map(([k, x]) => `${k}: ${celToString(x)}`).join(', ')}}`;
  }
  return String(v);
}

function registerQuantity(env: Environment): void {
  const q = (s: string): Quantity => Quantity.parse(s) ?? fail(`quantities must match the regular expression: ${s}`);
  env
    .registerType('Quantity', Quantity)
    .registerFunction('quantity(string): Quantity', q)
    .registerFunction('isQuantity(string): bool', (s: string) => Quantity.parse(s) !== undefined)
    .registerFunction('Quantity.compareTo(Quantity): int', (a: Quantity, b: Quantity) => BigInt(a.compareTo(b)))
    .registerFunction('Quantity.isGreaterThan(Quantity): bool', (a: Quantity, b: Quantity) => a.compareTo(b) > 0)
    .registerFunction('Quantity.isLessThan(Quantity): bool', (a: Quantity, b: Quantity) => a.compareTo(b) < 0)
    .registerFunction('Quantity.add(Quantity): Quantity', (a: Quantity, b: Quantity) => a.add(b))
    .registerFunction('Quantity.add(int): Quantity', (a: Quantity, b: bigint) => a.add(new Quantity(b, 1n, '')))
    .registerFunction('Quantity.sub(Quantity): Quantity', (a: Quantity, b: Quantity) => a.sub(b))
    .registerFunction('Quantity.sub(int): Quantity', (a: Quantity, b: bigint) => a.sub(new Quantity(b, 1n, '')))
    .registerFunction('Quantity.isInteger(): bool', (a: Quantity) => a.isInteger())
    .registerFunction('Quantity.asInteger(): int', (a: Quantity) => (a.isInteger() ? a.num : fail('cannot convert value to integer')))
    .registerFunction('Quantity.asApproximateFloat(): double', (a: Quantity) => a.asApproximateFloat())
    .registerFunction('Quantity.sign(): int', (a: Quantity) => BigInt(a.sign()))
    .registerFunction('string(Quantity): string', (a: Quantity) => a.toString());
}

class KUrl {
  constructor(readonly url: URL) {}
}

function registerUrl(env: Environment): void {
  const parse = (s: string): URL | undefined => {
    try {
      return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s) || s.startsWith('/') ? new URL(s, 'http://relative.invalid') : undefined;
    } catch {
      return undefined;
    }
  };
  const isRelative = (u: KUrl): boolean => u.url.host === 'relative.invalid';
  env
    .registerType('URL', KUrl)
    .registerFunction('url(string): URL', (s: string) => new KUrl(parse(s) ?? fail(`URL parse error: ${s}`)))
    .registerFunction('isURL(string): bool', (s: string) => parse(s) !== undefined)
    .registerFunction('URL.getScheme(): string', (u: KUrl) => (isRelative(u) ? '' : u.url.protocol.replace(/:$/, '')))
    .registerFunction('URL.getHost(): string', (u: KUrl) => (isRelative(u) ? '' : u.url.host))
    .registerFunction('URL.getHostname(): string', (u: KUrl) => (isRelative(u) ? '' : u.url.hostname.replace(/^\[|\]$/g, '')))
    .registerFunction('URL.getPort(): string', (u: KUrl) => (isRelative(u) ? '' : u.url.port))
    .registerFunction('URL.getEscapedPath(): string', (u: KUrl) => u.url.pathname)
    .registerFunction('URL.getQuery(): map<string, list<string>>', (u: KUrl) => {
      const out: Record<string, string[]> = {};
      for (const [k, v] of u.url.searchParams) (out[k] ??= []).push(v);
      return out;
    });
}

function registerNet(env: Environment): void {
  const ip = (s: string): IPAddress => IPAddress.parse(s) ?? fail(`IP Address '${s}' parse error`);
  const cidr = (s: string): CIDRBlock => CIDRBlock.parse(s) ?? fail(`network address parse error during conversion from string: ${s}`);
  const v4 = (a: IPAddress): boolean => a.family === 4;
  env
    .registerType('IP', IPAddress)
    .registerType('CIDR', CIDRBlock)
    .registerFunction('ip(string): IP', ip)
    .registerFunction('isIP(string): bool', (s: string) => IPAddress.parse(s) !== undefined)
    .registerFunction('string(IP): string', (a: IPAddress) => a.toString())
    .registerFunction('IP.family(): int', (a: IPAddress) => BigInt(a.family))
    .registerFunction('IP.isUnspecified(): bool', (a: IPAddress) => a.value === 0n)
    .registerFunction('IP.isLoopback(): bool', (a: IPAddress) => (v4(a) ? a.value >> 24n === 127n : a.value === 1n))
    .registerFunction('IP.isLinkLocalMulticast(): bool', (a: IPAddress) => (v4(a) ? a.value >> 8n === 0xe00000n : a.value >> 112n === 0xff02n))
    .registerFunction('IP.isLinkLocalUnicast(): bool', (a: IPAddress) => (v4(a) ? a.value >> 16n === 0xa9fen : a.value >> 118n === 0x3fan))
    .registerFunction('IP.isGlobalUnicast(): bool', (a: IPAddress) => (v4(a)
      ? a.value !== 0n && a.value !== 0xffffffffn && a.value >> 24n !== 127n && a.value >> 28n !== 0xen && a.value >> 16n !== 0xa9fen
      : a.value !== 0n && a.value !== 1n && a.value >> 120n !== 0xffn && a.value >> 118n !== 0x3fan))
    .registerFunction('cidr(string): CIDR', cidr)
    .registerFunction('isCIDR(string): bool', (s: string) => CIDRBlock.parse(s) !== undefined)
    .registerFunction('string(CIDR): string', (c: CIDRBlock) => c.toString())
    .registerFunction('CIDR.containsIP(IP): bool', (c: CIDRBlock, a: IPAddress) => c.containsIP(a))
    .registerFunction('CIDR.containsIP(string): bool', (c: CIDRBlock, a: string) => c.containsIP(ip(a)))
    .registerFunction('CIDR.containsCIDR(CIDR): bool', (c: CIDRBlock, o: CIDRBlock) => c.containsCIDR(o))
    .registerFunction('CIDR.containsCIDR(string): bool', (c: CIDRBlock, o: string) => c.containsCIDR(cidr(o)))
    .registerFunction('CIDR.ip(): IP', (c: CIDRBlock) => c.ip)
    .registerFunction('CIDR.masked(): CIDR', (c: CIDRBlock) => c.masked())
    .registerFunction('CIDR.prefixLength(): int', (c: CIDRBlock) => BigInt(c.prefix));
}

class NamedFormat {
  constructor(readonly name: string, readonly check: (s: string) => string[]) {}
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function rule(re: RegExp, max: number, what: string): (s: string) => string[] {
  return (s) => [
    ...(s.length > max ? [`must be no more than ${max} characters`] : []),
    ...(re.test(s) ? [] : [`a ${what} must consist of valid characters (regex used for validation is '${re.source}')`]),
  ];
}

const namedFormats: Record<string, (s: string) => string[]> = {
  dns1123Label: rule(dns1123Label, 63, 'lowercase RFC 1123 label'),
  dns1123Subdomain: rule(dns1123Subdomain, 253, 'lowercase RFC 1123 subdomain'),
  dns1035Label: rule(dns1035Label, 63, 'DNS-1035 label'),
  dns1123LabelPrefix: (s) => rule(dns1123Label, 63, 'lowercase RFC 1123 label')(s.replace(/-$/, '') || 'a'),
  dns1123SubdomainPrefix: (s) => rule(dns1123Subdomain, 253, 'lowercase RFC 1123 subdomain')(s.replace(/-$/, '') || 'a'),
  dns1035LabelPrefix: (s) => rule(dns1035Label, 63, 'DNS-1035 label')(s.replace(/-$/, '') || 'a'),
  qualifiedName: (s) => {
    const parts = s.split('/');
    if (parts.length > 2) return ['a qualified name must consist of a name with an optional DNS subdomain prefix and /'];
    const name = parts.at(-1)!;
    const prefixErrors = parts.length === 2 ? rule(dns1123Subdomain, 253, 'prefix')(parts[0]!) : [];
    return [...prefixErrors, ...rule(qualifiedNamePart, 63, 'name part')(name)];
  },
  labelValue: (s) => (s === '' ? [] : rule(qualifiedNamePart, 63, 'valid label')(s)),
  uri: (s) => (/^[a-zA-Z][a-zA-Z0-9+.-]*:\S*$/.test(s) || s.startsWith('/') ? [] : ['must be a valid URI']),
  uuid: (s) => (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s) ? [] : ['does not match the UUID format']),
  byte: (s) => (/^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) ? [] : ['invalid base64']),
  date: (s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) ? [] : ['invalid date']),
  datetime: (s) => (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) ? [] : ['invalid datetime']),
};

function registerFormat(env: Environment): void {
  class FormatNamespace {}
  env
    .registerType('Format', NamedFormat)
    .registerType('FormatNamespace', FormatNamespace)
    .registerConstant('format', 'FormatNamespace', new FormatNamespace())
    .registerFunction('FormatNamespace.named(string): optional<Format>', (_: unknown, name: string) =>
      namedFormats[name] ? Optional.of(new NamedFormat(name, namedFormats[name]!)) : Optional.none())
    .registerFunction('Format.validate(string): optional<list<string>>', (f: NamedFormat, s: string) => {
      const errors = f.check(s);
      return errors.length ? Optional.of(errors) : Optional.none();
    });
  for (const [name, check] of Object.entries(namedFormats)) {
    env.registerFunction(`FormatNamespace.${name}(): Format`, () => new NamedFormat(name, check));
  }
}

class Semver {
  constructor(readonly major: bigint, readonly minor: bigint, readonly patch: bigint, readonly pre: string) {}

  static parse(s: string, normalize: boolean): Semver | undefined {
    let text = s;
    if (normalize) {
      text = text.replace(/^v/, '');
      const m = /^([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(.*)$/.exec(text);
      if (m) text = `${BigInt(m[1]!)}.${BigInt(m[2] ?? '0')}.${BigInt(m[3] ?? '0')}${m[4]}`;
    }
    const m = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/.exec(text);
    return m ? new Semver(BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!), m[4] ?? '') : undefined;
  }

  compareTo(o: Semver): number {
    for (const k of ['major', 'minor', 'patch'] as const) if (this[k] !== o[k]) return this[k] < o[k] ? -1 : 1;
    if (this.pre === o.pre) return 0;
    if (!this.pre) return 1;
    if (!o.pre) return -1;
    const a = this.pre.split('.');
    const b = o.pre.split('.');
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] === undefined) return -1;
      if (b[i] === undefined) return 1;
      const na = /^[0-9]+$/.test(a[i]!);
      const nb = /^[0-9]+$/.test(b[i]!);
      if (na && nb && BigInt(a[i]!) !== BigInt(b[i]!)) return BigInt(a[i]!) < BigInt(b[i]!) ? -1 : 1;
      if (na !== nb) return na ? -1 : 1;
      if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    }
    return 0;
  }
}

function registerSemver(env: Environment): void {
  const parse = (s: string, n = false): Semver => Semver.parse(s, n) ?? fail(`invalid semver: ${s}`);
  env
    .registerType('Semver', Semver)
    .registerFunction('semver(string): Semver', (s: string) => parse(s))
    .registerFunction('semver(string, bool): Semver', (s: string, n: boolean) => parse(s, n))
    .registerFunction('isSemver(string): bool', (s: string) => Semver.parse(s, false) !== undefined)
    .registerFunction('isSemver(string, bool): bool', (s: string, n: boolean) => Semver.parse(s, n) !== undefined)
    .registerFunction('Semver.major(): int', (v: Semver) => v.major)
    .registerFunction('Semver.minor(): int', (v: Semver) => v.minor)
    .registerFunction('Semver.patch(): int', (v: Semver) => v.patch)
    .registerFunction('Semver.compareTo(Semver): int', (a: Semver, b: Semver) => BigInt(a.compareTo(b)))
    .registerFunction('Semver.isGreaterThan(Semver): bool', (a: Semver, b: Semver) => a.compareTo(b) > 0)
    .registerFunction('Semver.isLessThan(Semver): bool', (a: Semver, b: Semver) => a.compareTo(b) < 0);
}

/** One step of the authorizer builder chain; immutable, each call returns a new one. */
export class AuthzCheck {
  constructor(readonly request: Omit<AuthorizationRequest, 'verb'>) {}
  with(extra: Partial<AuthorizationRequest>): AuthzCheck {
    return new AuthzCheck({ ...this.request, ...extra });
  }
}

export class AuthzDecision {
  constructor(readonly request: AuthorizationRequest, private readonly session: Session) {}
  allowed(): boolean {
    const answer = this.session.io.authorize?.(this.request);
    if (answer === undefined) throw new UnknownValue(`authorizer decision for ${this.request.verb} ${this.request.resource ?? this.request.path ?? ''}`);
    return answer;
  }
}

function registerAuthz(env: Environment, session: Session): void {
  const decide = (c: AuthzCheck, verb: string): AuthzDecision => new AuthzDecision({ ...c.request, verb }, session);
  env
    .registerType('Authorizer', AuthzCheck)
    .registerType('AuthzDecision', AuthzDecision)
    .registerFunction('Authorizer.serviceAccount(string, string): Authorizer', (c: AuthzCheck, namespace: string, name: string) => c.with({ user: { serviceAccount: { namespace, name } } }))
    .registerFunction('Authorizer.path(string): Authorizer', (c: AuthzCheck, path: string) => c.with({ path }))
    .registerFunction('Authorizer.group(string): Authorizer', (c: AuthzCheck, group: string) => c.with({ group }))
    .registerFunction('Authorizer.resource(string): Authorizer', (c: AuthzCheck, resource: string) => c.with({ resource }))
    .registerFunction('Authorizer.subresource(string): Authorizer', (c: AuthzCheck, subresource: string) => c.with({ subresource }))
    .registerFunction('Authorizer.namespace(string): Authorizer', (c: AuthzCheck, namespace: string) => c.with({ namespace }))
    .registerFunction('Authorizer.name(string): Authorizer', (c: AuthzCheck, name: string) => c.with({ name }))
    .registerFunction('Authorizer.fieldSelector(string): Authorizer', (c: AuthzCheck) => c)
    .registerFunction('Authorizer.labelSelector(string): Authorizer', (c: AuthzCheck) => c)
    .registerFunction('Authorizer.check(string): AuthzDecision', decide)
    .registerFunction('AuthzDecision.allowed(): bool', (d: AuthzDecision) => d.allowed())
    .registerFunction('AuthzDecision.errored(): bool', () => false)
    .registerFunction('AuthzDecision.error(): string', () => '')
    .registerFunction('AuthzDecision.reason(): string', (d: AuthzDecision) => { d.allowed(); return ''; });
}

/** Registers every Kubernetes library; the authorizer reads its answers from the session. */
export function registerKubernetesLibraries(env: Environment, session: Session): void {
  registerOptionalExtras(env);
  registerTimeConversions(env);
  registerLists(env);
  registerSets(env);
  registerStrings(env);
  registerQuantity(env);
  registerUrl(env);
  registerNet(env);
  registerFormat(env);
  registerSemver(env);
  registerAuthz(env, session);
}

export { celToString };
