// Kyverno's x509.decode: a PEM certificate as the JSON of Go's x509.Certificate (the fields Kyverno
// emits that Node's parser exposes). Certificates with non-RSA keys are an error, as in Kyverno;
// certificate requests, which Node cannot parse, are unknown.
import { X509Certificate } from 'node:crypto';
import { UnknownValue } from '../session.ts';

const NAME_FIELDS: Record<string, string> = {
  C: 'Country', O: 'Organization', OU: 'OrganizationalUnit', L: 'Locality', ST: 'Province',
  street: 'StreetAddress', postalCode: 'PostalCode',
};

/** Node's "CN=a\nO=b" as Go's pkix.Name: string fields "" and list fields null when absent. */
function pkixName(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = { CommonName: '', SerialNumber: '' };
  for (const field of Object.values(NAME_FIELDS)) out[field] = null;
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const [key, value] = [line.slice(0, eq), line.slice(eq + 1)];
    if (key === 'CN') out.CommonName = value;
    else if (key === 'serialNumber') out.SerialNumber = value;
    else if (NAME_FIELDS[key]) out[NAME_FIELDS[key]!] = [...((out[NAME_FIELDS[key]!] as string[] | null) ?? []), value];
  }
  return out;
}

function altNames(cert: X509Certificate, prefix: string): string[] | null {
  const names = (cert.subjectAltName ?? '').split(', ').filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
  return names.length ? names : null;
}

const rfc3339 = (date: string): string => new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');

const fromBase64Url = (s: string): bigint => BigInt(`0x${Buffer.from(s, 'base64url').toString('hex') || '0'}`);

export function decodeX509(pem: string): Record<string, unknown> {
  if (!/-----BEGIN [A-Z ]+-----/.test(pem)) throw new Error('failed to decode PEM block');
  if (/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(pem)) throw new UnknownValue('x509.decode of a certificate request');
  if (!/-----BEGIN CERTIFICATE-----/.test(pem)) throw new Error('PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (e) {
    throw new Error(`x509: ${(e as Error).message}`);
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa') throw new Error('certificate should use rsa algorithm');
  const jwk = cert.publicKey.export({ format: 'jwk' });
  // Go's SerialNumber.Int64(): the low 64 bits, signed.
  const serial = BigInt.asIntN(64, BigInt(`0x${cert.serialNumber}`));
  return {
    Raw: cert.raw.toString('base64'),
    PublicKeyAlgorithm: 1n,
    PublicKey: { N: fromBase64Url(String(jwk.n)).toString(), E: fromBase64Url(String(jwk.e)) },
    SerialNumber: serial,
    Issuer: pkixName(cert.issuer),
    Subject: pkixName(cert.subject),
    NotBefore: rfc3339(cert.validFrom),
    NotAfter: rfc3339(cert.validTo),
    IsCA: cert.ca,
    DNSNames: altNames(cert, 'DNS:'),
    EmailAddresses: altNames(cert, 'email:'),
  };
}
