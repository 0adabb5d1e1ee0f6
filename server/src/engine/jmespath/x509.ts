// x509_decode: the fields of Go's x509.Certificate that policies read, in Go's JSON shape.
// Integers beyond float64 precision (RSA moduli, serial numbers) stay exact as decimal strings,
// so two different keys never compare equal.
import { X509Certificate } from 'node:crypto';

type Obj = Record<string, unknown>;

const NAME_FIELDS: Record<string, string> = { C: 'Country', O: 'Organization', OU: 'OrganizationalUnit', L: 'Locality', ST: 'Province', street: 'StreetAddress', postalCode: 'PostalCode' };

function pkixName(text: string): Obj {
  const out: Obj = { Country: null, Organization: null, OrganizationalUnit: null, Locality: null, Province: null, StreetAddress: null, PostalCode: null, SerialNumber: '', CommonName: '' };
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'CN') out.CommonName = value;
    else if (key === 'serialNumber') out.SerialNumber = value;
    else if (NAME_FIELDS[key]) out[NAME_FIELDS[key]] = [...((out[NAME_FIELDS[key]] as string[] | null) ?? []), value];
  }
  return out;
}

function exact(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

function b64urlToNumber(s: string): number | string {
  return exact(BigInt(`0x${Buffer.from(s, 'base64url').toString('hex') || '0'}`));
}

function rfc3339(date: string): string {
  return new Date(date).toISOString().replace('.000Z', 'Z');
}

export function decodeX509(pem: string): Obj {
  const cert = new X509Certificate(pem);
  const jwk = cert.publicKey.export({ format: 'jwk' }) as Obj;
  let publicKey: Obj;
  if (jwk.kty === 'RSA') publicKey = { N: b64urlToNumber(String(jwk.n)), E: b64urlToNumber(String(jwk.e)) };
  else if (jwk.kty === 'EC') publicKey = { Curve: {}, X: b64urlToNumber(String(jwk.x)), Y: b64urlToNumber(String(jwk.y)) };
  else publicKey = {};
  const san = cert.subjectAltName ?? '';
  const names = (prefix: string) => san.split(', ').filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
  const dns = names('DNS:');
  const emails = names('email:');
  const ips = names('IP Address:');
  const uris = names('URI:');
  return {
    Version: 3,
    SerialNumber: exact(BigInt(`0x${cert.serialNumber}`)),
    Issuer: pkixName(cert.issuer),
    Subject: pkixName(cert.subject),
    NotBefore: rfc3339(cert.validFrom),
    NotAfter: rfc3339(cert.validTo),
    IsCA: cert.ca,
    DNSNames: dns.length ? dns : null,
    EmailAddresses: emails.length ? emails : null,
    IPAddresses: ips.length ? ips : null,
    URIs: uris.length ? uris : null,
    PublicKeyAlgorithm: jwk.kty === 'RSA' ? 1 : jwk.kty === 'EC' ? 3 : jwk.kty === 'OKP' ? 4 : 0,
    PublicKey: publicKey,
  };
}
